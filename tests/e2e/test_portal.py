"""The public portal in a real browser: axe-core on the home page, a channel and an article, in
normal and elder mode, on a desktop and a 320 px phone; elder mode toggled with the plain link;
an editor writing in the rich-text editor under the strict CSP."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

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
    from pytest_django.live_server_helper import LiveServer

    from jiangxin.core.demo import DemoLogin
    from jiangxin.portal.models import Article

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_portal")]

VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}


@pytest.fixture
def portal(demo: dict[str, DemoLogin]) -> Article:
    """The demo articles and last year's published provincial list with its craftsman pages
    (once per module); returns the newer policy document."""
    from jiangxin.cultivation.demo import build_publication_demo
    from jiangxin.portal.cache import invalidate_portal_cache
    from jiangxin.portal.demo import build_portal_demo
    from jiangxin.portal.models import Article

    build_portal_demo()
    assert build_publication_demo() is not None, "last year's holiday schedule is unknown"
    invalidate_portal_cache()  # the cache table outlives the module's database reset
    return Article.objects.filter(category=Article.Category.POLICY).order_by("-published_at")[0]


def _public_pages(article: Article) -> list[tuple[str, str]]:
    from jiangxin.cultivation.demo import PEOPLE
    from jiangxin.people.models import Person

    craftsman = Person.objects.get(name=PEOPLE[0][0])  # has a story and highlights
    return [
        ("/portal/", "the portal home page"),
        ("/portal/c/policy/", "the policy documents channel"),
        (f"/portal/a/{article.pk}/", "a policy document"),
        (f"/portal/craftsmen/{craftsman.pk}/", "a craftsman page"),
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_public_pages_pass_axe(
    page: Page,
    e2e_server: LiveServer,
    portal: Article,
    browser_errors: list[str],
    viewport: str,
    mode: str,
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    if mode == "elder":
        page.context.add_cookies([{"name": "jiangxin_elder", "value": "1", "url": e2e_server.url}])
    for path, where in _public_pages(portal):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_attached()
        if mode == "elder":
            expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
            size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert size >= 18, f"{where}: body text is {size}px in elder mode"
        assert_no_serious_axe_violations(page, f"{where} ({mode}, {viewport})")
        if viewport == "mobile":
            assert_no_sideways_scrolling(page, f"{where} ({mode})")
    assert_no_browser_errors(browser_errors)


def test_elder_mode_is_a_plain_link_that_persists(
    page: Page, portal: Article, browser_errors: list[str]
) -> None:
    page.goto("/portal/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.locator(".portal-tools a[href*='elder-mode']").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= 18 and larger > normal
    # It persists on the next page, and the same link turns it off again.
    page.goto(f"/portal/a/{portal.pk}/")
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    page.locator(".portal-tools a[href*='elder-mode']").click()
    page.wait_for_load_state()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\belder\b"))
    assert_no_browser_errors(browser_errors)


def test_public_pages_load_no_script_and_no_web_font(page: Page, portal: Article) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path, _where in _public_pages(portal):
        requests.clear()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert not [u for u in requests if u.endswith(".js")], requests
        assert not [u for u in requests if re.search(r"\.(woff2?|ttf|otf)$", u)], requests


def test_an_editor_writes_and_publishes_in_the_rich_text_editor(
    page: Page, demo: dict[str, DemoLogin], portal: Article, browser_errors: list[str]
) -> None:
    from jiangxin.portal.models import Article

    sign_in(page, demo[ROLE_USERS["program_officer"]])
    page.goto("/portal/manage/new/")
    toolbar = page.get_by_role("toolbar")
    expect(toolbar).to_be_visible()
    editor = page.get_by_role("textbox", name=re.compile("正文|Article text"))
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    page.locator("select[name=category]").select_option("notice")
    page.locator("input[name=title]").fill("浏览器中撰写的通知")
    editor.click()
    page.keyboard.type("各有关单位：")
    page.keyboard.press("Enter")
    toolbar.locator("[data-command=bold]").click()
    expect(toolbar.locator("[data-command=bold]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("务必按时报送")
    assert_no_serious_axe_violations(page, "the article editor")
    page.locator("form.portal-article-form [type=submit]").click()
    page.wait_for_load_state()
    article = Article.objects.get(title="浏览器中撰写的通知")
    assert "<b>务必按时报送</b>" in article.body or "<strong>务必按时报送</strong>" in article.body
    assert "style=" not in article.body
    page.locator("form[action$='/publish/'] [type=submit]").click()
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    page.goto(f"/portal/a/{article.pk}/")
    expect(page.locator("main h1")).to_have_text("浏览器中撰写的通知")
    expect(page.locator(".portal-article-body b, .portal-article-body strong")).to_have_text(
        "务必按时报送"
    )
    assert_no_browser_errors(browser_errors)
