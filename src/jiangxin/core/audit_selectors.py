"""Reading the audit log: who may, and the filters the audit administrator's pages use."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from jiangxin.accounts import rules
from jiangxin.core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

#: Dates typed into filters and times shown on pages are in China Standard Time.
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class AuditFilters:
    """The audit log filters; empty values filter nothing. Dates are Asia/Shanghai days."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    outcome: str = ""
    object_type: str = ""
    object_id: str = ""
    ip: str = ""

    def as_summary(self) -> dict[str, Any]:
        """The filters that are set, JSON-ready (for the "audit.exported" event)."""
        return {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Shanghai, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def audit_events_visible_to(user: User | AnonymousUser) -> QuerySet[AuditEvent]:
    """Every audit event for the audit administrator, nothing for anyone else (三员分立)."""
    if not rules.can_read_audit_log(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("acting_org").order_by("-id")


def filter_audit_events(qs: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Narrow `qs` by the filters. Both dates are inclusive days in Asia/Shanghai."""
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=start_of_day(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=start_of_day(filters.date_to + dt.timedelta(days=1)))
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.object_type:
        qs = qs.filter(object_type__startswith=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.ip:
        qs = qs.filter(ip=filters.ip)
    return qs
