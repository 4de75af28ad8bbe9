"""Deny by default: every URL pattern, requested anonymously with every method, must send the
visitor to the login page, unless it is on the explicit public allow-list below."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: Views that answer without login, and why.
PUBLIC = {
    "set_language",  # the language switch on the login page
    "healthz",  # load-balancer probe, says only {"status": "ok"}
    "accounts:login",
    "accounts:two_factor_verify",  # needs a signed pending-login token from the password step
    "accounts:two_factor_enrol",  # same
    "accounts:logout",  # POST only; signing out needs no session (an expired one just redirects)
    # An expert answers an invitation by its emailed link before having a password: the
    # random token is the credential (expired/used/unknown: one "not valid" page, rate limited).
    "reviews:pool_invitation_answer",
    # The public portal (GET/HEAD only; anonymous pages come from the shared page cache).
    "portal:home",  # home page: current notices, latest news, the other channels
    "portal:category",  # one channel's articles (unknown channel: 404)
    "portal:article",  # a published article (draft, scheduled or withdrawn: 404)
    "portal:article_print",  # its print version
    "portal:attachment",  # a file of a published article
    "portal:search",  # search over published titles and text
    "portal:feeds",  # the list of feeds
    "portal:feed_rss",  # RSS 2.0 per channel
    "portal:feed_atom",  # Atom per channel
    "portal:elder_mode",  # elder-mode toggle: sets a cookie, redirects back (local URLs only)
    "portal:language",  # the portal's language link: sets the language cookie, redirects back
    "portal:craftsmen",  # published craftsmen, consented fields only
    "portal:craftsman",  # one craftsman's page (none without name consent: 404)
    "portal:craftsman_photo",  # the photo, only with the page and the photo consent
    # Objections to a public notice (异议): anyone may file one, by real name or as a unit,
    # behind a captcha and rate limits; the receipt's private link shows its status.
    "notices:object_start",  # the first question of the objection form
    "notices:object_step",  # each further question group and the check-your-answers page
    "notices:object_done",  # the confirmation with the receipt number
    "notices:objection_status",  # the private status page (a random token is the key)
    "notices:captcha_audio",  # the spoken captcha (non-visual alternative)
    "captcha-image",  # django-simple-captcha's picture (unknown key: 404)
    "captcha-image-2x",  # the same, double size
}

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


def _walk(resolvers: list, prefix: str = "", namespace: str = ""):  # type: ignore[no-untyped-def]
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def _sample_path(pattern: str) -> str:
    path = re.sub(r"<int:\w+>", "1", pattern)
    path = re.sub(r"<(str|slug):\w+>", "x", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


ALL_PATTERNS = sorted(set(_walk(get_resolver().url_patterns)), key=lambda p: p[0])
PROTECTED = [(p, n) for p, n in ALL_PATTERNS if n not in PUBLIC]


def test_walker_found_the_application_urls():
    names = {name for _, name in ALL_PATTERNS}
    assert {"core:dashboard", "orgs:list", "orgs:user_detail", "accounts:logout"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "name"), PROTECTED, ids=[p for p, _ in PROTECTED])
def test_anonymous_requests_are_sent_to_login(client, pattern: str, name: str | None):
    path = _sample_path(pattern)
    login_url = reverse(settings.LOGIN_URL)
    for method in METHODS:
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response["Location"].startswith(login_url), (method, path, response["Location"])


@pytest.mark.django_db
def test_public_views_answer_anonymous_visitors_without_error(client):
    names = {name for _, name in ALL_PATTERNS}
    assert names >= PUBLIC
    for pattern, name in ALL_PATTERNS:
        if name not in PUBLIC:
            continue
        for method in METHODS:
            response = getattr(client, method)(_sample_path(pattern))
            # A public page of a record (an article, a notice) answers 404 for a made-up id.
            allowed = {200, 302, 400, 405} | ({404} if "<" in pattern else set())
            assert response.status_code in allowed, (
                method,
                name,
                response.status_code,
            )
