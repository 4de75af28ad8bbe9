"""Chain verification runs as a background task (immediate backend in tests)."""

from __future__ import annotations

from django.urls import reverse

from jiangxin.core.models import AuditEvent


def test_audit_admin_verifies_the_chain_in_the_background(client, world):
    client.force_login(world.users["audit_admin"])
    response = client.post(reverse("core:audit_verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="verdict"' in html
    assert "hx-trigger" not in html  # finished: no more polling
    event = AuditEvent.objects.get(action="audit.chain_verified")
    assert event.summary["ok"] is True
    assert event.summary["checked"] >= 10
    assert event.actor == world.users["audit_admin"]


def test_only_the_audit_admin_may_start_it(client, world):
    client.force_login(world.users["security_admin"])
    assert client.post(reverse("core:audit_verify")).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.chain_verified").exists()


def test_task_reports_a_broken_chain(world):
    from jiangxin.core.tasks import verify_audit_chain_task
    from jiangxin.core.tests.test_audit_chain import _disable_guards, _tamper_summary

    victim = AuditEvent.objects.order_by("id")[3]
    _disable_guards()  # as an intruder with database rights could
    _tamper_summary(victim.pk)
    result = verify_audit_chain_task.enqueue()
    assert result.return_value["ok"] is False
    assert result.return_value["first_broken_id"] == victim.pk
