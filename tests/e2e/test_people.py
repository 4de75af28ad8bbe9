"""The profile pages in a real browser: axe-core, 320 px without sideways scrolling, and the
inline record editing through htmx (the path the nomination form reuses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.helpers import (
    ROLE_USERS,
    assert_no_browser_errors,
    assert_no_serious_axe_violations,
    assert_no_sideways_scrolling,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_people")]


@pytest.fixture
def profile(demo: dict[str, DemoLogin]):  # type: ignore[no-untyped-def]
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.people.models import Person
    from tests.factories import make_person

    clerk = User.objects.get(username=ROLE_USERS["unit_clerk"])
    union = Organization.objects.get(name="石家庄钢铁有限责任公司工会")
    existing = Person.objects.filter(name="浏览器测试", union=union).first()
    return existing or make_person(
        clerk, Organization.objects.get_parent(union), union=union, name="浏览器测试"
    )


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_list_profile_and_form_pages(
    page: Page,
    demo: dict[str, DemoLogin],
    profile,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
    viewport: str,
) -> None:
    page.set_viewport_size(DESKTOP if viewport == "desktop" else MOBILE)
    sign_in(page, demo[ROLE_USERS["unit_clerk"]])
    for path, where in (
        ("/people/", "the list of profiles"),
        (f"/people/{profile.pk}/", "a profile"),
        ("/people/new/", "the new profile form"),
    ):
        page.goto(path)
        assert_no_serious_axe_violations(page, f"{where} ({viewport})")
        if viewport == "mobile":
            assert_no_sideways_scrolling(page, where)
    # The form sent back with errors.
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert_no_serious_axe_violations(page, f"the form with errors ({viewport})")
    assert_no_browser_errors(browser_errors)


def test_inline_record_editing(
    page: Page,
    demo: dict[str, DemoLogin],
    profile,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    sign_in(page, demo[ROLE_USERS["unit_clerk"]])
    page.goto(f"/people/{profile.pk}/")
    block = page.locator("#record-honor")
    block.locator("a[hx-get$='/records/honor/new/']").click()
    form = page.locator("#record-honor form")
    form.wait_for()
    form.locator("[type=submit]").click()  # empty: errors come back in the block
    page.locator("#record-honor [data-error-summary]").wait_for()
    assert page.url.endswith(f"/people/{profile.pk}/")  # no page change
    page.fill("#id_honor-year", "2021")
    page.fill("#id_honor-title", "全国五一劳动奖章")
    page.select_option("#id_honor-level", "national")
    page.locator("#record-honor form [type=submit]").click()
    page.locator("#record-honor [role=status]").wait_for()
    assert "全国五一劳动奖章" in page.locator("#record-honor table").inner_text()
    assert_no_serious_axe_violations(page, "a profile after an inline add")
    # Delete asks first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#record-honor form[hx-post*='/delete/'] button").first.click()
    page.locator("#record-honor td[colspan]").wait_for()
    assert_no_browser_errors(browser_errors)
