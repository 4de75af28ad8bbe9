"""Writing the audit trail. Every action calls `record_event` inside its transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from jiangxin.core.models import AuditChainHead, AuditEvent
from jiangxin.core.request_context import current_request_meta

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "occurred_at": event.occurred_at.isoformat(),
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
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    """HMAC-SHA256 over the row's canonical content and the previous row's hash."""
    key = settings.JIANGXIN_AUDIT_KEY.encode()
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


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
    """
    meta = current_request_meta()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        if actor is not None and getattr(actor, "is_authenticated", False):
            actor_label = actor_label or actor.get_username()
            actor_pk = actor.pk
        else:
            actor_pk = None
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor_pk,
            actor_label=actor_label[:150],
            acting_org_id=acting_org.pk if acting_org is not None else meta.acting_org_id,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            summary=json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str)),
            outcome=outcome,
            ip=ip if ip is not None else meta.ip,
            user_agent=(user_agent if user_agent is not None else meta.user_agent)[:400],
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event
