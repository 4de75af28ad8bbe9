"""Jobs run once a day by the scheduler (`manage.py run_scheduled_jobs`, from cron or a
systemd timer): close recommendation once its deadline day has passed, and remind whoever
still has to act 3 days and 1 day before a deadline. Both are idempotent: a second run on the
same day changes and sends nothing more (`ReminderLog`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse

from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core.errors import DomainError
from jiangxin.nominations.models import Nomination
from jiangxin.notifications.actions import notify
from jiangxin.notifications.models import ReminderLog
from jiangxin.programs.actions import do_close_recommendation
from jiangxin.programs.models import Campaign

logger = logging.getLogger("jiangxin.scheduled")

REMINDER_DAYS = (3, 1)
S = Nomination.Status


def close_due_recommendations(today: dt.date) -> list[Campaign]:
    closed = []
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.DEPLOYED, recommendation_closes__lt=today
    ):
        try:
            closed.append(do_close_recommendation(acting_user=None, campaign_id=campaign.pk))
        except DomainError as exc:  # closed meanwhile by an officer
            logger.info("campaign %s not closed: %s", campaign.pk, exc.rule)
    return closed


def _who_must_act(campaign: Campaign) -> dict[int, tuple[User, int]]:
    """Users who still have something to do before the deadline, with how many items."""
    counts: dict[int, int] = defaultdict(int)
    users: dict[int, User] = {}
    pending = Nomination.objects.filter(campaign=campaign)
    # Units: drafts and chain returns.
    unit_ids = pending.filter(
        status__in=[S.DRAFT, S.RETURNED], return_stage__in=["", Nomination.ReturnStage.CHAIN]
    ).values_list("nominating_unit_id", flat=True)
    per_unit: dict[int, int] = defaultdict(int)
    for unit_id in unit_ids:
        per_unit[unit_id] += 1
    for grant in RoleGrant.objects.filter(
        organization_id__in=per_unit, role=Role.UNIT_CLERK, revoked_at__isnull=True
    ).select_related("user"):
        users[grant.user_id] = grant.user
        counts[grant.user_id] += per_unit[grant.organization_id]
    # Levels of the chain: nominations awaiting their endorsement.
    per_level: dict[int, int] = defaultdict(int)
    for level_id in pending.filter(status=S.SUBMITTED).values_list("current_level_id", flat=True):
        per_level[level_id] += 1
    for grant in RoleGrant.objects.filter(
        organization_id__in=per_level,
        role__in=[Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER],
        revoked_at__isnull=True,
    ).select_related("user"):
        users[grant.user_id] = grant.user
        counts[grant.user_id] += per_level[grant.organization_id]
    return {pk: (users[pk], counts[pk]) for pk in users}


def send_deadline_reminders(today: dt.date) -> int:
    """Remind every user who must still act, once per deadline reminder day."""
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.DEPLOYED):
        days = (campaign.recommendation_closes - today).days
        if days not in REMINDER_DAYS:
            continue
        for user, count in _who_must_act(campaign).values():
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        kind=f"recommendation_closes_in_{days}",
                        subject_key=f"campaign:{campaign.pk}",
                        recipient=user,
                        sent_on=today,
                    )
                    notify(
                        [user],
                        "campaign.closing_soon",
                        params={
                            "campaign": campaign.name,
                            "closes": campaign.recommendation_closes.isoformat(),
                            "days": days,
                            "count": count,
                        },
                        url=reverse("nominations:list") + f"?campaign={campaign.pk}&todo=on",
                    )
            except IntegrityError:
                continue  # already reminded today
            sent += 1
    return sent
