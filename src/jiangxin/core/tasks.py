"""Background tasks of the core app (django-tasks: immediate in tests and the demo, database
workers — `manage.py db_worker` — in production)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jiangxin.core.audit import record_event, verify_chain
from jiangxin.core.models import AuditEvent


@task()
def verify_audit_chain_task(requested_by_id: int | None = None) -> dict[str, Any]:
    """Walk the whole audit chain and record the verdict as an audit event of its own."""
    report = verify_chain()
    result = {
        "ok": report.ok,
        "checked": report.checked,
        "first_id": report.first_id,
        "last_id": report.last_id,
        "first_broken_id": report.first_broken_id,
        "problem": report.problem,
    }
    from jiangxin.accounts.models import User

    requester = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    record_event(
        "audit.chain_verified",
        actor=requester,
        actor_label="" if requester else "task",
        summary=result,
        outcome=AuditEvent.Outcome.SUCCESS if report.ok else AuditEvent.Outcome.FAILURE,
    )
    return result
