"""Jobs of the expert review run once a day by the scheduler (`manage.py run_scheduled_jobs`
calls `send_invitation_reminders(today)`). Idempotent: a second run on the same day sends
nothing more (`ReminderLog`)."""

from __future__ import annotations

import datetime as dt
import logging

from jiangxin.reviews.pool import do_remind_invitation, due_for_reminder

logger = logging.getLogger("jiangxin.scheduled")


def send_invitation_reminders(today: dt.date) -> int:
    """Remind every expert who has not answered an invitation for `REMINDER_INTERVAL_DAYS`
    days (each reminder carries a new link; at most `MAX_REMINDERS` per invitation)."""
    sent = 0
    for invitation_id in due_for_reminder(today).values_list("pk", flat=True):
        if do_remind_invitation(invitation_id=invitation_id, today=today):
            sent += 1
    if sent:
        logger.info("invitation reminders sent: %s", sent)
    return sent
