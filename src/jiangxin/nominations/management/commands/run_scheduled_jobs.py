"""Run the daily jobs of every stage (cron or a systemd timer calls this once a day):

- recommendation: close campaigns whose deadline day has passed; remind whoever must act 3 and
  1 days before the deadline;
- expert review: remind invited experts who have not answered, and experts whose score sheets
  are due or late;
- public notice: open the notices whose time has come, close those whose period is over (those
  with unresolved objections stay open), drop expired objection drafts.

Each job is idempotent: a second run the same day changes and sends nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from jiangxin.nominations.scheduled import close_due_recommendations, send_deadline_reminders
from jiangxin.notices.scheduled import open_and_close_notices
from jiangxin.reviews.scheduled import send_invitation_reminders
from jiangxin.reviews.scoring import send_review_reminders


class Command(BaseCommand):
    help = "Run the daily jobs: deadlines, reminders, and opening and closing public notices."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = timezone.localdate()
        closed = close_due_recommendations(today)
        reminded = send_deadline_reminders(today)
        invited = send_invitation_reminders(today)
        late = send_review_reminders(today)
        notices = open_and_close_notices(now)
        self.stdout.write(
            f"{today}: closed recommendation in {len(closed)} campaign(s); "
            f"{reminded} deadline reminder(s), {invited} invitation reminder(s), "
            f"{late} review reminder(s); notices opened {len(notices.opened)}, "
            f"closed {len(notices.closed)}, held open {len(notices.held)}"
        )
