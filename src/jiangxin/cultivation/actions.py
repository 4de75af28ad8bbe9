"""Writes of the cultivation app. Publication opens the cohort (`open_cohort`); the cultivation
issue adds plans, reports and training on the records it creates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.cultivation.models import CultivationRecord
from jiangxin.programs.models import Campaign

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.nominations.models import Nomination


def cultivation_end(start: dt.date, months: int) -> dt.date:
    """The day the cultivation ends: `months` calendar months after `start` (31 August plus
    six months is the last day of February)."""
    return start + relativedelta(months=months)


def open_cohort(
    *,
    acting_user: User | None,
    campaign: Campaign,
    nominations: Sequence[Nomination],
    start_date: dt.date,
) -> list[CultivationRecord]:
    """Create one cultivation record per published nomination and move the campaign to
    CULTIVATING.

    Preconditions: the caller holds the campaign's row lock, has moved `nominations` to
    PUBLISHED, and is inside the transaction that published them. The one-record-per-nomination
    rule is the database's (a one-to-one field); a record that already exists is refused here
    first with a clear message.
    """
    months = campaign.policy_version.cultivation_months
    if months <= 0:
        raise DomainError(
            "cultivation.no_months",
            _("The policy version sets no cultivation period; the cohort cannot be opened."),
        )
    ids = [n.pk for n in nominations]
    if CultivationRecord.objects.filter(nomination_id__in=ids).exists():
        raise DomainError(
            "cultivation.record_exists",
            _("Some of these craftsmen already have a cultivation record."),
        )
    end_date = cultivation_end(start_date, months)
    records = CultivationRecord.objects.bulk_create(
        CultivationRecord(
            nomination=n,
            person=n.person,
            campaign=campaign,
            tier=campaign.tier,
            start_date=start_date,
            end_date=end_date,
            created_by=acting_user,
        )
        for n in nominations
    )
    if any(r.pk is None for r in records):  # a backend that returns no ids from bulk_create
        records = list(CultivationRecord.objects.filter(nomination_id__in=ids).order_by("id"))
    before = campaign.status
    campaign.status = Campaign.Status.CULTIVATING
    campaign.save(update_fields=["status", "updated_at"])
    for record in records:
        record_event(
            "cultivation.record_opened",
            actor=acting_user,
            obj=record,
            acting_org=campaign.issuing_org,
            summary={
                "nomination": record.nomination_id,
                "person": record.person_id,
                "start_date": start_date,
                "end_date": end_date,
            },
        )
    record_event(
        "cultivation.cohort_opened",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={
            "before": {"status": before},
            "after": {"status": campaign.status},
            "records": len(records),
            "start_date": start_date,
            "end_date": end_date,
            "months": months,
        },
    )
    return records
