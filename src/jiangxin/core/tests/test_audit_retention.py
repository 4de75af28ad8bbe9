"""Retention: events older than the retention period are purged, the chain still verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jiangxin.core import audit
from jiangxin.core.audit import (
    ChainProblem,
    purge_expired_events,
    record_event,
    retention_days,
    verify_chain,
)
from jiangxin.core.models import AuditAnchor, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def write_aged(monkeypatch):
    """Write events stamped `days` ago (the clock seam of record_event)."""

    def write(days: float, n: int = 1, action: str = "test.aged") -> list[AuditEvent]:
        when = timezone.now() - dt.timedelta(days=days)
        monkeypatch.setattr(audit, "_now", lambda: when)
        try:
            return [record_event(action, summary={"age": days, "i": i}) for i in range(n)]
        finally:
            monkeypatch.setattr(audit, "_now", timezone.now)

    return write


def _disable_guards() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")


def test_old_events_are_purged_young_kept_and_the_chain_still_verifies(write_aged):
    oldest = write_aged(300, 3)
    old = write_aged(200, 2)
    young = write_aged(10, 3)
    assert verify_chain().ok

    result = purge_expired_events()

    assert result.purged_count == 5
    assert result.retention_days == 184
    assert result.last_purged_id == old[-1].pk
    assert result.first_kept_id == young[0].pk
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in oldest + old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in young]).count() == 3

    purge_event = AuditEvent.objects.get(action="audit.purged")
    assert purge_event.pk == result.event_id
    assert purge_event.summary["purged_count"] == 5
    assert purge_event.summary["retention_days"] == 184
    assert purge_event.summary["anchor_prev_hash"] == old[-1].hash

    anchor = AuditAnchor.objects.get()
    assert (anchor.first_kept_id, anchor.prev_hash) == (young[0].pk, old[-1].hash)
    assert anchor.purged_count == 5

    report = verify_chain()
    assert report.ok, report
    assert report.checked == 4  # three young events and the purge event
    assert report.first_id == young[0].pk


def test_dry_run_changes_nothing(write_aged):
    write_aged(200, 2)
    write_aged(1, 1)
    before = AuditEvent.objects.count()
    result = purge_expired_events(dry_run=True)
    assert result.dry_run and result.purged_count == 2
    assert AuditEvent.objects.count() == before
    assert not AuditAnchor.objects.exists()


def test_nothing_to_purge_records_nothing(write_aged):
    write_aged(100, 2)
    result = purge_expired_events()
    assert result.purged_count == 0
    assert not AuditEvent.objects.filter(action="audit.purged").exists()
    assert verify_chain().ok


def test_retention_below_184_days_is_clamped(settings, write_aged):
    settings.JIANGXIN_AUDIT_RETENTION_DAYS = 30
    assert retention_days() == 184
    old = write_aged(200)
    kept = write_aged(100)
    result = purge_expired_events()
    assert result.retention_days == 184
    assert result.purged_count == 1
    assert not AuditEvent.objects.filter(pk=old[0].pk).exists()
    assert AuditEvent.objects.filter(pk=kept[0].pk).exists()
    assert verify_chain().ok


def test_longer_retention_is_honoured(settings, write_aged):
    settings.JIANGXIN_AUDIT_RETENTION_DAYS = 365
    write_aged(400)
    kept = write_aged(200)
    result = purge_expired_events()
    assert (result.retention_days, result.purged_count) == (365, 1)
    assert AuditEvent.objects.filter(pk=kept[0].pk).exists()
    assert verify_chain().ok


def test_only_a_prefix_of_the_chain_is_purged(write_aged):
    """An old row after a young one (a skewed clock) is kept, so the chain stays whole."""
    first = write_aged(300)
    write_aged(5)
    late = write_aged(250)
    result = purge_expired_events()
    assert result.purged_count == 1
    assert not AuditEvent.objects.filter(pk=first[0].pk).exists()
    assert AuditEvent.objects.filter(pk=late[0].pk).exists()
    assert verify_chain().ok


def test_when_every_event_is_old_the_purge_event_starts_the_chain(write_aged):
    old = write_aged(200, 3)
    result = purge_expired_events()
    assert result.purged_count == 3
    assert result.first_kept_id == result.event_id
    assert AuditEvent.objects.get().prev_hash == old[-1].hash
    assert verify_chain().ok


def test_repeated_purges_keep_the_chain_verifiable(settings, write_aged):
    write_aged(400, 2)
    write_aged(300, 2)
    write_aged(3, 1)
    settings.JIANGXIN_AUDIT_RETENTION_DAYS = 365
    assert purge_expired_events().purged_count == 2
    settings.JIANGXIN_AUDIT_RETENTION_DAYS = 184
    assert purge_expired_events().purged_count == 2
    assert AuditAnchor.objects.count() == 2
    assert verify_chain().ok


def test_a_forged_anchor_is_found(write_aged):
    write_aged(200, 2)
    write_aged(1, 2)
    purge_expired_events()
    last = AuditEvent.objects.order_by("-id").first()
    AuditAnchor.objects.create(
        created_at=timezone.now(),
        purged_before=timezone.now(),
        purged_count=99,
        first_kept_id=last.pk,
        prev_hash=last.prev_hash,
        hash="0" * 64,
    )
    report = verify_chain()
    assert not report.ok
    assert report.problem == ChainProblem.ANCHOR_INVALID


def test_deleting_the_first_kept_row_is_found(write_aged):
    write_aged(200, 2)
    young = write_aged(1, 3)
    purge_expired_events()
    _disable_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [young[0].pk])
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, young[1].pk)
    assert report.problem == ChainProblem.LINK_BROKEN


def test_purge_command(write_aged, capsys):
    write_aged(200, 2)
    write_aged(1, 1)
    call_command("purge_audit_events", "--dry-run")
    assert "Dry run: 2 audit events" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 3
    call_command("purge_audit_events")
    assert "Purged 2 audit events" in capsys.readouterr().out
    call_command("purge_audit_events")
    assert "Nothing to purge" in capsys.readouterr().out
    call_command("verify_audit_chain")
    assert "Audit chain intact: 2 events verified" in capsys.readouterr().out
