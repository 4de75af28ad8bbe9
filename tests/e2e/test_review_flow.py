"""The expert review (网审) in a real browser.

- The program officer (demo login "program", ACFTU) starts an assignment run with k and L
  typed on the form, reads the preview (total and lowest affinity, the load distribution,
  every nomination's experts), forbids one proposed pair and pins another, solves again and
  executes: exactly k assignments per nomination, the forbidden pair left out, the pinned one
  in.
- An expert answers an invitation's link (first password, authenticator app), is assigned
  two nominations, opens "My reviews", saves a draft, is sent back for a top score without a
  comment, then submits both sheets, which are locked afterwards.

axe-core runs on each page at desktop width and at 320 px (tests.e2e.helpers.check_both_widths,
screenshots in test-artifacts/screenshots/review-*.png).

Background tasks: the test settings use django-tasks' ImmediateBackend, so the solve runs in
the request that starts (or re-solves) a run, once its transaction commits, and the browser is
sent to a run that is already solved. The run page would otherwise poll its status partial and
reload itself when the run finishes; either way the tests wait for the preview with
Playwright's `expect`, never with a sleep.

Each test builds its own campaign through tests.factories on the demo world (one national
campaign per year and issuer: the two tests use 2026 and 2027).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.helpers import (
    accept_invitation_and_enrol,
    assert_no_browser_errors,
    check_both_widths,
    demo_world,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from jiangxin.core.demo import DemoLogin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e_review_flow")]

PASSWORD = "Weld-Master-2026!"
ASSIGNMENT_CAMPAIGN = "2026年度大国工匠遴选（专家分配测试）"
SCORING_CAMPAIGN = "2027年度大国工匠遴选（网审评分测试）"
K, L = 2, 3


def check(page: Page, where: str) -> None:
    check_both_widths(page, where, prefix="review")


def _campaign_in_review(
    name: str, year: int, people: list[str], experts: dict[str, list[str]]
) -> tuple[Any, list[Any], list[Any]]:
    """A national ACFTU campaign in the online review (its format check closed) with one
    accepted nomination per name and an accepted invitation (through the link's action) for
    each expert, who lists the given industries (GB/T 4754 codes); idempotent per module.
    Returns (campaign, nominations, experts)."""
    from jiangxin.nominations.models import Nomination
    from jiangxin.programs.models import Campaign
    from jiangxin.reference.models import Industry
    from jiangxin.reviews.models import ExpertProfile
    from tests.factories import (
        invite_and_accept,
        make_accepted_nominations,
        make_campaign,
        make_pool_expert,
    )

    campaign = Campaign.objects.filter(name=name).first()
    if campaign is None:
        world = demo_world()
        officer = world.users["program_officer"]
        campaign = make_campaign(
            officer,
            world.acftu,
            allocations={world.hebei: len(people)},
            target=len(people),
            name=name,
            year=year,
        )
        make_accepted_nominations(world, campaign, [{"name": n} for n in people])
        for expert_name, codes in experts.items():
            expert = make_pool_expert(
                officer,
                world.acftu,
                full_name=expert_name,
                industries=Industry.objects.filter(code__in=codes),
            )
            invite_and_accept(officer, campaign, expert)
        campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ONLINE_REVIEW
    nominations = list(Nomination.objects.filter(campaign=campaign).order_by("number"))
    profiles = list(
        ExpertProfile.objects.filter(
            invitations__campaign=campaign, user__full_name__in=list(experts)
        ).order_by("pk")
    )
    return campaign, nominations, profiles


@pytest.fixture
def assignment_campaign(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """Four accepted nominations (welders of a steelworks, industry 31) awaiting their
    experts; three experts have accepted: one of the nominees' division, one of its section
    (C, manufacturing) and one of another section, so the affinities differ."""
    return _campaign_in_review(
        ASSIGNMENT_CAMPAIGN,
        2026,
        ["王立军", "张建华", "李红梅", "欧阳明"],
        {"赵振华": ["31"], "孙立新": ["C"], "周海燕": ["A"]},
    )


@pytest.fixture
def scoring_campaign(demo: dict[str, DemoLogin], campaign_day):  # type: ignore[no-untyped-def]
    """Two accepted nominations awaiting their experts; one expert has accepted."""
    return _campaign_in_review(SCORING_CAMPAIGN, 2027, ["马小兵", "刘志强"], {"吴建国": ["31"]})


def _preview_rows(page: Page) -> Locator:
    return page.locator("#preview-results tbody tr")


def _pairs_of(row: Locator) -> list[tuple[str, int]]:
    """(nomination number, expert id) of each expert proposed in a preview row."""
    forms = row.locator("form[action$='/pair/']")
    return [
        (
            forms.nth(i).locator("input[name=nomination]").input_value(),
            int(forms.nth(i).locator("input[name=expert]").input_value()),
        )
        for i in range(forms.count())
    ]


def _assert_preview(page: Page, run: Any, nominations: int) -> None:
    """The preview of a solved run: its summary, the load distribution and k experts on every
    nomination."""
    summary = page.locator("section[aria-labelledby=summary-title]")
    expect(summary).to_be_visible()
    stats = run.result["stats"]
    numbers = summary.locator("dl.stat-grid dd")
    for i, key in ((0, "total"), (1, "min")):  # total, then lowest affinity
        expect(numbers.nth(i)).to_have_text(re.compile(r"^\d+\.\d{3}$"))
        assert abs(float(numbers.nth(i).inner_text()) - stats[key]) < 0.0006, key
    # The load distribution: experts per load, adding up to every review of the run.
    bars = summary.locator("table:has(meter) tbody tr")
    expect(bars.first).to_be_visible()
    reviews = sum(
        int(bars.nth(i).locator("th").inner_text())
        * int(bars.nth(i).locator("td").first.inner_text())
        for i in range(bars.count())
    )
    assert reviews == K * nominations
    rows = _preview_rows(page)
    expect(rows).to_have_count(nominations)
    for i in range(nominations):
        expect(rows.nth(i).locator("td ul > li")).to_have_count(K)


def test_the_officer_runs_the_assignment_with_the_preview(
    page: Page,
    demo: dict[str, DemoLogin],
    assignment_campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.nominations.models import Nomination
    from jiangxin.reviews.models import Assignment, AssignmentRun, ScoreSheet

    campaign, nominations, experts = assignment_campaign
    sign_in(page, demo["program"])
    page.goto("/reviews/assignment/")
    page.get_by_role("link", name=campaign.name).click()
    page.wait_for_load_state()
    start = page.locator(f"form[action$='/reviews/campaigns/{campaign.pk}/assignment/start/']")
    expect(start.locator("#id_k")).to_have_value(
        str(campaign.policy_version.reviewers_per_nomination)
    )
    check(page, "assignment campaign")
    start.locator("#id_k").fill(str(K))
    start.locator("#id_default_max_load").fill(str(L))
    start.locator("[type=submit]").click()

    # The run's page reaches its preview (solved in the background: see the module docstring).
    expect(page).to_have_url(re.compile(r"/reviews/assignment/runs/\d+/$"))
    expect(page.locator("section[aria-labelledby=summary-title]")).to_be_visible()
    first = AssignmentRun.objects.get(campaign=campaign)
    assert first.status == AssignmentRun.Status.SOLVED
    assert (first.params["k"], first.params["default_max_load"]) == (K, L)
    expect(page).to_have_url(re.compile(rf"/reviews/assignment/runs/{first.pk}/$"))
    _assert_preview(page, first, len(nominations))
    check(page, "assignment preview")

    # Forbid the first nomination's first proposed expert (its own button in the row)...
    rows = _preview_rows(page)
    forbidden_number, forbidden_expert = _pairs_of(rows.nth(0))[0]
    rows.nth(0).locator("form[action$='/pair/']").first.locator(
        "button[name=op][value=forbid]"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("#pending-hint")).to_be_visible()
    expect(
        page.locator("section[aria-labelledby=pairs-title] .badge.text-bg-danger")
    ).to_have_count(1)
    # ...and pin, through the pair form, the second nomination to an expert not proposed.
    pinned_number = _pairs_of(rows.nth(1))[0][0]
    proposed = {e for _number, e in _pairs_of(rows.nth(1))}
    pinned_expert = next(e.pk for e in experts if e.pk not in proposed)
    pair_form = page.locator("section[aria-labelledby=pairs-title] form:has(select[name=expert])")
    pair_form.locator("input[name=nomination]").fill(pinned_number)
    pair_form.locator("select[name=expert]").select_option(str(pinned_expert))
    pair_form.locator("button[name=op][value=pin]").click()
    page.wait_for_load_state()
    expect(
        page.locator("section[aria-labelledby=pairs-title] .badge.text-bg-success")
    ).to_have_count(1)

    # Solve again: a new run with the pin and the forbid; the old preview is discarded.
    page.locator(f"form[action$='/assignment/runs/{first.pk}/resolve/'] [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/assignment/runs/(?!{first.pk}/)\d+/$"))
    expect(page.locator("section[aria-labelledby=summary-title]")).to_be_visible()
    second = AssignmentRun.objects.filter(campaign=campaign).latest("pk")
    first.refresh_from_db()
    assert first.status == AssignmentRun.Status.DISCARDED
    assert second.status == AssignmentRun.Status.SOLVED
    _assert_preview(page, second, len(nominations))
    expect(page.locator("#pending-hint")).to_have_count(0)
    by_number = {n.number: n for n in nominations}
    proposal = {(nid, eid): pinned for nid, eid, _affinity, pinned in second.result["pairs"]}
    assert (by_number[forbidden_number].pk, forbidden_expert) not in proposal
    assert proposal[(by_number[pinned_number].pk, pinned_expert)]  # marked pinned
    pinned_row = rows.filter(has=page.locator(f"th:text-is('{pinned_number}')"))
    expect(pinned_row.locator("li .badge.text-bg-success")).to_have_count(1)
    check(page, "assignment preview solved again")

    # Execute, through the confirmation dialog: on to the current assignments.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action$='/assignment/runs/{second.pk}/execute/'] [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/campaigns/{campaign.pk}/assignment/current/$"))
    expect(page.locator(".alert-success").first).to_be_visible()
    check(page, "current assignments")
    assert_no_browser_errors(browser_errors)

    second.refresh_from_db()
    assert second.status == AssignmentRun.Status.EXECUTED
    active = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
    for nomination in nominations:
        assert active.filter(nomination=nomination).count() == K, nomination.number
    assert active.count() == K * len(nominations)
    assert {(a.nomination_id, a.expert_id) for a in active} == set(proposal)
    assert not active.filter(
        nomination=by_number[forbidden_number], expert_id=forbidden_expert
    ).exists()
    assert active.get(nomination=by_number[pinned_number], expert_id=pinned_expert).pinned
    for expert in experts:
        assert active.filter(expert=expert).count() <= L
    # Executing writes an empty sheet for each assignment and moves the nominations on.
    assert ScoreSheet.objects.filter(assignment__in=active).count() == active.count()
    assert not Nomination.objects.filter(campaign=campaign).exclude(status="in_review").exists()


def _fill_sheet(
    page: Page, dimensions: list[Any], scores: dict[int, int], comments: dict[int, str]
) -> None:
    for d in dimensions:
        page.locator(f"input[name=score_{d.pk}]").fill(str(scores[d.pk]))
        page.locator(f"textarea[name=comment_{d.pk}]").fill(comments.get(d.pk, ""))
    page.locator("textarea[name=comment]").fill("材料翔实，事迹突出，同意推荐。")


def _submit_sheet(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form.score-sheet button[name=action][value=submit]").click()
    page.wait_for_load_state()


def test_an_expert_accepts_scores_two_nominations_and_submits(
    page: Page,
    scoring_campaign,  # type: ignore[no-untyped-def]
    browser_errors: list[str],
) -> None:
    from jiangxin.orgs.models import Organization
    from jiangxin.reviews.assignment import actions as assignment_actions
    from jiangxin.reviews.models import Assignment, ScoreSheet
    from tests.factories import invite, make_pool_expert

    campaign, nominations, _others = scoring_campaign
    officer = demo_world().users["program_officer"]
    expert = make_pool_expert(officer, Organization.objects.get(depth=1), full_name="钱工匠")
    issued = invite(officer, campaign, expert)
    accept_invitation_and_enrol(page, issued, expert, password=PASSWORD, max_load=5)
    expect(page).to_have_url(re.compile(rf"/reviews/my/campaigns/{campaign.pk}/conflicts/$"))

    # The officer's assignment (run in the browser by the test above) played by its actions:
    # two experts, k = 2, so the new expert reviews both nominations.
    run = assignment_actions.do_start_assignment_run(
        acting_user=officer, campaign_id=campaign.pk, k=2, default_max_load=2
    )
    assignment_actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    mine = list(
        Assignment.objects.filter(campaign=campaign, expert=expert).order_by("nomination__number")
    )
    assert [a.nomination_id for a in mine] == [n.pk for n in nominations]

    page.goto("/reviews/scoring/")
    group = page.locator(f"section[aria-labelledby=campaign-{campaign.pk}]")
    links = group.locator("tbody th a[href*='/reviews/scoring/sheets/']")
    expect(links).to_have_count(2)
    check(page, "scoring list")

    dimensions = list(
        campaign.policy_version.dimensions.prefetch_related("levels").order_by("order")
    )
    top, bottom = dimensions[0], dimensions[-1]
    first_scores = {
        d.pk: d.score_max if d == top else d.score_max - 4 - i for i, d in enumerate(dimensions)
    }
    second_scores = {
        d.pk: d.score_min if d == bottom else d.score_min + 9 + i for i, d in enumerate(dimensions)
    }
    for values in (first_scores, second_scores):
        for d in dimensions:
            assert d.score_min <= values[d.pk] <= d.score_max

    # The first sheet: typed, saved as a draft, refused for a top score without a comment,
    # then submitted with it.
    page.locator(f"a[href$='/reviews/scoring/sheets/{mine[0].pk}/']").click()
    page.wait_for_load_state()
    expect(page.locator("form.score-sheet")).to_be_visible()
    _fill_sheet(page, dimensions, first_scores, {})
    # scoring.js names the rubric band as the score is typed.
    top_band = next(level for level in top.levels.all() if level.score_to == top.score_max)
    # The page is in Chinese, whatever language an earlier test left active in this thread.
    with translation.override("zh-hans"):
        band_label = top_band.label
    expect(page.locator(f"[data-band-for='id_score_{top.pk}']")).to_contain_text(band_label)
    page.locator("form.score-sheet button[name=action][value=save_draft]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/reviews/scoring/sheets/{mine[0].pk}/$"))
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator(f"input[name=score_{top.pk}]")).to_have_value(str(top.score_max))
    sheet = ScoreSheet.objects.get(assignment=mine[0])
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert sheet.draft[f"score_{top.pk}"] == str(top.score_max)
    check(page, "score sheet")

    _submit_sheet(page)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator(f"textarea[name=comment_{top.pk}]")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator(f"input[name=score_{top.pk}]")).to_have_value(str(top.score_max))
    assert ScoreSheet.objects.get(pk=sheet.pk).status != ScoreSheet.Status.SUBMITTED
    check(page, "score sheet with errors")
    page.locator(f"textarea[name=comment_{top.pk}]").fill("攻克关键技术难题，贡献突出。")
    _submit_sheet(page)
    expect(page).to_have_url(re.compile(r"/reviews/scoring/$"))
    expect(page.locator(".alert-success").first).to_be_visible()

    # The second sheet: a bottom score with its comment, submitted at once.
    page.locator(f"a[href$='/reviews/scoring/sheets/{mine[1].pk}/']").click()
    page.wait_for_load_state()
    _fill_sheet(page, dimensions, second_scores, {bottom.pk: "该项材料不足以支撑。"})
    _submit_sheet(page)
    expect(page).to_have_url(re.compile(r"/reviews/scoring/$"))
    expect(group.locator("tbody .badge.text-bg-success")).to_have_count(2)

    # Submitted sheets are locked: no form, no input, the scores shown as text.
    for assignment, values in ((mine[0], first_scores), (mine[1], second_scores)):
        page.goto(f"/reviews/scoring/sheets/{assignment.pk}/")
        expect(page.locator("main .alert-success .bi-lock-fill")).to_be_visible()
        expect(page.locator("main form.score-sheet")).to_have_count(0)
        expect(
            page.locator("main input:not([type=hidden]), main textarea, main select")
        ).to_have_count(0)
        for d in dimensions:
            expect(page.locator(f"section[aria-labelledby=dim-{d.pk}-title] strong")).to_have_text(
                str(values[d.pk])
            )
    check(page, "submitted sheet")
    assert_no_browser_errors(browser_errors)

    sheets = ScoreSheet.objects.filter(assignment__in=mine).prefetch_related("scores")
    assert [s.status for s in sheets] == [ScoreSheet.Status.SUBMITTED] * 2
    by_assignment = {s.assignment_id: s for s in sheets}
    for assignment, values in ((mine[0], first_scores), (mine[1], second_scores)):
        sheet = by_assignment[assignment.pk]
        assert sheet.submitted_at is not None and sheet.draft == {}
        assert {s.dimension_id: s.value for s in sheet.scores.all()} == values
    assert by_assignment[mine[0].pk].scores.get(dimension=top).comment
    assert by_assignment[mine[1].pk].scores.get(dimension=bottom).comment
