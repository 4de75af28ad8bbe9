"""The audit chain: appends link up, the database refuses changes, verification finds tampering."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jiangxin.core.audit import GENESIS, ChainProblem, compute_hash, record_event, verify_chain
from jiangxin.core.models import AuditAnchor, AuditChainHead, AuditEvent

POSTGRES = connection.vendor == "postgresql"
only_postgres = pytest.mark.skipif(not POSTGRES, reason="PostgreSQL triggers and row locks")


def _sql(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _disable_guards() -> None:
    """Switch the append-only triggers off, as a superuser could (rolled back with the test)."""
    if POSTGRES:
        _sql("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    else:
        _sql("DROP TRIGGER core_auditevent_no_update")


def _tamper_summary(event_id: int) -> None:
    cast = "::jsonb" if POSTGRES else ""
    _sql(
        f"UPDATE core_auditevent SET summary = %s{cast} WHERE id = %s",  # noqa: S608
        ['{"tampered": true}', event_id],
    )


def _delete_row(event_id: int) -> None:
    _sql("DELETE FROM core_auditevent WHERE id = %s", [event_id])


def _write(n: int, action: str = "test.event") -> list[AuditEvent]:
    return [record_event(action, summary={"i": i, "名称": "匠心"}) for i in range(n)]


# --- Appending ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_event_links_to_genesis_and_each_next_to_the_previous():
    events = _write(3)
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_event_id, head.last_hash) == (events[2].pk, events[2].hash)


@pytest.mark.django_db
def test_stored_rows_hash_the_same_as_when_written():
    """What comes back from the database (IPv6 compressed, blank IP as NULL, JSON) still hashes."""
    record_event("test.ip", ip="2001:DB8:0:0:0:0:0:1", user_agent="Mozilla/5.0 <x>")
    record_event("test.ip", ip="")
    record_event("test.ip", summary={"n": 1.5, "nested": {"b": [1, 2], "a": None}})
    for row in AuditEvent.objects.all():
        assert compute_hash(row) == row.hash
    assert AuditEvent.objects.filter(ip="2001:db8::1").exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_actor_label_and_object_are_recorded(world):
    user = world.users["program_officer"]
    event = record_event("test.obj", actor=user, obj=world.hebei, acting_org=world.acftu)
    event.refresh_from_db()
    assert event.actor_label == "program"
    assert event.object_type == "orgs.organization"
    assert event.object_id == str(world.hebei.pk)
    assert event.acting_org_id == world.acftu.pk


# --- Verification -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_ok_after_writes(world):
    _write(5)
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEvent.objects.count()
    assert report.first_broken_id is None and report.reason == ""


@pytest.mark.django_db
def test_verify_ok_on_an_empty_log():
    report = verify_chain()
    assert report.ok and report.checked == 0


@pytest.mark.django_db
def test_verify_in_small_chunks():
    _write(7)
    assert verify_chain(chunk_size=2).checked == 7


@pytest.mark.django_db
def test_edited_row_is_named(world, english):
    events = _write(5)
    victim = events[2]
    _disable_guards()
    _tamper_summary(victim.pk)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == victim.pk
    assert report.problem == ChainProblem.HASH_MISMATCH
    assert report.reason == "hash mismatch: the row was edited"
    with pytest.raises(CommandError, match=rf"event {victim.pk}: hash mismatch"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_deleted_middle_row_breaks_the_link_at_the_next_row(world, english):
    events = _write(5)
    _disable_guards()
    _delete_row(events[2].pk)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == events[3].pk
    assert report.problem == ChainProblem.LINK_BROKEN
    assert report.reason == "link broken: a row is missing or was inserted"


@pytest.mark.django_db
def test_deleted_newest_row_is_found_through_the_head(world):
    events = _write(3)
    _disable_guards()
    _delete_row(events[-1].pk)
    report = verify_chain()
    assert not report.ok
    assert report.problem == ChainProblem.TAIL_MISSING
    assert report.first_broken_id == events[-1].pk


@pytest.mark.django_db
def test_deleted_oldest_rows_break_the_link_to_genesis():
    events = _write(3)
    _disable_guards()
    _delete_row(events[0].pk)
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, events[1].pk)
    assert report.problem == ChainProblem.LINK_BROKEN


@pytest.mark.django_db
def test_inserted_row_is_found():
    events = _write(2)
    forged = AuditEvent(
        occurred_at=events[1].occurred_at,
        action="test.forged",
        prev_hash=events[1].hash,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_event_id=forged.pk, last_hash=forged.hash)
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, forged.pk)
    assert report.problem == ChainProblem.HASH_MISMATCH


@pytest.mark.django_db
def test_verify_from_a_starting_row():
    events = _write(6)
    report = verify_chain(start_after_id=events[2].pk)
    assert report.ok and report.checked == 3
    assert report.first_id == events[3].pk
    missing = verify_chain(start_after_id=events[-1].pk + 1000)
    assert missing.problem == ChainProblem.START_MISSING and not missing.ok


@pytest.mark.django_db
def test_verify_command_prints_success(world, capsys):
    _write(2)
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "Audit chain intact" in out
    assert f"{AuditEvent.objects.count()} events verified" in out


@pytest.mark.django_db
def test_verify_command_start_after(capsys):
    events = _write(3)
    call_command("verify_audit_chain", "--start-after", str(events[0].pk))
    assert "2 events verified" in capsys.readouterr().out


# --- The database guards ------------------------------------------------------------------------


@pytest.mark.django_db
def test_database_refuses_update():
    event = _write(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _tamper_summary(event.pk)
    event.refresh_from_db()
    assert event.action == "test.event"


@pytest.mark.django_db
def test_database_refuses_update_of_anchors():
    anchor = AuditAnchor.objects.create(
        created_at=_write(1)[0].occurred_at,
        purged_before=_write(1)[0].occurred_at,
        purged_count=1,
        first_kept_id=1,
        prev_hash=GENESIS,
        hash=GENESIS,
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditAnchor.objects.filter(pk=anchor.pk).update(purged_count=2)


@only_postgres
@pytest.mark.django_db
def test_postgres_refuses_delete():
    event = _write(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    # Even with the purge switch on, a row within the retention period stays.
    with pytest.raises(DatabaseError, match="not older than 184 days"), transaction.atomic():
        _sql("SET LOCAL jiangxin.audit_purge = 'on'")
        _delete_row(event.pk)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@only_postgres
@pytest.mark.django_db
def test_postgres_refuses_delete_of_anchors():
    anchor = AuditAnchor.objects.create(
        created_at=_write(1)[0].occurred_at,
        purged_before=_write(1)[0].occurred_at,
        purged_count=1,
        first_kept_id=1,
        prev_hash=GENESIS,
        hash=GENESIS,
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("SET LOCAL jiangxin.audit_purge = 'on'")
        AuditAnchor.objects.filter(pk=anchor.pk).delete()


@only_postgres
@pytest.mark.django_db
def test_postgres_refuses_truncate_to_a_non_superuser():
    _write(1)
    role = f"jx_audit_test_{uuid.uuid4().hex[:12]}"
    refused = pytest.raises(DatabaseError, match="TRUNCATE on core_auditevent refused")
    with refused, transaction.atomic():
        _sql(f"CREATE ROLE {role} NOLOGIN")
        _sql(f"GRANT TRUNCATE ON core_auditevent TO {role}")
        _sql(f"SET LOCAL ROLE {role}")
        _sql("TRUNCATE core_auditevent")
    assert AuditEvent.objects.exists()


# --- Concurrency --------------------------------------------------------------------------------


@only_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_keep_the_chain_linear():
    record_event("test.start")
    per_thread = 20
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                with transaction.atomic():
                    record_event("test.concurrent", summary={"worker": n, "i": i})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors

    report = verify_chain()
    assert report.ok, report
    assert report.checked == 1 + 2 * per_thread
    rows = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    # Linear: every row links to the one before it, and no two rows share a parent.
    assert all(prev == rows[i - 1][1] for i, (prev, _h) in enumerate(rows) if i)
    assert len({prev for prev, _h in rows}) == len(rows)
    workers = AuditEvent.objects.filter(action="test.concurrent").values_list(
        "summary__worker", flat=True
    )
    assert sorted(workers) == [0] * per_thread + [1] * per_thread
