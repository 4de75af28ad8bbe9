"""axe-core on the main pages, on a desktop and on a 320 px wide phone (no sideways scrolling)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.helpers import (
    LOGIN_URL,
    ROLE_USERS,
    assert_no_browser_errors,
    assert_no_serious_axe_violations,
    assert_no_sideways_scrolling,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_accessibility")]

VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
viewports = pytest.mark.parametrize("viewport", list(VIEWPORTS))


def check_page(page: Page, where: str, viewport: str) -> None:
    assert_no_serious_axe_violations(page, f"{where} ({viewport})")
    if viewport == "mobile":
        assert_no_sideways_scrolling(page, where)


@viewports
def test_login_page(page: Page, browser_errors: list[str], viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(LOGIN_URL)
    check_page(page, "the login page", viewport)
    assert_no_browser_errors(browser_errors)


@viewports
@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_dashboard(
    page: Page, demo: dict[str, DemoLogin], browser_errors: list[str], role: str, viewport: str
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, demo[ROLE_USERS[role]])
    check_page(page, f"the {role} dashboard", viewport)
    assert_no_browser_errors(browser_errors)


@viewports
def test_styleguide_form_with_errors(
    page: Page, demo: dict[str, DemoLogin], browser_errors: list[str], viewport: str
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/styleguide/")
    if "/accounts/login/" in page.url:
        sign_in(page, demo[ROLE_USERS["unit_clerk"]])
        page.goto("/styleguide/")
    form = page.locator("main form[method=post]").first
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    # The form comes back with its error summary and the fields marked invalid.
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    check_page(page, "the style guide form with errors", viewport)
    assert_no_browser_errors(browser_errors)
