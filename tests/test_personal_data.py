"""Personal data is masked on every page; revealing it is a privileged, reasoned, audited act."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiangxin.accounts.actions import do_create_user, do_grant_role
from jiangxin.accounts.models import Role
from jiangxin.core.models import AuditEvent
from tests.factories import PASSWORD
from tests.personal_data_guard import unmasked_personal_data


def test_guard_finds_ids_and_phones():
    assert unmasked_personal_data("ID 11010519491231002X here") == ["11010519491231002X"]
    assert unmasked_personal_data("tel 13812345678.") == ["13812345678"]
    # Masked values, wrong check digits and hex runs are not reported.
    assert unmasked_personal_data("110105********002X 138****5678 11010519491231002") == []
    assert unmasked_personal_data("a13812345678b 110105194912310021") == []


@pytest.fixture
def person_with_phone(world):  # type: ignore[no-untyped-def]
    user = do_create_user(
        acting_user=None,
        username="phoneuser",
        full_name="王小明",
        password=PASSWORD,
        phone="13812345678",
        must_change_password=False,
    )
    do_grant_role(
        acting_user=None,
        user_id=user.pk,
        organization_id=world.hebei_union.pk,
        role=Role.UNIT_CLERK,
    )
    return user


def test_phone_is_masked_on_list_and_detail(client, world, person_with_phone):
    client.force_login(world.users["hebei_officer"])
    for url in (
        reverse("orgs:user_list"),
        reverse("orgs:user_detail", args=[person_with_phone.pk]),
    ):
        html = client.get(url).content.decode()
        assert "138****5678" in html


@pytest.mark.reveals_personal_data
def test_reveal_needs_a_reason_and_is_audited(client, world, person_with_phone):
    client.force_login(world.users["hebei_officer"])
    url = reverse("orgs:user_reveal_phone", args=[person_with_phone.pk])
    response = client.post(url, {"reason": ""})
    assert "13812345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()
    response = client.post(url, {"reason": "核实联系方式"})
    assert "13812345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.actor == world.users["hebei_officer"]
    assert "13812345678" not in str(event.summary)
    assert "核实联系方式" in str(event.summary)


def test_reveal_outside_scope_is_404(client, world, person_with_phone):
    client.force_login(world.users["henan_officer"])
    url = reverse("orgs:user_reveal_phone", args=[person_with_phone.pk])
    assert client.post(url, {"reason": "核实联系方式"}).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()
