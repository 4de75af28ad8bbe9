"""Fixtures of the notices tests: a final-approved campaign with its objection handler, and
its main notice open (from CAMPAIGN_DAY, Monday 2026-06-15)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.factories import make_approved_campaign, make_handler, make_open_notice


@pytest.fixture
def approved(world):  # type: ignore[no-untyped-def]
    """(campaign, approved nominations, other nominations) of a final-approved campaign."""
    return make_approved_campaign(world)


@pytest.fixture
def handler(world, approved):  # type: ignore[no-untyped-def]
    return make_handler(world, approved[0])


@pytest.fixture
def notice(world, approved, handler):  # type: ignore[no-untyped-def]
    return make_open_notice(world, approved[0])


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


def captcha_answer(html: str) -> dict[str, Any]:
    """The captcha fields of a rendered form, answered correctly (read from the store)."""
    from captcha.models import CaptchaStore

    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html)
    assert key, "no captcha on the page"
    store = CaptchaStore.objects.get(hashkey=key.group(1))
    return {"captcha_0": store.hashkey, "captcha_1": store.response}


@pytest.fixture
def en_client(client, settings):  # type: ignore[no-untyped-def]
    """A browser asking for English (the assertions read the English originals)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
