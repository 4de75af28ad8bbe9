"""My account security: status, recent sign-ins, replacing the app, backup codes."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts.tests.helpers import (
    confirmed_device,
    current_code,
    english,
    post_password,
    sign_in,
    wrong_code,
)
from jiangxin.core.models import AuditEvent
from tests.factories import PASSWORD

SECURITY_URL = reverse("accounts:security")
SETUP_URL = reverse("accounts:two_factor_setup")
BACKUP_URL = reverse("accounts:backup_codes")


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def officer(world):
    return world.users["program_officer"]


@pytest.fixture
def device(officer) -> TOTPDevice:
    return confirmed_device(officer)


@pytest.fixture
def client(officer, device) -> Client:
    client = english(Client())
    assert sign_in(client, officer, device).status_code == 302
    return client


def test_security_page_shows_status_and_own_recent_sign_ins(client, world, officer):
    sign_in(Client(), world.users["hebei_officer"])  # someone else's sign-in
    response = client.get(SECURITY_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "On: you sign in with your password and a code" in page
    assert reverse("accounts:password_change") in page
    assert "127.0.0.1" in page
    assert page.count("<tr><td>") == 1  # only the officer's own sign-in


def test_recent_sign_ins_are_limited_to_ten(client, officer, device):
    for _ in range(11):
        sign_in(Client(), officer, device)
    response = client.get(SECURITY_URL)
    assert response.context["logins"] == list(
        AuditEvent.objects.filter(actor=officer, action="auth.login").order_by("-id")[:10]
    )


def test_user_without_device_sees_that_it_is_off(world):
    client = english(Client())
    sign_in(client, world.users["hebei_officer"])
    page = client.get(SECURITY_URL).content.decode()
    assert "Off. You may turn it on" in page


def test_replacing_the_app_needs_password_and_current_code(client, officer, device):
    page = client.get(SETUP_URL)
    assert 'name="code"' in page.content.decode()

    wrong = client.post(
        SETUP_URL, {"step": "reauthenticate", "password": PASSWORD, "code": wrong_code(device)}
    )
    assert wrong.status_code == 200
    assert "<svg" not in wrong.content.decode()
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 1
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").count() == 1

    bad_password = client.post(
        SETUP_URL, {"step": "reauthenticate", "password": "Wrong-1", "code": current_code(device)}
    )
    assert "The current password is not correct." in bad_password.content.decode()

    started = client.post(
        SETUP_URL, {"step": "reauthenticate", "password": PASSWORD, "code": current_code(device)}
    )
    assert started.status_code == 200
    assert "<svg" in started.content.decode()
    new = TOTPDevice.objects.get(user=officer, confirmed=False)

    refused = client.post(SETUP_URL, {"step": "confirm", "code": wrong_code(new)})
    assert "<svg" in refused.content.decode()
    new.refresh_from_db()
    assert not new.confirmed

    done = client.post(SETUP_URL, {"step": "confirm", "code": current_code(new)})
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=officer)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == new.persistent_id
    assert AuditEvent.objects.filter(action="auth.second_factor_reset", actor=officer).exists()
    # The session is still verified, by the new device.
    assert client.get(SECURITY_URL).status_code == 200


def test_confirm_without_a_started_setup_shows_the_first_step(client):
    response = client.post(SETUP_URL, {"step": "confirm", "code": "123456"})
    assert response.status_code == 200
    assert 'value="reauthenticate"' in response.content.decode()


def test_voluntary_setup_needs_only_the_password(world):
    hebei = world.users["hebei_officer"]
    client = english(Client())
    sign_in(client, hebei)
    page = client.get(SETUP_URL).content.decode()
    assert 'name="code"' not in page
    client.post(SETUP_URL, {"step": "reauthenticate", "password": PASSWORD})
    device = TOTPDevice.objects.get(user=hebei)
    assert (
        client.post(SETUP_URL, {"step": "confirm", "code": current_code(device)}).status_code == 302
    )
    assert AuditEvent.objects.filter(action="auth.second_factor_enrolled", actor=hebei).exists()
    assert client.get(SECURITY_URL).status_code == 200
    # From now on the password alone is not enough.
    response = post_password(Client(), hebei.username)
    assert response.status_code == 200
    assert Session.objects.count() == 1


def test_backup_codes_are_created_after_reauthentication(client, officer, device):
    response = client.post(BACKUP_URL, {"password": PASSWORD, "code": current_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    ) == set(codes)
    assert AuditEvent.objects.filter(action="auth.backup_codes_generated", actor=officer).exists()

    again = client.post(BACKUP_URL, {"password": PASSWORD, "code": current_code(device)})
    assert StaticDevice.objects.filter(user=officer).count() == 1
    assert not set(again.context["codes"]) & set(codes)


def test_backup_codes_need_an_authenticator_first(world):
    client = Client()
    sign_in(client, world.users["hebei_officer"])
    response = client.get(BACKUP_URL)
    assert response.status_code == 302
    assert response["Location"] == SECURITY_URL
