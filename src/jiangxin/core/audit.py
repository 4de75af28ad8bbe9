"""The audit trail: writing it, verifying its hash chain, and purging it after retention.

Every action calls `record_event` inside its transaction. Each row carries the HMAC of the
previous row (`prev_hash`) and its own HMAC (`hash`, keyed with `JIANGXIN_AUDIT_KEY`), so an
edited, inserted or deleted row is found by `verify_chain` (`manage.py verify_audit_chain`).
The database refuses UPDATE and DELETE of audit rows itself (migration 0002); the only DELETE
it lets through is `purge_expired_events` (`manage.py purge_audit_events`), for rows older than
the retention period (never less than 184 days). A purge leaves an `AuditAnchor` so the chain
still verifies from its first remaining row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.models import AuditAnchor, AuditChainHead, AuditEvent
from jiangxin.core.request_context import current_request_meta

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization

logger = logging.getLogger("jiangxin.audit")

GENESIS = "0" * 64

#: The legal floor for keeping audit events (等保: at least six months).
MIN_RETENTION_DAYS = 184

#: Rows fetched per round trip while verifying.
VERIFY_CHUNK_SIZE = 2000

_IP_FIELD = AuditEvent._meta.get_field("ip")


def _now() -> dt.datetime:
    """The clock used for new audit rows (a seam for tests that need old events)."""
    return timezone.now()


def _utc_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _hmac(payload: dict[str, Any]) -> str:
    secret: str | None = settings.JIANGXIN_AUDIT_KEY
    if not secret:
        # An empty key would make every row's HMAC computable by anyone.
        raise ImproperlyConfigured("JIANGXIN_AUDIT_KEY must be set to sign the audit chain.")
    key = secret.encode()
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _canonical(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": _utc_iso(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "acting_org_id": event.acting_org_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "summary": event.summary,
        "outcome": event.outcome,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    """HMAC-SHA256 over the row's canonical content and the previous row's hash."""
    return _hmac(_canonical(event))


def compute_anchor_hash(anchor: AuditAnchor) -> str:
    """HMAC-SHA256 over a purge anchor, so an anchor cannot be forged without the key."""
    return _hmac(
        {
            "kind": "anchor",
            "created_at": _utc_iso(anchor.created_at),
            "purged_before": _utc_iso(anchor.purged_before),
            "purged_count": anchor.purged_count,
            "first_kept_id": anchor.first_kept_id,
            "prev_hash": anchor.prev_hash,
        }
    )


def _lock_head() -> AuditChainHead:
    """Lock the chain head (creating it on first use). Caller is inside a transaction."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    return head


def _normalize_ip(ip: str | None) -> str | None:
    # Hash exactly what the database will give back: IPv6 in its compressed form, "" as NULL.
    if not ip:
        return None
    return _IP_FIELD.get_prep_value(ip) or None


def record_event(
    action: str,
    *,
    actor: User | None = None,
    obj: models.Model | None = None,
    acting_org: Organization | None = None,
    summary: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    actor_label: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Runs in the caller's transaction (an action's write and its audit row commit together),
    or in its own when there is none. IP and user agent default to the current request's.
    The chain head stays locked until that transaction ends, so appends are serialized and
    the chain stays linear; ids are drawn after the lock, so id order is chain order.
    """
    meta = current_request_meta()
    with transaction.atomic():
        head = _lock_head()
        if actor is not None and getattr(actor, "is_authenticated", False):
            actor_label = actor_label or actor.get_username()
            actor_pk = actor.pk
        else:
            actor_pk = None
        event = AuditEvent(
            occurred_at=_now(),
            actor_id=actor_pk,
            actor_label=actor_label[:150],
            acting_org_id=acting_org.pk if acting_org is not None else meta.acting_org_id,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            summary=json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str)),
            outcome=outcome,
            ip=_normalize_ip(ip if ip is not None else meta.ip),
            user_agent=(user_agent if user_agent is not None else meta.user_agent)[:400],
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


# --- Verification -------------------------------------------------------------------------------


class ChainProblem:
    """Why verification stopped (codes; `ChainReport.reason` gives the translated text)."""

    HASH_MISMATCH = "hash_mismatch"
    LINK_BROKEN = "link_broken"
    TAIL_MISSING = "tail_missing"
    HEAD_MISSING = "head_missing"
    ANCHOR_INVALID = "anchor_invalid"
    START_MISSING = "start_missing"


_PROBLEM_TEXT: dict[str, _StrPromise] = {
    ChainProblem.HASH_MISMATCH: _("hash mismatch: the row was edited"),
    ChainProblem.LINK_BROKEN: _("link broken: a row is missing or was inserted"),
    ChainProblem.TAIL_MISSING: _("the newest rows are missing: the chain head names a later row"),
    ChainProblem.HEAD_MISSING: _("the chain head is missing: it was deleted"),
    ChainProblem.ANCHOR_INVALID: _("the purge anchor does not verify: it was edited or forged"),
    ChainProblem.START_MISSING: _("the row to start after does not exist"),
}


@dataclass(frozen=True)
class ChainReport:
    """The result of `verify_chain`."""

    ok: bool
    checked: int = 0
    first_id: int | None = None
    last_id: int | None = None
    first_broken_id: int | None = None
    problem: str = ""

    @property
    def reason(self) -> str:
        return str(_PROBLEM_TEXT[self.problem]) if self.problem else ""


@contextmanager
def _read_snapshot() -> Iterator[None]:
    """One consistent snapshot on PostgreSQL, so a purge committing mid-walk is not seen."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        yield


def verify_chain(
    *, start_after_id: int | None = None, chunk_size: int = VERIFY_CHUNK_SIZE
) -> ChainReport:
    """Walk the audit rows in id order, recomputing each HMAC and checking each link.

    The first row links to GENESIS, or to the newest purge anchor's `prev_hash` once a purge
    has removed the oldest rows; with `start_after_id`, to the (re-verified) hash of that row.
    Rows appended while verifying are not looked at: the walk ends at the chain head read
    first, and the last row walked must be the one the head names.
    """
    with _read_snapshot():
        head = AuditChainHead.objects.filter(pk=1).first()
        rows = AuditEvent.objects.order_by("id")
        min_id: int | None = None
        if start_after_id is not None:
            start = AuditEvent.objects.filter(pk=start_after_id).first()
            if start is None:
                return ChainReport(
                    ok=False, first_broken_id=start_after_id, problem=ChainProblem.START_MISSING
                )
            if compute_hash(start) != start.hash:
                return ChainReport(
                    ok=False, first_broken_id=start.pk, problem=ChainProblem.HASH_MISMATCH
                )
            expected = start.hash
            rows = rows.filter(id__gt=start_after_id)
        else:
            anchor = AuditAnchor.objects.order_by("-first_kept_id").first()
            if anchor is None:
                expected = GENESIS
            elif not hmac.compare_digest(compute_anchor_hash(anchor), anchor.hash):
                return ChainReport(
                    ok=False,
                    first_broken_id=anchor.first_kept_id,
                    problem=ChainProblem.ANCHOR_INVALID,
                )
            else:
                expected = anchor.prev_hash
                min_id = anchor.first_kept_id
        if head is not None:
            rows = rows.filter(id__lte=head.last_event_id)

        checked = 0
        first_id: int | None = None
        last_id: int | None = None
        for row in rows.iterator(chunk_size=chunk_size):
            if first_id is None:
                first_id = row.pk
            broken = None
            if not hmac.compare_digest(compute_hash(row), row.hash):
                broken = ChainProblem.HASH_MISMATCH
            elif row.prev_hash != expected or (min_id is not None and row.pk < min_id):
                broken = ChainProblem.LINK_BROKEN
            if broken:
                return ChainReport(
                    ok=False,
                    checked=checked,
                    first_id=first_id,
                    last_id=last_id,
                    first_broken_id=row.pk,
                    problem=broken,
                )
            expected = row.hash
            last_id = row.pk
            checked += 1

        if head is None:
            if checked:
                return ChainReport(
                    ok=False,
                    checked=checked,
                    first_id=first_id,
                    last_id=last_id,
                    first_broken_id=last_id,
                    problem=ChainProblem.HEAD_MISSING,
                )
        elif expected != head.last_hash:
            return ChainReport(
                ok=False,
                checked=checked,
                first_id=first_id,
                last_id=last_id,
                first_broken_id=head.last_event_id,
                problem=ChainProblem.TAIL_MISSING,
            )
        return ChainReport(ok=True, checked=checked, first_id=first_id, last_id=last_id)


# --- Retention ----------------------------------------------------------------------------------


def retention_days() -> int:
    """Days audit events are kept: the configured value, never below the legal 184."""
    configured = int(getattr(settings, "JIANGXIN_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    return max(MIN_RETENTION_DAYS, configured)


@dataclass(frozen=True)
class PurgeResult:
    retention_days: int
    cutoff: dt.datetime
    purged_count: int
    last_purged_id: int | None = None
    first_kept_id: int | None = None
    event_id: int | None = None
    dry_run: bool = False


def _database_now() -> dt.datetime:
    """The database's transaction time on PostgreSQL, so our cutoff and the trigger's agree."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            value: dt.datetime = cursor.fetchone()[0]
        return value
    return _now()


def purge_expired_events(*, dry_run: bool = False) -> PurgeResult:
    """Delete the audit events older than the retention period, keeping the chain verifiable.

    Deletes only a prefix of the chain: every row before the first one that is still within
    retention (a row stamped out of order by a skewed clock is kept, with everything after
    it). Before deleting, appends an "audit.purged" event and an HMAC'd `AuditAnchor` holding
    the last purged row's hash, which the first kept row carries as `prev_hash`. All in one
    transaction, with the chain head locked; on PostgreSQL the transaction-local setting
    `jiangxin.audit_purge` lets the append-only trigger allow these deletes (and only these:
    the trigger checks the age of every row itself).
    """
    days = retention_days()
    with transaction.atomic():
        if not dry_run:
            _lock_head()  # one purge at a time, and no append interleaves with it
        if connection.vendor == "postgresql" and not dry_run:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jiangxin.audit_purge', 'on', true), "
                    "set_config('jiangxin.audit_retention_days', %s, true)",
                    [str(days)],
                )
        cutoff = _database_now() - dt.timedelta(days=days)
        boundary = (
            AuditEvent.objects.filter(occurred_at__gte=cutoff)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        victims = AuditEvent.objects.all()
        if boundary is not None:
            victims = victims.filter(id__lt=boundary)
        stats = victims.aggregate(n=Count("id"), last=Max("id"))
        count: int = stats["n"]
        last_purged_id: int | None = stats["last"]
        if count == 0 or last_purged_id is None or dry_run:
            return PurgeResult(
                retention_days=days,
                cutoff=cutoff,
                purged_count=count,
                last_purged_id=last_purged_id,
                first_kept_id=boundary,
                dry_run=dry_run,
            )

        anchor_prev_hash = AuditEvent.objects.values_list("hash", flat=True).get(pk=last_purged_id)
        event = record_event(
            "audit.purged",
            summary={
                "retention_days": days,
                "purged_before": _utc_iso(cutoff),
                "purged_count": count,
                "last_purged_id": last_purged_id,
                "anchor_prev_hash": anchor_prev_hash,
            },
        )
        first_kept_id = (
            AuditEvent.objects.filter(id__gt=last_purged_id)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        if first_kept_id is None:  # pragma: no cover - the event just recorded is kept
            raise RuntimeError("audit purge found no row to keep")
        anchor = AuditAnchor(
            created_at=_now(),
            purged_before=cutoff,
            purged_count=count,
            first_kept_id=first_kept_id,
            prev_hash=anchor_prev_hash,
        )
        anchor.hash = compute_anchor_hash(anchor)
        anchor.save(force_insert=True)
        deleted, _by_model = AuditEvent.objects.filter(id__lte=last_purged_id).delete()
        if deleted != count:  # pragma: no cover - the head lock serializes purges
            raise RuntimeError(f"audit purge expected to delete {count} rows, deleted {deleted}")
    logger.info("Purged %d audit events older than %s", count, cutoff.isoformat())
    return PurgeResult(
        retention_days=days,
        cutoff=cutoff,
        purged_count=count,
        last_purged_id=last_purged_id,
        first_kept_id=first_kept_id,
        event_id=event.pk,
    )
