"""Shared pytest fixtures: a small organization tree and users for every role, and the
personal-data guard that inspects every response the test client receives.

Factories call the real actions, so tests exercise the same write paths as the product.
"""

from __future__ import annotations

from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reveals_personal_data: the test shows a full ID/phone through the audited reveal",
    )


@pytest.fixture(autouse=True)
def _personal_data_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("reveals_personal_data"):
        return
    from django.test import client as test_client

    from tests.personal_data_guard import check_response

    original = test_client.Client.request

    def guarded(self: Any, **request_kwargs: Any) -> Any:
        response = original(self, **request_kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(test_client.Client, "request", guarded)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def english():  # type: ignore[no-untyped-def]
    """Run a test with English active, for assertions on the English original messages
    (Simplified Chinese is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def campaign_day():  # type: ignore[no-untyped-def]
    """Run the test on tests.factories.CAMPAIGN_DAY (time-machine; the clock ticks on)."""
    import time_machine

    from tests.factories import CAMPAIGN_DAY

    with time_machine.travel(CAMPAIGN_DAY, tick=True):
        yield CAMPAIGN_DAY


@pytest.fixture(scope="session", autouse=True)
def _keep_migration_rows(request: pytest.FixtureRequest) -> None:
    """Keep the serialized migration rows Django made when it created the test database
    (read here, on the main context, before any browser test switches contexts)."""
    if "django_db_setup" not in request.fixturenames:
        return
    request.getfixturevalue("django_db_setup")
    from django.db import connections

    from tests import migration_rows

    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    if serialized and not migration_rows.ROWS:
        migration_rows.ROWS.append(serialized)
