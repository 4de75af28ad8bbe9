"""Password change and the password policy (length, classes, common, history, age)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiangxin.accounts.actions import do_change_password
from jiangxin.accounts.models import User
from jiangxin.accounts.tests.helpers import LOGIN_URL, english, post_password, sign_in
from jiangxin.core.models import AuditEvent
from tests.factories import PASSWORD

CHANGE_URL = reverse("accounts:password_change")
DASHBOARD_URL = reverse("core:dashboard")


@pytest.fixture
def hebei(world) -> User:
    return world.users["hebei_officer"]


@pytest.fixture
def client(hebei) -> Client:
    client = english(Client())
    assert sign_in(client, hebei).status_code == 302
    return client


def change(client: Client, new: str, old: str = PASSWORD, confirm: str | None = None):
    return client.post(
        CHANGE_URL,
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if confirm is None else confirm,
        },
    )


def test_change_password_keeps_this_session_and_is_audited(client, hebei):
    response = change(client, "New-Strong-2025!")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:security")
    hebei.refresh_from_db()
    assert check_password("New-Strong-2025!", hebei.password)
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=hebei).exists()
    assert client.get(DASHBOARD_URL).status_code == 200


def test_change_password_ends_the_other_sessions(client, hebei):
    other = Client()
    sign_in(other, hebei)
    assert other.get(DASHBOARD_URL).status_code == 200
    change(client, "New-Strong-2025!")
    assert other.get(DASHBOARD_URL).status_code == 302
    assert client.get(DASHBOARD_URL).status_code == 200


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ("Ab1!xyz", "This password is too short. It must contain at least 8 characters."),
        ("abcdefghijk", "at least 3 of these four kinds of character"),
        ("correcthorse1", "at least 3 of these four kinds of character"),
        ("password1", "This password is too common."),
        ("12345678901", "This password is entirely numeric."),
    ],
)
def test_policy_messages_are_shown_next_to_the_new_password(client, hebei, candidate, message):
    response = change(client, candidate)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="id_new_password1_error"' in page
    assert "<title>Error:" in page
    hebei.refresh_from_db()
    assert check_password(PASSWORD, hebei.password)


def test_wrong_current_password_is_refused_audited_and_counted(client, hebei):
    response = change(client, "New-Strong-2025!", old="Not-My-Password-1")
    assert response.status_code == 200
    assert "The current password is not correct." in response.content.decode()
    event = AuditEvent.objects.get(action="auth.reauthentication_failed")
    assert event.actor_id == hebei.pk
    assert AccessAttempt.objects.get(username=hebei.username).failures_since_start == 1
    assert "New-Strong" not in AccessAttempt.objects.get().post_data


def test_five_wrong_current_passwords_end_the_session_with_the_lock(client, hebei):
    for attempt in range(4):
        assert change(client, "New-Strong-2025!", old=f"Wrong-{attempt}").status_code == 200
    response = change(client, "New-Strong-2025!", old="Wrong-5")
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()
    assert Session.objects.count() == 0
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_label=hebei.username).exists()
    assert client.get(DASHBOARD_URL).status_code == 302
    assert post_password(Client(), hebei.username).status_code == 429


def test_confirmation_must_match(client):
    response = change(client, "New-Strong-2025!", confirm="New-Strong-2025?")
    assert response.status_code == 200
    assert "The two new passwords do not match." in response.content.decode()


def test_the_last_five_passwords_cannot_be_reused_the_sixth_can(hebei):
    history = [PASSWORD] + [f"Craft-History-{i}!" for i in range(1, 6)]
    for password in history[1:]:
        do_change_password(user_id=hebei.pk, new_password=password, acting_user=hebei)
    current = history[-1]
    client = english(Client())
    assert post_password(client, hebei.username, current).status_code == 302
    for reused in history[1:]:  # the last five, the current one included
        response = change(client, reused, old=current)
        assert response.status_code == 200, reused
        assert "The password must differ from your last 5 passwords." in response.content.decode()
    response = change(client, history[0], old=current)  # the sixth most recent
    assert response.status_code == 302


def test_expired_password_forces_a_change(client, hebei):
    User.objects.filter(pk=hebei.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    for url in (DASHBOARD_URL, reverse("accounts:security"), reverse("orgs:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == CHANGE_URL
    page = client.get(CHANGE_URL)
    assert page.status_code == 200
    assert "more than 90 days old" in page.content.decode()
    assert 'id="sidebar"' in page.content.decode()

    assert change(client, "Fresh-Password-2025!").status_code == 302
    assert client.get(DASHBOARD_URL).status_code == 200


def test_htmx_request_with_expired_password_gets_an_htmx_redirect(client, hebei):
    User.objects.filter(pk=hebei.pk).update(must_change_password=True)
    response = client.get(DASHBOARD_URL, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == CHANGE_URL


def test_logout_still_works_with_an_expired_password(client, hebei):
    User.objects.filter(pk=hebei.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_must_change_password_forces_a_change(client, hebei):
    User.objects.filter(pk=hebei.pk).update(must_change_password=True)
    response = client.get(DASHBOARD_URL)
    assert response["Location"] == CHANGE_URL
    page = client.get(CHANGE_URL)
    assert "You must choose a new password before you continue." in page.content.decode()
    assert change(client, "Fresh-Password-2025!").status_code == 302
    hebei.refresh_from_db()
    assert not hebei.must_change_password
    assert client.get(DASHBOARD_URL).status_code == 200


def test_sign_in_with_an_expired_password_goes_straight_to_the_change_page(hebei):
    User.objects.filter(pk=hebei.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = post_password(Client(), hebei.username)
    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL


def test_password_age_boundary(client, hebei):
    User.objects.filter(pk=hebei.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get(DASHBOARD_URL).status_code == 200
