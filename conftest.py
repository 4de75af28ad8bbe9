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
