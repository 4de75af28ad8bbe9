"""The last slot, taken by two people at the same moment: exactly one succeeds.

Runs on PostgreSQL (real row locks between two connections); SQLite serializes whole write
transactions, so the race cannot happen there and the test is skipped.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from jiangxin.accounts.models import Role
from jiangxin.core.errors import DomainError
from jiangxin.nominations import actions, quota
from jiangxin.nominations.models import Nomination
from tests.factories import make_campaign, make_nomination, make_user

pytestmark = [
    pytest.mark.usefixtures("campaign_day"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks between connections"
    ),
]


def _setup(world):  # type: ignore[no-untyped-def]
    """A municipal campaign of 石家庄 whose one enterprise union has 1 slot (cap 1), and two
    complete drafts from two clerks of that union."""
    officer = make_user("sjzprogram", role=Role.PROGRAM_OFFICER, org=world.shijiazhuang)
    campaign = make_campaign(
        officer,
        world.shijiazhuang,
        tier="municipal",
        allocations={world.hebei_enterprise: 1},
        ratio=Decimal("1.00"),
    )
    clerk_a = world.users["hebei_clerk"]
    clerk_b = make_user("hbclerk2", role=Role.UNIT_CLERK, org=world.hebei_union)
    a = make_nomination(
        clerk_a, campaign, world.hebei_union, world.hebei_enterprise, submit=False, name="甲一"
    )
    b = make_nomination(
        clerk_b, campaign, world.hebei_union, world.hebei_enterprise, submit=False, name="乙二"
    )
    return campaign, (clerk_a, a), (clerk_b, b)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_for_the_last_slot(world):
    campaign, (clerk_a, a), (clerk_b, b) = _setup(world)
    start = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def submit(label: str, clerk, nomination) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            actions.do_submit_nomination(acting_user=clerk, nomination_id=nomination.pk)
            outcomes[label] = "ok"
        except DomainError as exc:
            outcomes[label] = exc.rule
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=("a", clerk_a, a)),
        threading.Thread(target=submit, args=("b", clerk_b, b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["ok", "quota.exhausted"], outcomes
    # No level endorses between the enterprise and the city: it goes straight to the campaign.
    assert Nomination.objects.filter(campaign=campaign, status="endorsed").count() == 1
    assert Nomination.objects.filter(campaign=campaign, status="draft").count() == 1
    assert quota.forwarded_count(campaign, world.hebei_enterprise) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_allocation_rows_are_locked_before_counting(world):
    _campaign, (clerk_a, a), _ = _setup(world)
    with CaptureQueriesContext(connection) as ctx:
        actions.do_submit_nomination(acting_user=clerk_a, nomination_id=a.pk)
    sql = [q["sql"] for q in ctx.captured_queries]
    lock = next(
        i for i, s in enumerate(sql) if "programs_quotaallocation" in s and "FOR UPDATE" in s
    )
    audit = next(i for i, s in enumerate(sql) if "core_auditchainhead" in s)
    assert 'FOR UPDATE OF "programs_quotaallocation"' in sql[lock]
    assert lock < audit  # allocations before the audit head: no lock-order deadlock
