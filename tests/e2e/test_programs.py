"""Policy and campaign pages in a real browser: axe-core on desktop and at 320 px, the
largest-remainder suggestion on the allocation page (htmx), and forms sent back with errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_no_browser_errors,
    check_both_widths,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_programs")]


def check(page: Page, where: str) -> None:
    check_both_widths(page, where, prefix="programs")


@pytest.fixture
def campaigns(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A deployed national campaign (Hebei 12, Henan 8) and a draft one of the next year."""
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.programs import actions
    from jiangxin.programs.models import Campaign
    from tests.factories import CAMPAIGN_DATES, make_campaign, policy

    program = User.objects.get(username="program")
    acftu = Organization.objects.get(depth=1)
    deployed = Campaign.objects.filter(year=2026, tier="national").first() or make_campaign(
        program,
        acftu,
        allocations={
            Organization.objects.get(name="河北省总工会"): 12,
            Organization.objects.get(name="河南省总工会"): 8,
        },
        name="2026年度大国工匠遴选",
    )
    draft = Campaign.objects.filter(year=2027).first() or actions.do_create_campaign(
        acting_user=program,
        issuing_org_id=acftu.pk,
        tier="national",
        year=2027,
        name="2027年度大国工匠遴选",
        policy_version_id=policy().pk,
        dates=CAMPAIGN_DATES,
    )
    return deployed, draft


def test_program_officer_pages(
    page: Page,
    demo: dict[str, DemoLogin],
    campaigns,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.programs.models import PolicyVersion

    deployed, draft = campaigns
    version = PolicyVersion.objects.get(code="2024-trial")
    sign_in(page, demo["program"])
    for path, where in (
        ("/programs/policies/", "policy list"),
        (f"/programs/policies/{version.pk}/", "policy detail"),
        ("/programs/campaigns/", "campaign list"),
        (f"/programs/campaigns/{deployed.pk}/", "campaign detail"),
        (f"/programs/campaigns/{deployed.pk}/staff/", "staff"),
    ):
        page.goto(path)
        check(page, where)

    # The allocation page: weights in, the largest-remainder suggestion back (htmx).
    page.goto(f"/programs/campaigns/{draft.pk}/allocations/")
    weights = page.locator("input[name^=weight-]")
    for i in range(weights.count()):
        weights.nth(i).fill(str(i + 1))
    page.get_by_role("button", name="按权重计算建议名额").click()
    expect(page.locator("#allocation-table tfoot")).to_contain_text("名额已全部分配")
    check(page, "allocation page")
    # Too many slots: the error summary, every typed value kept.
    page.locator("input[name^=slots-]").first.fill("999")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="保存名额分配").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("input[name^=slots-]").first).to_have_value("999")
    check(page, "allocation errors")

    # A new campaign whose deadline falls on National Day: refused with the next working day.
    import datetime as dt

    from jiangxin.core.calendar import add_working_days

    page.goto("/programs/campaigns/new/")
    page.locator("#id_name").fill("测试批次")
    for name, value in (
        ("recommendation_opens", "2026-09-01"),
        ("recommendation_closes", "2026-10-01"),
        ("format_check_ends", "2026-10-30"),
        ("review_ends", "2026-11-30"),
        ("notice_starts", "2026-12-07"),
        ("publication_date", "2026-12-21"),
    ):
        page.locator(f"#id_{name}").fill(value)
    page.locator("main form[method=post] [type=submit]").click()
    page.wait_for_load_state()
    next_working_day = add_working_days(dt.date(2026, 10, 1), 1).isoformat()
    expect(page.locator(".error-summary")).to_contain_text(next_working_day)
    expect(page.locator("#id_name")).to_have_value("测试批次")
    check(page, "campaign create errors")
    assert_no_browser_errors(browser_errors)


def test_province_splits_its_allocation(
    page: Page,
    demo: dict[str, DemoLogin],
    campaigns,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.programs.models import QuotaAllocation

    deployed, _draft = campaigns
    allocation = QuotaAllocation.objects.get(campaign=deployed, organization__name="河北省总工会")
    sign_in(page, demo["hebei"])
    page.goto(f"/programs/campaigns/{deployed.pk}/")
    check(page, "campaign detail hebei")
    page.goto(f"/programs/campaigns/{deployed.pk}/allocations/{allocation.pk}/split/")
    check(page, "split")
    page.goto("/")
    check(page, "dashboard hebei")
    assert_no_browser_errors(browser_errors)
