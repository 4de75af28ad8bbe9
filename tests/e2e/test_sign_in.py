"""Signing in and out as every demo role, switching the language, and the keyboard-only path."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import (
    LOGIN_URL,
    ROLE_USERS,
    assert_no_browser_errors,
    assert_on_dashboard,
    login_form,
    sign_in,
    sign_out,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_sign_in")]


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_sign_in_and_out_as_each_role(
    page: Page, demo: dict[str, DemoLogin], browser_errors: list[str], role: str
) -> None:
    login = demo[ROLE_USERS[role]]
    sign_in(page, login)
    sign_out(page)
    # Signed out means signed out: the dashboard asks for a login again.
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_URL)))
    assert_no_browser_errors(browser_errors)


def test_language_switch_on_login_page(page: Page, browser_errors: list[str]) -> None:
    page.goto(LOGIN_URL)
    html = page.locator("html")
    footer = page.locator("footer")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(footer).to_contain_text("中华全国总工会")

    page.locator("form.language-switch button[value=en]").click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "en")
    expect(footer).to_contain_text("All-China Federation of Trade Unions")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_URL)))
    expect(login_form(page).locator("input[name=username]")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "test_language_switch_on_login_page-english.png"))

    page.locator("form.language-switch button[value=zh-hans]").click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(footer).to_contain_text("中华全国总工会")
    assert_no_browser_errors(browser_errors)


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '',
                    type: e.getAttribute('type') || '', href: e.getAttribute('href') || '',
                    cls: e.className || '',
                    inLoginForm: !!(e.form && e.form.querySelector('input[name=password]'))};
        }"""
    )


def test_keyboard_only_sign_in(
    page: Page, demo: dict[str, DemoLogin], browser_errors: list[str]
) -> None:
    login = demo[ROLE_USERS["craftsman"]]  # a role without a second factor
    page.goto(LOGIN_URL)

    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["href"] == "#main" and "skip-link" in first["cls"], (
        f"the first Tab should reach the skip link, got {first}"
    )

    seen: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["name"] in {"username", "password"} and focused["inLoginForm"]:
            seen.append(focused["name"])
            page.keyboard.type(getattr(login, focused["name"]))
        elif focused["type"] == "submit" and focused["inLoginForm"]:
            seen.append("submit")
            break
    assert seen == ["username", "password", "submit"], (
        f"Tab order through the login form was {seen}"
    )

    # Back to the password field and submit with Enter, as most people do.
    page.keyboard.press("Shift+Tab")
    assert _focused(page)["name"] == "password"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert_on_dashboard(page, login)
    assert_no_browser_errors(browser_errors)
