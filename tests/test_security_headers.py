"""Security headers on every page, CSRF enforcement, and production settings."""

from __future__ import annotations

import importlib
import re

import pytest
from django.test import Client
from django.urls import reverse

PAGES = ["core:dashboard", "orgs:list", "orgs:user_list", "accounts:security"]


def _check_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("name", PAGES)
def test_security_headers_on_pages(client, world, name):
    client.force_login(world.users["program_officer"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    _check_headers(response)


def test_security_headers_on_anonymous_login_and_404(client, db):
    _check_headers(client.get(reverse("accounts:login")))
    _check_headers(client.get("/no-such-page/"))


def test_pages_have_no_inline_script(client, world):
    client.force_login(world.users["security_admin"])
    for name in PAGES:
        html = client.get(reverse(name)).content.decode()
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
            attrs, body = match.groups()
            assert "src=" in attrs and not body.strip(), f"inline script on {name}"


def test_csrf_is_enforced_on_posts(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["hebei_officer"])
    url = reverse("orgs:set_active", args=[world.hebei_enterprise.pk])
    response = client.post(url, {"active": "0"})
    assert response.status_code == 403
    world.hebei_enterprise.refresh_from_db()
    assert world.hebei_enterprise.is_active
    # With the token from the page, the same post goes through (to the action's own rules).
    page = client.get(reverse("orgs:detail", args=[world.hebei_enterprise.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(url, {"active": "1", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302


@pytest.fixture
def reload_settings():  # type: ignore[no-untyped-def]
    """Re-import the settings modules under the test's environment, then restore them."""

    def load():  # type: ignore[no-untyped-def]
        importlib.reload(importlib.import_module("config.settings.base"))
        return importlib.reload(importlib.import_module("config.settings.prod"))

    yield load
    importlib.reload(importlib.import_module("config.settings.base"))


def test_production_settings_are_strict(monkeypatch, reload_settings):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("JIANGXIN_FIELD_KEYS", "k1:" + "A" * 43 + "=")
    monkeypatch.setenv("JIANGXIN_BLIND_INDEX_KEY", "b")
    monkeypatch.setenv("JIANGXIN_AUDIT_KEY", "a")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    prod = reload_settings()
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SECURE_SSL_REDIRECT
    assert prod.DEBUG is False


def test_production_refuses_to_start_without_secrets(monkeypatch, reload_settings):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured):
        reload_settings()
