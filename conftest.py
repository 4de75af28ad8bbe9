"""Shared pytest fixtures: a small organization tree and users for every role.

Factories call the real actions, so tests exercise the same write paths as the product.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    from tests.factories import build_world

    return build_world()
