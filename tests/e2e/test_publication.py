"""Publication (公布) in a real browser: the national program officer publishes a confirmed list;
the PDF of the announcement (GB/T 9704-2012) is downloaded from the public announcement page and
rendered to PNG with poppler's pdftoppm (test-artifacts/screenshots/publication-pdf-*.png) so it
can be looked at; the public craftsman pages show the published craftsmen. The pages pass
axe-core on desktop and at 320 px without a console error.

The review and notice stages are played by their statuses (see tests/factories.py, Publication).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import (
    assert_no_browser_errors,
    check_both_widths,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_publication")]

#: In stroke order: 马 (3) · 王 1121 · 尹 5113 · 李 1234521 · 张 5153154.
STROKE_ORDER = ["马旭东", "王立军", "尹建华", "李红梅", "张建华"]


def check(page: Page, where: str) -> None:
    check_both_widths(page, where, prefix="publication")


@pytest.fixture
def noticed_campaign(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A national campaign of the demo world whose public notice has closed, with five
    confirmed nominations of the 石家庄钢铁 union (idempotent)."""
    from jiangxin.accounts.models import User
    from jiangxin.nominations import actions as nomination_actions
    from jiangxin.orgs.models import Organization
    from jiangxin.programs import actions as program_actions
    from jiangxin.programs.models import Campaign
    from tests.factories import (
        CHECKED_FORMAT,
        NOTICE_DAYS,
        make_campaign,
        make_nomination,
        play_review_and_notice,
    )

    existing = Campaign.objects.filter(tier="national", year=2026).first()
    if existing is not None:
        return existing
    program, clerk = User.objects.get(username="program"), User.objects.get(username="clerk")
    acftu = Organization.objects.get(depth=1)
    union = Organization.objects.get(name="石家庄钢铁有限责任公司工会")
    employer = Organization.objects.get(name="石家庄钢铁有限责任公司", kind="enterprise")
    campaign = make_campaign(
        program,
        acftu,
        allocations={Organization.objects.get(name="河北省总工会"): 5},
        target=5,
        name="2026年度大国工匠人才培育对象遴选",
    )
    nominations = []
    for name in ("张建华", "李红梅", "王立军", "马旭东", "尹建华"):
        n = make_nomination(clerk, campaign, union, employer, name=name)
        for endorser in ("sjz", "hebei"):
            nomination_actions.do_endorse_nomination(
                acting_user=User.objects.get(username=endorser), nomination_id=n.pk, opinion="同意"
            )
        nominations.append(n)
    program_actions.do_close_recommendation(acting_user=program, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=program, campaign_id=campaign.pk)
    for n in nominations:
        nomination_actions.do_decide_format_check(
            acting_user=program, nomination_id=n.pk, decision="accept", checklist=CHECKED_FORMAT
        )
    nomination_actions.do_close_format_check(acting_user=program, campaign_id=campaign.pk)
    play_review_and_notice(
        campaign, nominations, notice_starts=NOTICE_DAYS[0], notice_ends=NOTICE_DAYS[1]
    )
    return campaign


def _pdf_to_png(pdf: Path) -> list[Path]:
    """Render every page with pdftoppm (Debian poppler-utils) next to the screenshots."""
    executable = shutil.which("pdftoppm")
    assert executable, "pdftoppm is missing: apt-get install poppler-utils"
    prefix = SCREENSHOTS / "publication-pdf"
    for old in SCREENSHOTS.glob("publication-pdf-*.png"):
        old.unlink()
    subprocess.run([executable, "-r", "100", "-png", str(pdf), str(prefix)], check=True)  # noqa: S603 - our own file
    return sorted(SCREENSHOTS.glob("publication-pdf-*.png"))


def test_the_officer_publishes_and_the_pdf_is_rendered(
    page: Page,
    demo: dict[str, DemoLogin],
    noticed_campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
    tmp_path: Path,
) -> None:
    from PIL import Image

    from jiangxin.cultivation.models import CultivationRecord, Publication

    campaign = noticed_campaign
    sign_in(page, demo["program"])
    page.goto(f"/notices/publication/campaign/{campaign.pk}/")
    expect(page.locator("main h1")).to_be_visible()
    # The first draft: the suggested title and the recommending organization as addressee.
    expect(page.locator("#id_title")).to_have_value(re.compile(r"^关于公布.*的通知$"))
    expect(page.locator("#id_addressees")).to_have_value("河北省总工会")
    check(page, "form")

    # A document number in the wrong form comes back with the error and keeps the text.
    page.locator("#id_document_number").fill("总工发〔2026〕012号")
    page.locator("#id_signed_on").fill("2026-06-12")
    page.locator("#id_body").fill(
        "根据《大国工匠人才培育工程实施办法（试行）》，经推荐、形式审查、网络评审、会议评审、"
        "审定和公示，现将2026年度大国工匠人才培育对象名单予以公布（见附件）。\n"
        "希望入选人员珍惜荣誉，继续弘扬劳模精神、劳动精神、工匠精神。"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button[data-confirm]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_body")).to_have_value(re.compile("弘扬劳模精神"))
    assert not Publication.objects.exists()

    page.locator("#id_document_number").fill("总工发〔2026〕12号")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button[data-confirm]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/notices/publication/\d+/$"))
    publication = Publication.objects.get(campaign=campaign)
    assert CultivationRecord.objects.filter(campaign=campaign).count() == 5
    documents = page.locator("#documents")
    expect(documents).to_contain_text("总工发〔2026〕12号.pdf")
    expect(page.locator("table tbody tr")).to_have_count(5)
    check(page, "result")

    # The public announcement: anyone downloads the PDF from it.
    article_url = f"/portal/a/{publication.article_id}/"
    page.goto(article_url)
    expect(page.locator("main")).to_contain_text("总工发〔2026〕12号")
    check(page, "announcement")
    with page.expect_download() as download_info:
        page.locator(".portal-attachments a", has_text=".pdf").click()
    pdf = tmp_path / "announcement.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pngs = _pdf_to_png(pdf)
    assert len(pngs) >= 2
    first = Image.open(pngs[0])
    # A4 (210 × 297 mm) at 100 dpi: 827 × 1169 pixels, give or take rounding.
    assert first.width == 827 and abs(first.height - 1169) <= 1
    # The issuer's mark is red: plenty of red pixels in the top third of page 1.
    top = first.convert("RGB").crop((0, 0, first.width, first.height // 3))
    red = sum(1 for r, g, b in top.get_flattened_data() if r > 180 and g < 80 and b < 80)
    assert red > 2000, red
    text = subprocess.run(  # noqa: S603 - our own file
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = text.split("\f")[-2] if text.count("\f") > 1 else text
    assert [listed.index(name) for name in STROKE_ORDER] == sorted(
        listed.index(name) for name in STROKE_ORDER
    )

    # The craftsman pages: the list in stroke order, and one page.
    page.goto("/portal/craftsmen/")
    cards = page.locator(".craftsman-card-name")
    expect(cards).to_have_count(5)
    assert cards.all_inner_texts() == STROKE_ORDER
    check(page, "craftsmen")
    page.locator(".craftsman-card-link").first.click()
    expect(page.locator("#craftsman-name")).to_have_text("马旭东")
    expect(page.locator("main")).to_contain_text("石家庄钢铁有限责任公司")
    check(page, "craftsman")
    assert_no_browser_errors(browser_errors)


@pytest.fixture
def published_campaign(noticed_campaign):  # type: ignore[no-untyped-def]
    """The noticed campaign, published (through the action) unless a test did it already."""
    import datetime as dt

    from jiangxin.accounts.models import User
    from jiangxin.cultivation.models import Publication
    from jiangxin.notices.publication import do_publish_results

    if not Publication.objects.filter(campaign=noticed_campaign).exists():
        do_publish_results(
            acting_user=User.objects.get(username="program"),
            campaign_id=noticed_campaign.pk,
            document_number="总工发〔2026〕12号",
            addressees="河北省总工会",
            signed_on=dt.date(2026, 6, 12),
            body="现将名单予以公布。",
        )
    return noticed_campaign


def test_the_officer_edits_a_craftsman_page(
    page: Page,
    demo: dict[str, DemoLogin],
    published_campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
    tmp_path: Path,
) -> None:
    from PIL import Image

    photo = tmp_path / "portrait.jpg"
    Image.new("RGB", (600, 800), (158, 27, 27)).save(photo, format="JPEG")
    sign_in(page, demo["program"])
    page.locator("#sidebar a[href='/portal/craftsmen/manage/']").click()
    expect(page.locator("main h1")).to_be_visible()
    page.get_by_role("link", name="马旭东").click()
    expect(page.locator("#photo-heading")).to_be_visible()
    check(page, "editor")

    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("#id_consent_on").fill("2026-06-10")
    page.locator("form[action$='/photo/'] [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("form[action$='/photo/remove/']")).to_be_visible()

    highlights = page.locator("form[action$='/highlights/'] textarea")
    expect(highlights.first).not_to_have_value("")
    highlights.first.fill("带领班组攻克关键焊接工艺难题，形成先进操作法。")
    page.locator("form[action$='/highlights/'] [type=submit]").click()
    page.wait_for_load_state()

    page.goto("/portal/craftsmen/")
    expect(page.locator("img.craftsman-photo")).to_have_count(1)
    page.locator(".craftsman-card-link").first.click()
    expect(page.locator("img.craftsman-portrait")).to_be_visible()
    # The photo itself is served (decoded: loaded and an image), at its own size.
    width = page.locator("img.craftsman-portrait").evaluate(
        "img => img.decode().then(() => img.naturalWidth)"
    )
    assert width == 600
    expect(page.locator(".craftsman-highlights")).to_contain_text("形成先进操作法")
    check(page, "craftsman_with_photo")
    assert_no_browser_errors(browser_errors)
