"""A nomination from start to the format check, in Chinese, in a real browser.

The unit clerk fills the six steps of the form (creating the person's profile, adding a work
period inline, the five statements, an uploaded piece of evidence, the opinion and the
attestation) and submits; the city and then the provincial officer endorse it; the national
program officer closes recommendation, opens the format check and accepts it. Every step runs
on tests.factories.CAMPAIGN_DAY (time-machine), inside the campaign's recommendation window.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import (
    assert_no_browser_errors,
    assert_no_serious_axe_violations,
    sign_in,
    sign_out,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_nomination_flow")]

STATEMENT = "二十年扎根生产一线，带领班组攻克关键焊接工艺难题，" * 5
# The smallest valid PNG: a 1 × 1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"nomination_flow-{name}.png"), full_page=True)


@pytest.fixture
def national_campaign(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """A deployed national campaign with Hebei's allocation (made through the actions)."""
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.programs.models import Campaign
    from tests.factories import make_campaign

    existing = Campaign.objects.filter(tier="national", year=2026).first()
    if existing is not None:
        return existing
    program = User.objects.get(username="program")
    return make_campaign(
        program,
        Organization.objects.get(depth=1),
        allocations={Organization.objects.get(name="河北省总工会"): 4},
        name="2026年度大国工匠人才培育对象遴选",
    )


def continue_(page: Page) -> None:
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_load_state()


def test_clerk_to_format_check(
    page: Page,
    demo: dict[str, DemoLogin],
    national_campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.nominations.models import Nomination
    from tests.factories import valid_id_number

    # --- The unit clerk fills the form -------------------------------------------------------
    sign_in(page, demo["clerk"])
    page.goto("/nominations/new/")
    page.get_by_label("遴选批次").select_option(label=national_campaign.name)
    page.get_by_role("button", name="开始填写").click()
    page.wait_for_load_state()
    expect(page.locator("main h1")).to_have_text("被推荐人")

    # Step 1: the person (a new profile).
    page.get_by_label("身份证号码").fill(valid_id_number(region="130104"))
    page.get_by_label("姓名").fill("郭守敬")
    page.get_by_label("民族").select_option(label="汉族")
    page.get_by_label("政治面貌").select_option(label="中共党员")
    page.get_by_label("学历").select_option(label="技工学校")
    page.get_by_label("所属行业（GB/T 4754 大类）").select_option(value="31")
    page.get_by_label("职业（工种）").fill("电焊工")
    page.locator("#id_skill_level").select_option(label="高级技师（一级）")
    page.get_by_label("职业技能等级证书编号").fill("S2015000123")
    page.get_by_label("证书取得日期").fill("2015-06-01")
    shot(page, "1-person")
    continue_(page)

    # Step 2: the record; a work period added inline (htmx).
    expect(page.locator("main h1")).to_have_text("工作经历与业绩")
    block = page.locator("#record-work")
    block.locator("a[hx-get*='/records/work/new/']").click()
    block.locator("form").wait_for()
    block.get_by_label("工作单位").fill("石家庄钢铁有限责任公司")
    block.get_by_label("岗位或工种").fill("电焊工")
    block.get_by_label("起").fill("2003-07-01")
    block.locator("form [type=submit]").click()
    page.locator("#record-work [role=status]").wait_for()
    expect(page.locator("#eligibility-panel")).to_contain_text("截至 2026-07-15 一线生产工作经历")
    shot(page, "2-record")
    assert_no_serious_axe_violations(page, "the record step")
    page.get_by_role("button", name="继续").click()
    page.wait_for_load_state()

    # Step 3: the five statements.
    expect(page.locator("main h1")).to_have_text("分维度事迹陈述")
    areas = page.locator("main form textarea")
    for i in range(areas.count()):
        areas.nth(i).fill(STATEMENT)
    expect(page.locator(".char-count").first).to_contain_text("最多 800 字")
    shot(page, "3-statements")
    continue_(page)

    # Step 4: evidence, uploaded to the profile and linked to a dimension.
    expect(page.locator("main h1")).to_have_text("佐证材料")
    upload = page.locator("#attachments form")
    upload.locator("input[type=file]").set_input_files(
        {"name": "高级技师证书.png", "mimeType": "image/png", "buffer": PNG}
    )
    upload.get_by_label("说明").fill("高级技师证书")
    upload.locator("[type=submit]").click()
    page.locator("#attachments [role=status]").wait_for()
    panel = page.locator("#evidence-panel")
    expect(panel.get_by_label("文件")).to_contain_text("高级技师证书.png")
    panel.get_by_label("文件").select_option(label="高级技师证书.png")
    panel.get_by_label("佐证维度").select_option(label="实践力")
    panel.get_by_label("证明内容").fill("职业技能等级")
    panel.get_by_role("button", name="关联").click()
    expect(page.locator("#evidence-panel")).to_contain_text("职业技能等级")
    shot(page, "4-evidence")
    page.get_by_role("button", name="继续").click()
    page.wait_for_load_state()

    # Step 5: opinion, attestation, consent.
    expect(page.locator("main h1")).to_have_text("推荐意见、证明与本人同意")
    page.get_by_label("公示用事迹简介").fill("从事焊接工作二十余年，攻克多项关键焊接技术难题。")
    page.get_by_label("单位推荐意见").fill("经单位党委和工会研究，同意推荐。")
    page.get_by_label("政治素质证明").fill("该同志政治立场坚定，政治素质过硬。")
    page.get_by_label("证明签署人").fill("单位党委书记")
    page.get_by_label("证明日期").fill("2026-06-12")
    page.locator("input[name=consent_given]").check()
    page.get_by_label("同意日期").fill("2026-06-12")
    continue_(page)

    # Step 6: check and submit.
    expect(page.locator("main h1")).to_have_text("核对并提交")
    expect(page.locator(".verdicts")).not_to_contain_text("不符合")
    shot(page, "6-review")
    assert_no_serious_axe_violations(page, "the review step")
    page.get_by_role("button", name="提交推荐").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("等待石家庄市总工会审核")
    nomination = Nomination.objects.get(campaign=national_campaign, person__name="郭守敬")
    assert nomination.status == "submitted"
    sign_out(page)

    # --- The city, then the province ---------------------------------------------------------
    for officer, next_text in (("sjz", "河北省总工会"), ("hebei", "已报送，待形式审查")):
        sign_in(page, demo[officer])
        page.goto("/nominations/?todo=on")
        page.get_by_role("link", name=nomination.number).click()
        page.wait_for_load_state()
        page.get_by_label("审核意见").fill("经审核，同意推荐上报。")
        if officer == "sjz":
            shot(page, "7-city-endorses")
        page.get_by_role("button", name="审核同意并上报").click()
        page.wait_for_load_state()
        nomination.refresh_from_db()
        page.goto(f"/nominations/{nomination.pk}/")
        expect(page.locator("main")).to_contain_text(next_text)
        sign_out(page)

    # --- The national program officer: format check ------------------------------------------
    sign_in(page, demo["program"])
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/programs/campaigns/{national_campaign.pk}/")
    page.get_by_role("button", name=re.compile("截止推荐|结束推荐")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=re.compile("开始形式审查")).click()
    page.wait_for_load_state()
    page.goto(f"/nominations/campaigns/{national_campaign.pk}/format-check/")
    page.get_by_role("link", name=nomination.number).click()
    page.wait_for_load_state()
    for label in (
        "必填内容齐全",
        "附件清晰可辨",
        "政治素质证明已签署并注明日期",
        "已对照佐证材料核实资格审核结论",
    ):
        page.get_by_label(label).check()
    page.get_by_label("通过", exact=True).check()
    shot(page, "8-format-check")
    assert_no_serious_axe_violations(page, "the format check page")
    page.get_by_role("button", name="记录审查结论").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(nomination.number)
    nomination.refresh_from_db()
    assert nomination.status == "accepted"
    page.goto(f"/nominations/{nomination.pk}/")
    expect(page.locator("main")).to_contain_text("形式审查通过")
    shot(page, "9-accepted")
    assert_no_browser_errors(browser_errors)
