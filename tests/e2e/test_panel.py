"""The panel meeting and the final approval in a real browser: the pages pass axe-core on
desktop and at 320 px, the ECharts balance charts draw under the site's CSP without a single
console error (no inline script or style), and the list is approved through the confirmation
dialog. The campaign is built through tests.factories on the demo world's organizations and
users."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_no_browser_errors,
    check_both_widths,
    demo_world,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_panel")]


def check(page: Page, where: str) -> None:
    check_both_widths(page, where, prefix="panel")


#: The nominees, ranked in this order by the online review: women and men of several ages,
#: so the balance charts have more than one slice.
NOMINEES = (
    ("王立军", dt.date(1972, 3, 8), True),
    ("李红梅", dt.date(1985, 11, 2), False),
    ("张建华", dt.date(1979, 5, 17), True),
    ("欧阳明", dt.date(1990, 1, 23), True),
    ("马小丽", dt.date(1976, 7, 30), False),
    ("刘志强", dt.date(1968, 9, 12), True),
)


@pytest.fixture
def open_panel(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A national ACFTU campaign (the demo "program" login is its officer) at its panel
    meeting (idempotent per module): six nominations accepted and scored by three experts,
    the meeting open with five experts present and its minutes written."""
    from jiangxin.programs.models import Campaign
    from jiangxin.reviews import panel
    from tests.factories import make_open_panel, make_reviewed_campaign, valid_id_number

    world = demo_world()
    existing = Campaign.objects.filter(issuing_org=world.acftu, tier="national", year=2026)
    if existing.exists():
        return existing.get()
    campaign, _nominations, _experts = make_reviewed_campaign(
        world,
        target=3,
        people=[
            {"name": name, "id_number": valid_id_number(birth=birth, male=male)}
            for name, birth, male in NOMINEES
        ],
    )
    meeting, _members = make_open_panel(world, campaign, members=5)
    panel.do_save_minutes(
        acting_user=world.users["program_officer"],
        meeting_id=meeting.pk,
        minutes="会议对候选人逐一审议并投票。",
    )
    return Campaign.objects.get(pk=campaign.pk)


def test_a_panel_meeting_and_the_final_approval_in_the_browser(
    page: Page,
    demo: dict[str, DemoLogin],
    open_panel,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    campaign = open_panel
    panel_url = f"/reviews/panel/campaigns/{campaign.pk}/"
    sign_in(page, demo["program"])
    page.goto("/reviews/panel/")
    page.get_by_role("link", name=campaign.name).click()
    expect(page.locator("#shortlist")).to_be_visible()
    check(page, "panel meeting")

    # Every nominee discussed (htmx swaps the row in place).
    rows = page.locator("#shortlist tbody tr")
    for i in range(rows.count()):
        button = rows.nth(i).locator("button[aria-pressed]")
        button.click()
        expect(rows.nth(i).locator("button[aria-pressed=true]")).to_be_visible()

    # The vote grid: one vote typed, the rest of each row filled with "agree" (a real panel
    # would differ; the fill buttons are how the secretary enters a unanimous row).
    page.goto(f"{panel_url}votes/")
    check(page, "vote grid")
    first_select = page.locator("table.vote-grid select").first
    first_select.select_option("disagree")
    grid_rows = page.locator("table.vote-grid tbody tr")
    for i in range(grid_rows.count()):
        grid_rows.nth(i).locator("button[name=fill][value$=':agree']").click()
        page.wait_for_load_state()
        expect(page.locator(".alert-success, .messages, [role=status]").first).to_be_visible()
    expect(page.locator("table.vote-grid select").first).to_have_value("disagree")

    # Close the meeting through its confirmation dialog: on to the final approval.
    page.goto(panel_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action$='{panel_url}close/'] [type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/reviews/approval/campaigns/{campaign.pk}/$"))

    # ECharts draws each chart with its SVG renderer inside the classed box, under the CSP.
    for key in ("region", "industry", "gender", "age"):
        expect(page.locator(f"#chart-{key} svg")).to_be_visible()
    box = page.locator("#chart-gender").bounding_box()
    assert box is not None
    # Over the pie: its tooltip is drawn inside the chart (no HTML tooltip, no inline style).
    page.mouse.move(box["x"] + box["width"] / 2 + box["height"] / 4, box["y"] + box["height"] / 2)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 4)
    check(page, "final approval")
    assert_no_browser_errors(browser_errors)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(
        f"form[action$='/approval/campaigns/{campaign.pk}/confirm/'] [type=submit]"
    ).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/reviews/approval/campaigns/{campaign.pk}/record/$"))
    expect(page.locator("main code")).to_have_count(1)
    expect(page.locator("main .badge.text-bg-success")).to_be_visible()
    check(page, "approval record")
    assert_no_browser_errors(browser_errors)
