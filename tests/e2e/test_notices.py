"""The public notice in a real browser: a visitor reads a notice on a phone-sized screen and
files an objection (one question group per page, errors keep what was typed, the captcha, the
receipt); the objection form is used by keyboard alone; axe-core finds nothing serious on the
notice and on the form with errors, in normal and elder mode; the handler (the demo program
officer, named for the campaign) triages, concludes and replies.

The campaign goes through the real review actions up to the final approval (tests.factories,
Notices), on the demo world's organizations and users, on tests.factories.CAMPAIGN_DAY.
Locators use names, values and addresses rather than visible text, so the test holds whatever
the translation catalogue says.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
import time_machine
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, MOBILE, SCREENSHOTS
from tests.e2e.helpers import (
    assert_no_browser_errors,
    assert_no_serious_axe_violations,
    assert_no_sideways_scrolling,
    demo_world,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_notices")]

FACTS = "该同志申报的两项专利实际为同班组他人发明，本人仅参与试验，相关证明材料附后。"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"notices-{name}.png"), full_page=True)


@pytest.fixture
def open_notice(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A national campaign of the demo world, final-approved, its notice open from today and
    the demo program officer named to handle its objections (idempotent per module)."""
    from jiangxin.notices.actions import do_name_handler
    from jiangxin.notices.models import PublicNotice
    from tests.factories import make_approved_campaign, make_open_notice

    existing = PublicNotice.objects.filter(kind="main").first()
    if existing is not None:
        return existing
    # An hour before the tests' clock (each test starts again at CAMPAIGN_DAY), so the
    # notice's article is never "published in the future" for a later test of the module.
    with time_machine.travel(campaign_day - dt.timedelta(hours=1), tick=True):
        world = demo_world()
        campaign, _approved, _others = make_approved_campaign(world)
        do_name_handler(
            acting_user=world.users["program_officer"],
            campaign_id=campaign.pk,
            user_id=world.users["program_officer"].pk,
            active=True,
        )
        return make_open_notice(world, campaign)


def _article_url(notice) -> str:  # type: ignore[no-untyped-def]
    from jiangxin.portal.models import Article

    return f"/portal/a/{Article.objects.get(notice=notice).pk}/"


def _captcha(page: Page) -> str:
    from captcha.models import CaptchaStore

    key = page.locator("input[name=captcha_0]").input_value()
    return CaptchaStore.objects.get(hashkey=key).response


def _continue(page: Page) -> None:
    page.locator("main form button[type=submit].btn-primary").last.click()
    page.wait_for_load_state()


def test_a_visitor_reads_the_notice_on_a_phone_and_objects(
    page: Page,
    open_notice,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.notices.models import Objection
    from tests.factories import valid_id_number

    notice = open_notice
    page.set_viewport_size(MOBILE)
    page.goto(_article_url(notice))
    cards = page.locator(".notice-cards li")  # on a phone: one block per nominee
    expect(cards).to_have_count(3)
    expect(cards.nth(0).locator(".notice-card-name")).to_have_text("王立军")  # 王: 4 strokes
    assert_no_sideways_scrolling(page, "the notice")
    shot(page, "1-notice-phone")

    cards.nth(0).locator("a[href*='/object/']").click()
    page.wait_for_load_state()
    expect(page.locator(".notice-nominee")).to_contain_text("王立军")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # Who: as a person.
    page.locator("input[name=kind][value=person]").check()
    _continue(page)
    # Details: a wrong ID number is refused; the name stays, the phone comes back masked.
    page.locator("#id_name").fill("赵举报")
    page.locator("#id_phone").fill("13912345678")
    good = valid_id_number()
    page.locator("#id_id_number").fill(good[:-1] + ("1" if good[-1] != "1" else "2"))
    _continue(page)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("赵举报")
    expect(page.locator("#id_phone")).to_have_value("139****5678")
    assert_no_sideways_scrolling(page, "the details step with errors")
    shot(page, "2-details-errors-phone")
    page.locator("#id_id_number").fill(valid_id_number())
    _continue(page)
    # Facts, then no evidence.
    page.locator("#id_facts").fill(FACTS)
    _continue(page)
    page.locator("form:has(input[name=action][value=continue]) button[type=submit]").click()
    page.wait_for_load_state()
    # Check your answers; a wrong captcha keeps everything.
    expect(page.locator(".check-answers")).to_contain_text(FACTS)
    page.locator("#id_declaration").check()
    page.locator("#id_captcha_1").fill("0000" if _captcha(page) != "0000" else "1111")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".check-answers")).to_contain_text(FACTS)
    expect(page.locator("#id_declaration")).to_be_checked()
    page.locator("#id_captcha_1").fill(_captcha(page))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    receipt = page.locator(".receipt-number")
    expect(receipt).to_have_text(re.compile(r"^\d{2}-[2-9A-HJKMNP-Z]{8}$"))
    assert_no_sideways_scrolling(page, "the receipt")
    shot(page, "3-receipt-phone")
    objection = Objection.objects.get(receipt_number=receipt.inner_text())
    assert objection.complainant_name == "赵举报" and objection.entry.public_name == "王立军"
    status_url = page.locator(".status-link a").get_attribute("href")
    assert status_url
    page.goto(status_url)
    expect(page.locator("main")).to_contain_text(objection.receipt_number)
    assert_no_browser_errors(browser_errors)


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_the_notice_and_the_form_with_errors_pass_axe(
    page: Page,
    e2e_server: LiveServer,
    open_notice,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
    mode: str,
) -> None:
    if mode == "elder":
        page.context.add_cookies([{"name": "jiangxin_elder", "value": "1", "url": e2e_server.url}])
    notice = open_notice
    for size_name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        page.goto(_article_url(notice))
        if mode == "elder":
            expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
        assert_no_serious_axe_violations(page, f"the notice ({mode}, {size_name})")
        if size_name == "mobile":
            assert_no_sideways_scrolling(page, f"the notice ({mode})")
    page.set_viewport_size(DESKTOP)
    entry = notice.public_entries().first()
    page.goto(f"/notices/public/{notice.pk}/object/{entry.pk}/")
    assert_no_serious_axe_violations(page, f"the objection start ({mode})")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    _continue(page)  # nothing chosen: an error
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_axe_violations(page, f"the who step with errors ({mode})")
    page.locator("input[name=kind][value=unit]").check()
    _continue(page)
    _continue(page)  # nothing typed: every field in error
    expect(page.locator(".error-summary li")).to_have_count(4)
    assert_no_serious_axe_violations(page, f"the unit details with errors ({mode})")
    shot(page, f"form-errors-{mode}")
    assert_no_browser_errors(browser_errors)


def test_the_objection_form_works_by_keyboard_alone(
    page: Page,
    open_notice,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    notice = open_notice
    entry = notice.public_entries().first()
    page.goto(f"/notices/public/{notice.pk}/object/{entry.pk}/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(sel) => document.activeElement && document.activeElement.matches(sel)", selector
            ):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def submit() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    tab_to("main form button[type=submit]")
    submit()
    tab_to("input[name=kind]")
    page.keyboard.press("ArrowDown")  # radios: the arrow keys move and select
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=kind][value=person]")).to_be_checked()
    tab_to("main form button[type=submit]")
    submit()
    tab_to("#id_name")
    page.keyboard.type("钱键盘")
    tab_to("#id_phone")
    page.keyboard.type("13912345679")
    tab_to("#id_id_number")
    from tests.factories import valid_id_number

    page.keyboard.type(valid_id_number())
    submit()  # Enter in a text field submits its form
    expect(page.locator("#id_facts")).to_be_visible()
    tab_to("#id_facts")
    page.keyboard.type(FACTS)
    tab_to("main form button[type=submit]")
    submit()
    tab_to("form:has(input[name=action][value=continue]) button[type=submit]")
    submit()
    tab_to("#id_declaration")
    page.keyboard.press("Space")
    tab_to("#id_captcha_1")
    page.keyboard.type(_captcha(page))
    submit()
    expect(page.locator(".receipt-number")).to_have_text(re.compile(r"^\d{2}-"))
    assert_no_browser_errors(browser_errors)


def test_the_handler_concludes_an_objection(
    page: Page,
    demo: dict[str, DemoLogin],
    open_notice,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.notices.models import Objection
    from tests.factories import file_objection

    notice = open_notice
    objection, _token = file_objection(notice, notice.public_entries().last())
    sign_in(page, demo["program"])
    page.goto(f"/notices/{notice.pk}/objections/")
    page.locator(f"a[href='/notices/objections/{objection.pk}/']").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("赵举报")  # a named handler sees who
    assert_no_serious_axe_violations(page, "the objection")
    page.locator("input[name=decision][value=admit]").check()
    page.locator("form[action$='/triage/'] button[type=submit]").click()
    page.wait_for_load_state()
    form = page.locator("form[action$='/conclude/']")
    form.locator("input[name=conclusion][value=unfounded]").check()
    form.locator("textarea[name=reasons]").fill("经核查，两项专利均为本人职务发明，反映不属实。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    reply = page.locator("form[action$='/reply/']")
    reply.locator("textarea[name=text]").fill("经核查，您反映的问题不属实。感谢您的监督。")
    reply.locator("button[type=submit]").click()
    page.wait_for_load_state()
    objection.refresh_from_db()
    assert (objection.status, objection.conclusion) == ("concluded", "unfounded")
    assert objection.replied_at is not None
    shot(page, "4-handler-concluded")
    assert_no_serious_axe_violations(page, "the concluded objection")
    assert Objection.objects.filter(pk=objection.pk, reply__startswith="经核查").exists()
    assert_no_browser_errors(browser_errors)
