"""The expert pool in a real browser: the officer's pool, expert form, invitation and conflict
pages (axe-core on desktop and at 320 px), and an expert answering an invitation link:
accepting with a first password, then setting up the authenticator app, then signed in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    accept_invitation_and_enrol,
    assert_no_browser_errors,
    check_both_widths,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_expert_pool")]

PASSWORD = "Weld-Master-2026!"


def check(page: Page, where: str) -> None:
    check_both_widths(page, where, prefix="pool")


@pytest.fixture
def campaign(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A national campaign in the format check (experts are invited from then on)."""
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.programs import actions
    from jiangxin.programs.models import Campaign
    from tests.factories import make_campaign

    existing = Campaign.objects.filter(name="2026年度大国工匠遴选（专家库测试）").first()
    if existing is not None:
        return existing
    program = User.objects.get(username="program")
    acftu = Organization.objects.get(depth=1)
    campaign = make_campaign(
        program,
        acftu,
        allocations={Organization.objects.get(name="河北省总工会"): 4},
        name="2026年度大国工匠遴选（专家库测试）",
    )
    actions.do_close_recommendation(acting_user=program, campaign_id=campaign.pk)
    return actions.do_open_format_check(acting_user=program, campaign_id=campaign.pk)


def test_officer_pool_and_invitation_pages(
    page: Page,
    demo: dict[str, DemoLogin],
    campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    sign_in(page, demo["program"])
    page.goto("/reviews/pool/")
    expect(page.locator("main h1")).to_be_visible()
    check(page, "pool list")
    page.goto("/reviews/pool/new/")
    check(page, "new expert")
    # Sent back with errors, nothing typed lost.
    page.locator("#id_username").fill("e2e_expert")
    page.locator("#id_full_name").fill("孙技师")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_full_name")).to_have_value("孙技师")
    check(page, "new expert with errors")
    page.locator("#id_email").fill("e2e_expert@example.cn")
    page.locator("#id_employer_name").fill("河北工业大学")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main h1")).to_contain_text("孙技师")
    check(page, "expert detail")
    page.goto(f"/reviews/campaigns/{campaign.pk}/invitations/?industries=all")
    expect(page.locator("#results td", has_text="孙技师").first).to_be_visible()
    check(page, "invitations")
    page.goto(f"/reviews/campaigns/{campaign.pk}/conflicts/")
    check(page, "conflict report")
    assert_no_browser_errors(browser_errors)


def test_expert_accepts_sets_a_password_and_enrols(
    page: Page,
    demo: dict[str, DemoLogin],
    campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from tests.factories import invite, make_pool_expert

    program = User.objects.get(username="program")
    expert = make_pool_expert(program, Organization.objects.get(depth=1), full_name="钱工匠")
    issued = invite(program, campaign, expert)
    accept_invitation_and_enrol(page, issued, expert, password=PASSWORD, max_load=10, on_page=check)
    expect(page).to_have_url(re.compile(rf"/reviews/my/campaigns/{campaign.pk}/conflicts/$"))
    check(page, "my conflicts")
    # The used link says so, in the same words as any other link that is not valid.
    page.goto(issued.path)
    expect(page.locator("form:has(input[value=accept])")).to_have_count(0)
    expect(page.locator("main a[href='/accounts/login/']")).to_be_visible()
    assert_no_browser_errors(browser_errors)
