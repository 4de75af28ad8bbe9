from __future__ import annotations

import pytest


@pytest.fixture
def editor(world):  # type: ignore[no-untyped-def]
    """The national program officer (ACFTU), the portal's editor."""
    return world.users["program_officer"]


@pytest.fixture
def hebei_editor(world):  # type: ignore[no-untyped-def]
    """A program officer of the Hebei federation: edits Hebei's articles only."""
    from jiangxin.accounts.models import Role
    from tests.factories import make_user

    return make_user("hbprogram", role=Role.PROGRAM_OFFICER, org=world.hebei)


@pytest.fixture(autouse=True)
def _fresh_counter():  # type: ignore[no-untyped-def]
    """Views counted by one test are not written by the next."""
    from jiangxin.portal.counter import view_counter

    view_counter.flush()
    yield
    view_counter._pending.clear()
