"""Session lifetime: 30 idle minutes, 12 hours in all; the server-side row goes too."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from jiangxin.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from jiangxin.accounts.tests.helpers import LOGIN_URL, english, post_password, sign_in
from jiangxin.core.models import AuditEvent

DASHBOARD_URL = reverse("core:dashboard")


@pytest.fixture
def client(world) -> Client:
    client = english(Client())
    assert sign_in(client, world.users["hebei_officer"]).status_code == 302
    return client


def shift(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_session_expires_after_30_minutes(client, world):
    shift(client, **{SESSION_SEEN: 31 * 60})
    response = client.get(reverse("orgs:list") + "?q=x")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=%2Forgs%2F%3Fq%3Dx"
    assert Session.objects.count() == 0
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.actor_id == world.users["hebei_officer"].pk
    assert event.summary == {"reason": "idle"}

    page = client.get(response["Location"])
    assert "Your session has expired. Please sign in again." in page.content.decode()
    assert client.get(DASHBOARD_URL).status_code == 302


def test_session_ends_after_12_hours_even_when_active(client):
    shift(client, **{SESSION_STARTED: 12 * 3600 + 60, SESSION_SEEN: 10})
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert Session.objects.count() == 0
    assert AuditEvent.objects.get(action="auth.session_expired").summary == {"reason": "absolute"}


def test_active_session_stays_and_records_activity(client):
    shift(client, **{SESSION_STARTED: 11 * 3600, SESSION_SEEN: 29 * 60})
    assert client.get(DASHBOARD_URL).status_code == 200
    seen = client.session[SESSION_SEEN]
    assert int(time.time()) - seen < 5
    assert not AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_expired_post_is_not_replayed_after_sign_in(client):
    shift(client, **{SESSION_SEEN: 31 * 60})
    response = client.post(reverse("accounts:password_change"), {})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


def test_expired_htmx_request_gets_an_htmx_redirect(client):
    shift(client, **{SESSION_SEEN: 31 * 60})
    response = client.get(DASHBOARD_URL, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN_URL
    assert Session.objects.count() == 0


def test_anonymous_pages_create_no_server_session(world):
    client = Client()
    client.get(LOGIN_URL)
    post_password(client, "hebei", "Wrong-1")
    client.post(reverse("accounts:logout"))
    client.get(DASHBOARD_URL)
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_login_rotates_the_session_key(world):
    client = Client()
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    sign_in(client, world.users["hebei_officer"])
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"
    assert Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
