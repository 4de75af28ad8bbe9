"""What a person does in the browser, as functions the end-to-end tests share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin
    from jiangxin.reviews.models import ExpertProfile
    from jiangxin.reviews.pool import IssuedInvitation
    from tests.factories import World

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


def check_both_widths(page: Page, where: str, *, prefix: str) -> None:
    """axe-core on the page at desktop width and at 320 px (no sideways scrolling there), with a
    screenshot of each in test-artifacts/screenshots/<prefix>-<where>-<width>.png."""
    from tests.e2e.conftest import DESKTOP, MOBILE, SCREENSHOTS

    for name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        assert_no_serious_axe_violations(page, f"{where} ({name})")
        if name == "mobile":
            assert_no_sideways_scrolling(page, where)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{prefix}-{where.replace(' ', '_')}-{name}.png"),
            full_page=True,
        )
    page.set_viewport_size(DESKTOP)


def demo_world() -> World:
    """The factories' World, mapped onto the demo organizations and users (build the demo
    first: the `demo` fixture), so tests.factories helpers build on the demo world and the
    demo "program" login is the officer of what they build."""
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from tests.factories import World

    def org(name: str, kind: str | None = None) -> Organization:
        qs = Organization.objects.filter(name=name)
        return (qs.filter(kind=kind) if kind else qs).get()

    world = World(
        acftu=Organization.objects.get(depth=1),
        hebei=org("河北省总工会"),
        henan=org("河南省总工会"),
        shijiazhuang=org("石家庄市总工会"),
        zhengzhou=org("郑州市总工会"),
        hebei_enterprise=org("石家庄钢铁有限责任公司", "enterprise"),
        hebei_union=org("石家庄钢铁有限责任公司工会"),
        henan_enterprise=org("郑州煤矿机械集团股份有限公司", "enterprise"),
        machinery_union=org("中国机械冶金建材工会"),
    )
    users = User.objects.in_bulk(["program", "hebei", "sjz", "clerk"], field_name="username")
    world.users = {
        "program_officer": users["program"],
        "hebei_officer": users["hebei"],
        "sjz_officer": users["sjz"],
        "hebei_clerk": users["clerk"],
    }
    return world


def accept_invitation_and_enrol(
    page: Page,
    issued: IssuedInvitation,
    expert: ExpertProfile,
    *,
    password: str,
    max_load: int | None = None,
    on_page: Callable[[Page, str], None] | None = None,
) -> None:
    """Answer an invitation's link as a new expert: accept (choosing a first password), then
    set up the authenticator app; the expert is signed in afterwards. `on_page(page, where)`
    is called on the answer and enrolment pages (e.g. to run axe-core there)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiangxin.accounts.tests.helpers import current_code

    page.goto(issued.path)
    accept = page.locator("form:has(input[value=accept])")
    expect(accept).to_be_visible()
    if on_page is not None:
        on_page(page, "invitation answer")
    if max_load is not None:
        page.locator("#id_accept-max_load").fill(str(max_load))
    page.locator("#id_accept-password1").fill(password)
    page.locator("#id_accept-password2").fill(password)
    accept.locator("[type=submit]").click()
    page.wait_for_load_state()
    enrol = page.locator("form[action$='/accounts/login/enrol/']")
    expect(enrol).to_be_visible()
    if on_page is not None:
        on_page(page, "invitation enrolment")
    device = TOTPDevice.objects.get(user=expert.user, confirmed=False)
    enrol.locator("input[name=code]").fill(current_code(device))
    enrol.locator("[type=submit]").click()
    page.wait_for_load_state()
