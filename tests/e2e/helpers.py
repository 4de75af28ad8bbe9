"""What a person does in the browser, as functions the end-to-end tests share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

LOGIN_URL = "/accounts/login/"
VERIFY_PATH = "/accounts/login/verify/"

#: One demo user for each role (usernames from jiangxin.core.demo.DEMO_USERS).
ROLE_USERS = {
    "program_officer": "program",
    "recommending_officer": "hebei",
    "unit_clerk": "clerk",
    "expert": "expert",
    "craftsman": "craftsman",
    "system_admin": "sysadmin",
    "security_admin": "secadmin",
    "audit_admin": "auditor",
}

_axe = Axe()


def login_form(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("form:has(input[name=password])")


def sign_in(page: Page, login: DemoLogin) -> None:
    """Sign in through the login page, and the two-factor step if the role needs it."""
    page.goto(LOGIN_URL)
    form = login_form(page)
    form.locator("input[name=username]").fill(login.username)
    form.locator("input[name=password]").fill(login.password)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    if login.otp_tokens:
        # The password step answers with the verification form (the same URL, a new page).
        code_form = page.locator(f"form[action$='{VERIFY_PATH}']")
        code_form.locator("input[name=code]").fill(login.otp_tokens[0])
        code_form.locator("[type=submit]").click()
        page.wait_for_load_state()
    assert_on_dashboard(page, login)


def assert_on_dashboard(page: Page, login: DemoLogin) -> None:
    expect(page).to_have_url(re.compile(r"^[^?#]*://[^/]+/(\?.*)?$"))
    expect(page.locator("main h1")).to_be_visible()
    expect(page.get_by_role("heading", name=login.role_label, exact=True)).to_be_visible()


def sign_out(page: Page) -> None:
    """Open the user menu in the header and choose "Sign out"."""
    page.locator("#user-menu-button").click()
    page.locator("form[action$='/accounts/logout/'] [type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(LOGIN_URL)))
    expect(login_form(page).locator("input[name=username]")).to_be_visible()


def assert_no_serious_axe_violations(page: Page, where: str) -> None:
    """axe-core finds nothing "serious" or "critical"; every violation is listed if it does."""
    violations = _axe.run(page).response["violations"]
    serious = [v for v in violations if v.get("impact") in {"serious", "critical"}]
    if serious:
        lines = [f"axe-core on {where} ({page.url}):"]
        for v in violations:
            targets = "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"])
            lines.append(f"  {v['id']} [{v.get('impact')}] {v['help']} -> {targets}")
        raise AssertionError("\n".join(lines))


def assert_no_sideways_scrolling(page: Page, where: str) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] > widths["inner"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                     + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
        )
        raise AssertionError(
            f"{where} scrolls sideways at {widths['inner']}px: content is {widths['scroll']}px "
            f"wide; widest elements: {wide}"
        )


def assert_no_browser_errors(errors: list[str]) -> None:
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)
