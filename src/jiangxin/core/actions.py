"""Writes owned by the core app: the working-day calendar, revealing personal data, key rotation.

Each function is one domain act with an explicit `acting_user` (None for a system command),
a guard, the write and its audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules
from jiangxin.core.audit import record_event
from jiangxin.core.crypto import (
    EncryptedTextField,
    SealedValueError,
    encrypted_fields,
    keyring,
    open_sealed,
    seal,
    sealed_kid,
)
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent, CalendarDay, CalendarYear

if TYPE_CHECKING:
    from jiangxin.accounts.models import User

#: Years an officer may enter. The State Council announces a year's schedule the November
#: before; anything far outside this range is a typing mistake.
CALENDAR_MIN_YEAR = 2000
CALENDAR_MAX_YEAR = 2100

#: Shortest reason accepted for revealing personal data (Chinese reasons are short: 核实身份).
REVEAL_REASON_MIN_LENGTH = 4


# --- Working-day calendar ---------------------------------------------------------------------


@transaction.atomic
def do_enter_calendar_year(
    *,
    acting_user: User | None,
    year: int,
    source: str,
    days: list[tuple[dt.date, str, str]],
) -> CalendarYear:
    """Enter (or replace) the announced holiday schedule of `year`.

    `days` lists (date, "holiday" | "workday", festival name). Every existing day of that year
    is replaced, so the table always holds exactly one announcement per year. From now on the
    table, not the `chinesecalendar` package, decides the working days of `year`.
    """
    if acting_user is not None and not rules.can_manage_calendar(acting_user):
        raise PermissionDenied("calendar.manage", _("You may not edit the working-day calendar."))
    if not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        raise DomainError(
            "calendar.year_out_of_range",
            _("The year must be between %(min)s and %(max)s.")
            % {"min": CALENDAR_MIN_YEAR, "max": CALENDAR_MAX_YEAR},
        )
    source = source.strip()
    if not source:
        raise DomainError(
            "calendar.source_required",
            _("Name the State Council notice that announced this schedule."),
        )
    kinds = {CalendarDay.Kind.HOLIDAY.value, CalendarDay.Kind.WORKDAY.value}
    seen: set[dt.date] = set()
    for day, kind, _name in days:
        if kind not in kinds:
            raise DomainError(
                "calendar.bad_kind",
                _("A calendar day is either a holiday or a make-up workday."),
            )
        if day.year != year:
            raise DomainError(
                "calendar.date_outside_year",
                _("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year},
            )
        if day in seen:
            raise DomainError(
                "calendar.duplicate_date",
                _("%(date)s is listed twice.") % {"date": day.isoformat()},
            )
        seen.add(day)

    # Lock the year's row (or create it) so two officers entering the same year serialise.
    row, created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"source": source, "entered_by": acting_user}
    )
    before: dict[str, object] = {}
    if not created:
        before = {
            "source": row.source,
            "holidays": row.days.filter(kind=CalendarDay.Kind.HOLIDAY).count(),
            "workdays": row.days.filter(kind=CalendarDay.Kind.WORKDAY).count(),
        }
        row.source = source
        row.entered_by = acting_user
        row.entered_at = timezone.now()
        row.save(update_fields=["source", "entered_by", "entered_at"])
        row.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=row, date=day, kind=kind, name=name.strip()[:50])
        for day, kind, name in sorted(days)
    )
    holidays = sum(1 for _d, kind, _n in days if kind == CalendarDay.Kind.HOLIDAY)
    record_event(
        "calendar.year_entered",
        actor=acting_user,
        obj=row,
        summary={
            "before": before,
            "after": {"source": source, "holidays": holidays, "workdays": len(days) - holidays},
        },
    )
    return row


# --- Personal data ----------------------------------------------------------------------------


def do_reveal_personal_data(
    *, acting_user: User, obj: models.Model, field_name: str, reason: str
) -> str:
    """Return the full value of an encrypted personal-data field, logging who asked and why.

    Precondition: the caller fetched `obj` through a selector scoped to `acting_user`. The
    audit row names the field and the reason, never the value. A refused attempt is audited
    too (outcome "denied"), so this function deliberately opens no transaction of its own:
    the refusal's audit row must survive the exception.
    """
    if not isinstance(obj._meta.get_field(field_name), EncryptedTextField):
        raise ValueError(f"{obj._meta.label}.{field_name} is not an encrypted personal-data field.")
    if not rules.can_reveal_personal_data(acting_user):
        record_event(
            "personal_data.revealed",
            actor=acting_user,
            obj=obj,
            summary={"field": field_name},
            outcome=AuditEvent.Outcome.DENIED,
        )
        raise PermissionDenied(
            "personal_data.reveal", _("You may not see full ID or phone numbers.")
        )
    reason = " ".join(reason.split())
    if len(reason) < REVEAL_REASON_MIN_LENGTH:
        raise DomainError(
            "personal_data.reason_required",
            _("Give the reason for seeing the full value (at least %(n)s characters).")
            % {"n": REVEAL_REASON_MIN_LENGTH},
        )
    # Read the stored value, not whatever the in-memory object may hold.
    value = type(obj)._base_manager.filter(pk=obj.pk).values_list(field_name, flat=True).get()
    record_event(
        "personal_data.revealed",
        actor=acting_user,
        obj=obj,
        summary={"field": field_name, "reason": reason},
    )
    return value or ""


# --- Field key rotation -----------------------------------------------------------------------


@dataclass
class RotationCount:
    """What `do_rotate_field_keys` did to one encrypted column."""

    label: str  # "accounts.User.phone"
    resealed: int = 0
    current: int = 0  # already sealed under the current key
    empty: int = 0
    changed: int = 0  # rewritten by someone else meanwhile (already current then)
    unreadable: list[str] = field(default_factory=list)  # pks of values failing authentication


def do_rotate_field_keys(
    *,
    acting_user: User | None,
    batch_size: int = 500,
    dry_run: bool = False,
    using: str = "default",
) -> list[RotationCount]:
    """Re-seal every EncryptedTextField value that is not under the current key.

    Works table by table in primary-key batches, each batch in its own transaction, so it can
    run on a live system and be resumed. Each row is rewritten only if its stored value is
    still the one read (compare-and-swap), so a concurrent edit is never overwritten. Values
    that fail authentication are left alone and reported by primary key.
    """
    ring = keyring()
    connection = connections[using]
    qn = connection.ops.quote_name
    results: list[RotationCount] = []
    for model, enc_field in encrypted_fields():
        opts = model._meta
        count = RotationCount(label=f"{opts.label}.{enc_field.name}")
        table, pk, col = qn(opts.db_table), qn(opts.pk.column), qn(enc_field.column)
        # Identifiers come from model metadata, quoted by the backend; values are parameters.
        select_first = f"SELECT {pk}, {col} FROM {table} ORDER BY {pk} LIMIT %s"  # noqa: S608
        select_next = f"SELECT {pk}, {col} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608
        update = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608
        last_pk: Any = None
        while True:
            with connection.cursor() as cursor:
                if last_pk is None:
                    cursor.execute(select_first, [batch_size])
                else:
                    cursor.execute(select_next, [last_pk, batch_size])
                rows = cursor.fetchall()
            if not rows:
                break
            with transaction.atomic(using=using), connection.cursor() as cursor:
                for row_pk, token in rows:
                    if not token:
                        count.empty += 1
                        continue
                    try:
                        if sealed_kid(token) == ring.current_kid:
                            count.current += 1
                            continue
                        plaintext = open_sealed(token, ring=ring)
                    except SealedValueError:
                        count.unreadable.append(str(row_pk))
                        continue
                    if dry_run:
                        count.resealed += 1
                        continue
                    cursor.execute(update, [seal(plaintext, ring=ring), row_pk, token])
                    if cursor.rowcount == 1:
                        count.resealed += 1
                    else:
                        count.changed += 1
            last_pk = rows[-1][0]
        results.append(count)
    if not dry_run:
        record_event(
            "crypto.field_keys_rotated",
            actor=acting_user,
            actor_label="" if acting_user is not None else "manage.py rotate_field_keys",
            summary={
                "current_key": ring.current_kid,
                "fields": {
                    r.label: {
                        "resealed": r.resealed,
                        "current": r.current,
                        "unreadable": len(r.unreadable),
                    }
                    for r in results
                },
            },
        )
    return results
