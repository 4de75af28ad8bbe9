"""The password step: one answer for every failure, per-username lockout, audit, CSRF."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jiangxin.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from jiangxin.accounts.models import User
from jiangxin.accounts.tests.helpers import LOGIN_URL, english, post_password
from jiangxin.core.models import AuditEvent
from tests.factories import PASSWORD

LOCK_MESSAGE = "Signing in with this username is locked for 30 minutes"
FAILED_MESSAGE = "The username or password is not correct."
_CSRF = re.compile(r"[A-Za-z0-9]{64}")


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def normalized(body: bytes, username: str) -> str:
    """The page with what legitimately differs (CSRF tokens, the typed username) blanked."""
    text = _CSRF.sub("CSRF", body.decode())
    return text.replace(f'value="{username}"', 'value="USERNAME"')


def test_login_page_is_chinese_by_default_and_creates_no_session(db):
    client = Client()
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.content.decode()
    assert 'id="sidebar"' not in response.content.decode()
    assert 'name="username"' in response.content.decode()
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_login_page_switches_to_english(db):
    response = english(Client()).get(LOGIN_URL)
    assert '<html lang="en">' in response.content.decode()
    assert "Sign in" in response.content.decode()


def test_login_with_csrf_enforced_creates_the_session(world):
    user = world.users["hebei_officer"]
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    token = page.cookies["csrftoken"].value

    refused = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 403
    assert Session.objects.count() == 0

    response = client.post(
        LOGIN_URL,
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert Session.objects.count() == 1
    session = client.session
    assert str(session["_auth_user_id"]) == str(user.pk)
    assert session["acting_org_id"] == world.hebei.pk
    assert session[SESSION_STARTED] == session[SESSION_SEEN]
    (login,) = events("auth.login")
    assert login.actor_id == user.pk
    assert login.outcome == AuditEvent.Outcome.SUCCESS
    assert login.acting_org_id == world.hebei.pk
    assert login.ip == "127.0.0.1"
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(world):
    client = english(Client())
    known = post_password(client, "hebei", "Wrong-Password-1")
    unknown = post_password(client, "nobody-here", "Wrong-Password-1")
    assert known.status_code == unknown.status_code == 200
    assert FAILED_MESSAGE in known.content.decode()
    assert normalized(known.content, "hebei") == normalized(unknown.content, "nobody-here")
    assert Session.objects.count() == 0

    failed = events("auth.login_failed")
    assert [e.actor_label for e in failed] == ["hebei", "nobody-here"]
    assert all(e.outcome == AuditEvent.Outcome.FAILURE and e.actor_id is None for e in failed)
    # The password is never written down, neither in the audit log nor by axes.
    assert not AuditEvent.objects.filter(summary__icontains="Wrong-Password").exists()
    assert "Wrong-Password" not in "".join(
        AccessAttempt.objects.values_list("post_data", flat=True)
    )


def test_deactivated_user_gets_the_generic_answer(world):
    user = world.users["hebei_officer"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = post_password(english(Client()), user.username)
    assert response.status_code == 200
    assert FAILED_MESSAGE in response.content.decode()
    assert Session.objects.count() == 0
    assert events("auth.login_failed")[0].actor_label == user.username


@pytest.mark.parametrize("username", ["hebei", "nobody-here"])
def test_five_failures_lock_the_username_even_for_the_right_password(world, username):
    client = english(Client())
    for attempt in range(1, 5):
        response = post_password(client, username, f"Wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert LOCK_MESSAGE not in response.content.decode()
    fifth = post_password(client, username, "Wrong-5")
    assert fifth.status_code == 429
    assert LOCK_MESSAGE in fifth.content.decode()

    sixth = post_password(client, username, PASSWORD)
    assert sixth.status_code == 429
    assert LOCK_MESSAGE in sixth.content.decode()
    assert FAILED_MESSAGE not in sixth.content.decode()
    assert Session.objects.count() == 0
    assert "sessionid" not in sixth.cookies

    assert len(events("auth.login_failed")) == 5
    locked = events("auth.locked_out")
    assert len(locked) == 2
    assert all(e.actor_label == username and e.outcome == "denied" for e in locked)
    # Another username is not affected.
    assert post_password(client, "henan").status_code == 302


def test_lockout_page_is_identical_for_existing_and_unknown_usernames(world):
    bodies = {}
    for username in ("hebei", "nobody-here"):
        client = english(Client())
        for attempt in range(6):
            response = post_password(client, username, f"Wrong-{attempt}")
        assert response.status_code == 429
        bodies[username] = normalized(response.content, username)
    assert bodies["hebei"] == bodies["nobody-here"]
    assert "Error:" in bodies["hebei"].split("</title>")[0]


def test_lockout_is_per_username_not_per_address(world):
    client = Client()
    for attempt in range(5):
        post_password(client, "hebei", f"Wrong-{attempt}")
    assert AccessFailureLog.objects.filter(username="hebei").count() == 5
    assert post_password(client, "henan").status_code == 302


def test_unlock_user_command_lifts_the_lock_and_is_audited(world):
    client = Client()
    for attempt in range(5):
        post_password(client, "hebei", f"Wrong-{attempt}")
    assert post_password(client, "hebei").status_code == 429

    call_command("unlock_user", "hebei")

    (unlocked,) = events("auth.unlocked")
    assert unlocked.summary["username"] == "hebei"
    assert unlocked.summary["attempts_removed"] >= 1
    assert not AccessAttempt.objects.filter(username="hebei").exists()
    assert post_password(client, "hebei").status_code == 302


def test_successful_login_resets_the_failure_count(world):
    client = Client()
    for attempt in range(4):
        post_password(client, "hebei", f"Wrong-{attempt}")
    assert post_password(client, "hebei").status_code == 302
    assert not AccessAttempt.objects.filter(username="hebei").exists()


def test_next_is_followed_only_when_safe(world):
    safe = post_password(Client(), "hebei", next="/orgs/")
    assert safe["Location"] == "/orgs/"
    unsafe = post_password(Client(), "hebei", next="https://evil.example/steal")
    assert unsafe["Location"] == reverse("core:dashboard")
    scheme_relative = post_password(Client(), "hebei", next="//evil.example/")
    assert scheme_relative["Location"] == reverse("core:dashboard")


def test_login_page_keeps_next_from_the_query_string(db):
    response = Client().get(LOGIN_URL, {"next": "/orgs/"})
    assert 'name="next" value="/orgs/"' in response.content.decode()


def test_signed_in_user_visiting_login_is_sent_on(world):
    client = Client()
    post_password(client, "hebei")
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_logout_is_post_only_flushes_the_session_and_is_audited(world):
    client = english(Client())
    post_password(client, "hebei")
    assert Session.objects.count() == 1
    logout_url = reverse("accounts:logout")

    assert client.get(logout_url).status_code == 405
    assert Session.objects.count() == 1

    response = client.post(logout_url, follow=True)
    assert response.redirect_chain[0] == (LOGIN_URL, 302)
    assert "You have signed out." in response.content.decode()
    assert Session.objects.count() == 0
    (logout,) = events("auth.logout")
    assert logout.actor_id == world.users["hebei_officer"].pk
    # The old cookie no longer opens anything.
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_logout_without_a_session_just_goes_to_login(db):
    response = Client().post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_pages_require_login(db):
    response = Client().get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
