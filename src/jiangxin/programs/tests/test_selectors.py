"""Scoped reads: the one-query count of nominations put forward per organization."""

from __future__ import annotations

import pytest

from jiangxin.nominations.quota import forwarded_count
from jiangxin.programs import selectors
from tests.factories import make_campaign, make_nomination

pytestmark = pytest.mark.usefixtures("campaign_day")


def test_forwarded_counts_match_the_quota_rule_in_one_query(
    world, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 10, world.henan: 5}
    )
    clerk = world.users["hebei_clerk"]
    make_nomination(clerk, campaign, world.hebei_union, world.hebei_enterprise, name="王一")
    make_nomination(clerk, campaign, world.hebei_union, world.hebei_enterprise, name="王二")
    make_nomination(
        clerk, campaign, world.hebei_union, world.hebei_enterprise, name="王三", submit=False
    )
    orgs = [
        world.hebei,
        world.henan,
        world.shijiazhuang,
        world.hebei_enterprise,
        world.hebei_union,
    ]
    with django_assert_num_queries(1):
        counts = selectors.forwarded_counts(campaign, orgs)
    assert counts == {org.pk: forwarded_count(campaign, org) for org in orgs}
    assert counts[world.hebei_union.pk] == 2  # the two submitted ones, not the draft
    assert selectors.forwarded_counts(campaign, []) == {}
