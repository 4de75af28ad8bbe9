"""The second factor: no session before it, signed pending-login token, shared lockout."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts import login_flow
from jiangxin.accounts.actions import do_change_password
from jiangxin.accounts.tests.helpers import (
    ENROL_URL,
    LOGIN_URL,
    VERIFY_URL,
    confirmed_device,
    current_code,
    english,
    pending_token,
    post_password,
    sign_in,
    wrong_code,
)
from jiangxin.core.models import AuditEvent

LOCK_MESSAGE = "Signing in with this username is locked for 30 minutes"
CODE_FAILED = "The code is not correct or has expired."


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    # django-otp's per-device back-off (1 s, 2 s, ...) would refuse a right code sent straight
    # after a wrong one; the tests check the axes lock, which is the limit that matters here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def officer(world):
    return world.users["program_officer"]


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_password_step_of_a_two_factor_user_creates_no_session(officer):
    confirmed_device(officer)
    client = english(Client())
    response = post_password(client, officer.username)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{VERIFY_URL}"' in page
    assert pending_token(response)
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies
    assert "sessionid" not in client.cookies
    assert "auth.login" not in actions()
    assert "no-store" in response["Cache-Control"]


def test_right_code_signs_in_and_binds_the_device(officer, world):
    device = confirmed_device(officer)
    client = Client()
    token = pending_token(post_password(client, officer.username, next="/orgs/"))
    response = client.post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/orgs/"
    assert Session.objects.count() == 1
    session = client.session
    assert session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert session["acting_org_id"] == world.acftu.pk
    assert session["jx_started"] == session["jx_seen"]
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor_id == officer.pk
    assert login.summary == {"second_factor": "totp"}
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_token_is_single_use(officer):
    device = confirmed_device(officer)
    client = Client()
    token = pending_token(post_password(client, officer.username))
    assert (
        client.post(VERIFY_URL, {"token": token, "code": current_code(device)}).status_code == 302
    )

    replay = Client().post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert replay.status_code == 302
    assert replay["Location"] == LOGIN_URL
    assert Session.objects.count() == 1


def test_tampered_token_is_refused(officer):
    device = confirmed_device(officer)
    client = Client()
    token = pending_token(post_password(client, officer.username))
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    response = client.post(VERIFY_URL, {"token": forged, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_token_expires_after_five_minutes(officer, monkeypatch):
    device = confirmed_device(officer)
    issued_at = time.time() - login_flow.TOKEN_MAX_AGE_SECONDS - 1
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: issued_at)
        token = login_flow.issue_token(officer, stage=login_flow.STAGE_VERIFY)
    response = Client().post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_password_change_invalidates_the_token(officer):
    device = confirmed_device(officer)
    token = pending_token(post_password(Client(), officer.username))
    do_change_password(user_id=officer.pk, new_password="Another-Pass-2025!", acting_user=officer)
    response = Client().post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_second_factor_pages_send_a_get_back_to_login(db):
    for url in (VERIFY_URL, ENROL_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_wrong_code_is_audited_and_counted_by_axes(officer):
    device = confirmed_device(officer)
    client = english(Client())
    token = pending_token(post_password(client, officer.username))
    response = client.post(VERIFY_URL, {"token": token, "code": wrong_code(device)})
    assert response.status_code == 200
    assert CODE_FAILED in response.content.decode()
    assert pending_token(response) == token
    assert Session.objects.count() == 0
    failed = AuditEvent.objects.get(action="auth.second_factor_failed")
    assert failed.actor_id == officer.pk
    assert failed.outcome == AuditEvent.Outcome.FAILURE
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 1
    # The code is never stored by axes.
    assert wrong_code(device) not in AccessAttempt.objects.get().post_data
    assert token not in AccessAttempt.objects.get().post_data

    retry = client.post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert retry.status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()


def test_password_and_code_failures_share_one_lock(officer):
    device = confirmed_device(officer)
    client = english(Client())
    post_password(client, officer.username, "Wrong-1")
    post_password(client, officer.username, "Wrong-2")
    token = pending_token(post_password(client, officer.username))
    for _ in range(2):
        assert (
            client.post(VERIFY_URL, {"token": token, "code": wrong_code(device)}).status_code == 200
        )
    fifth = client.post(VERIFY_URL, {"token": token, "code": wrong_code(device)})
    assert fifth.status_code == 429
    assert LOCK_MESSAGE in fifth.content.decode()

    # Locked: the right code with the same token, and the right password, are refused alike.
    right_code = client.post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert right_code.status_code == 429
    assert post_password(client, officer.username).status_code == 429
    assert Session.objects.count() == 0
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").count() == 3
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 3
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_backup_code_works_once(officer):
    device = confirmed_device(officer)
    backup, codes = login_flow.regenerate_backup_codes(officer)
    client = Client()
    token = pending_token(post_password(client, officer.username))
    response = client.post(VERIFY_URL, {"token": token, "code": codes[0].upper()})
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == backup.persistent_id
    assert AuditEvent.objects.get(action="auth.login").summary == {"second_factor": "backup_code"}
    assert StaticToken.objects.filter(device=backup).count() == len(codes) - 1

    other = Client()
    token = pending_token(post_password(other, officer.username))
    again = other.post(VERIFY_URL, {"token": token, "code": codes[0]})
    assert again.status_code == 200
    assert device.pk  # the TOTP device is still there for normal use


def test_user_without_device_enrols_with_a_qr_code(officer):
    client = english(Client())
    response = post_password(client, officer.username)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{ENROL_URL}"' in page
    assert "<svg" in page
    body = page.split("</head>")[1]
    assert "<script" not in body  # CSP: no inline script; the QR code is inline SVG markup
    assert "data:" not in body
    assert Session.objects.count() == 0
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    token = pending_token(response)

    wrong = client.post(ENROL_URL, {"token": token, "code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "<svg" in wrong.content.decode()
    assert Session.objects.count() == 0

    done = client.post(ENROL_URL, {"token": token, "code": current_code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert actions()[-3:] == [
        "auth.second_factor_failed",
        "auth.second_factor_enrolled",
        "auth.login",
    ]
    enrolled = AuditEvent.objects.get(action="auth.second_factor_enrolled")
    assert enrolled.actor_id == officer.pk


def test_enrol_page_shows_the_secret_for_manual_entry(officer):
    response = post_password(english(Client()), officer.username)
    from base64 import b32encode

    device = TOTPDevice.objects.get(user=officer)
    secret = b32encode(device.bin_key).decode()
    page = response.content.decode()
    assert all(secret[i : i + 4] in page for i in range(0, len(secret), 4))


def test_enrol_token_cannot_add_a_device_next_to_a_confirmed_one(officer):
    existing = confirmed_device(officer)
    rogue = TOTPDevice.objects.create(user=officer, confirmed=False)
    token = login_flow.issue_token(officer, stage=login_flow.STAGE_ENROL)
    response = Client().post(ENROL_URL, {"token": token, "code": current_code(rogue)})
    assert response["Location"] == LOGIN_URL
    rogue.refresh_from_db()
    assert not rogue.confirmed
    assert list(TOTPDevice.objects.filter(confirmed=True)) == [existing]
    assert Session.objects.count() == 0


def test_tokens_are_bound_to_their_stage(officer):
    device = confirmed_device(officer)
    enrol_token = login_flow.issue_token(officer, stage=login_flow.STAGE_ENROL)
    response = Client().post(VERIFY_URL, {"token": enrol_token, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    verify_token = login_flow.issue_token(officer, stage=login_flow.STAGE_VERIFY)
    response = Client().post(ENROL_URL, {"token": verify_token, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_user_who_chose_two_factor_is_asked_for_it(world):
    hebei = world.users["hebei_officer"]
    device = confirmed_device(hebei)
    client = Client()
    response = post_password(client, hebei.username)
    assert response.status_code == 200
    assert Session.objects.count() == 0
    response = client.post(
        VERIFY_URL, {"token": pending_token(response), "code": current_code(device)}
    )
    assert response.status_code == 302


def test_user_without_two_factor_role_signs_in_with_the_password(world):
    client = Client()
    response = post_password(client, world.users["hebei_officer"].username)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.login").summary == {"second_factor": None}


def test_deactivated_during_the_pending_login(officer):
    device = confirmed_device(officer)
    token = pending_token(post_password(Client(), officer.username))
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    response = Client().post(VERIFY_URL, {"token": token, "code": current_code(device)})
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_session_without_the_second_factor_ends_when_it_becomes_required(world):
    hebei = world.users["hebei_officer"]
    client = english(Client())
    sign_in(client, hebei)
    assert client.get(reverse("core:dashboard")).status_code == 200

    from jiangxin.accounts.actions import do_grant_role
    from jiangxin.accounts.models import Role

    do_grant_role(
        acting_user=None,
        user_id=hebei.pk,
        organization_id=world.acftu.pk,
        role=Role.PROGRAM_OFFICER,
    )
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert Session.objects.count() == 0
    ended = AuditEvent.objects.get(action="auth.session_ended")
    assert ended.summary == {"reason": "second_factor_required"}


def test_removing_the_device_ends_a_verified_session(officer):
    device = confirmed_device(officer)
    client = Client()
    sign_in(client, officer, device)
    assert client.get(reverse("core:dashboard")).status_code == 200
    device.delete()
    assert client.get(reverse("core:dashboard")).status_code == 302
    assert Session.objects.count() == 0


def test_static_device_without_tokens_does_not_block_enrolment(officer):
    StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    response = post_password(Client(), officer.username)
    # A backup-code container counts as a device: the user is asked for a code, not to enrol.
    assert f'action="{VERIFY_URL}"' in response.content.decode()
