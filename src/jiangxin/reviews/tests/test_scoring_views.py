"""Scoring pages: what experts see (and never see), the sheet form with drafts, autosave and
the lock, 404 outside the assignment on every route, and the officers' progress, reopening,
reminders and closing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from jiangxin.core.masking import mask_id_number, mask_phone
from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Evidence, Statement
from jiangxin.notifications.models import Notification
from jiangxin.programs.models import Campaign
from jiangxin.reviews import scoring, scoring_selectors
from jiangxin.reviews.models import Conflict, ScoreSheet
from jiangxin.reviews.scoring_selectors import nominee_code
from tests.factories import (
    PHONE,
    assign,
    make_expert,
    make_scoring_campaign,
    submit_sheet,
    valid_id_number,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

HX = {"HTTP_HX_REQUEST": "true"}
S = ScoreSheet.Status


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    return make_scoring_campaign(world, evidence=True)


def _sheet_url(a) -> str:  # type: ignore[no-untyped-def]
    return reverse("reviews:scoring_sheet", args=[a.pk])


def _fields(campaign: Campaign, value: str) -> dict[str, str]:
    data = {}
    for d in campaign.policy_version.dimensions.all():
        data[scoring.score_field(d.pk)] = value
        data[scoring.comment_field(d.pk)] = ""
    data[scoring.OVERALL_FIELD] = "材料翔实"
    return data


# --- What the expert sees ---------------------------------------------------------------------


def test_my_reviews_lists_own_assignments_with_status(client, review) -> None:  # type: ignore[no-untyped-def]
    _campaign, nominations, experts, assignments = review
    submit_sheet(assignments[(nominations[0].pk, experts[0].pk)])
    client.force_login(experts[0].user)
    html = client.get(reverse("reviews:scoring_mine")).content.decode()
    assert nominations[0].number in html and nominations[1].number in html
    assert "1 of 2 submitted" in html or "已提交" in html
    assert "2026-08-31" in html
    filtered = client.get(reverse("reviews:scoring_mine"), {"status": "submitted"}, **HX)
    text = filtered.content.decode()
    assert nominations[0].number in text and nominations[1].number not in text


def test_an_unopened_sheet_shows_no_last_saved_time(client, world, review) -> None:  # type: ignore[no-untyped-def]
    # Executing an assignment creates empty sheets; only what the expert saved has a time.
    campaign, nominations, experts, assignments = review
    for n in nominations:
        ScoreSheet.objects.get_or_create(assignment=assignments[(n.pk, experts[0].pk)])
    submit_sheet(assignments[(nominations[0].pk, experts[0].pk)])
    rows = {
        row.assignment.nomination_id: row
        for group in scoring_selectors.my_reviews(experts[0].user)
        for row in group.rows
    }
    assert rows[nominations[0].pk].updated_at is not None
    assert rows[nominations[1].pk].status == S.NOT_STARTED
    assert rows[nominations[1].pk].updated_at is None
    client.force_login(experts[0].user)
    html = client.get(reverse("reviews:scoring_mine")).content.decode()
    assert html.count("<time datetime=") == 1
    ScoreSheet.objects.get_or_create(assignment=assignments[(nominations[0].pk, experts[1].pk)])
    progress = {p.expert.pk: p for p in scoring_selectors.expert_progress(campaign)}
    assert progress[experts[0].pk].last_activity is not None
    assert progress[experts[1].pk].last_activity is None


def test_my_reviews_query_count_does_not_grow(client, world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _campaign, _nominations, experts, assignments = make_scoring_campaign(world, count=4, experts=1)
    client.force_login(experts[0].user)
    url = reverse("reviews:scoring_mine")
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for a in list(assignments.values())[:2]:
        submit_sheet(a)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_sheet_shows_what_judging_needs_and_no_personal_numbers(client, world) -> None:  # type: ignore[no-untyped-def]
    id_number = valid_id_number()
    campaign, nominations, experts, assignments = make_scoring_campaign(
        world,
        count=1,
        experts=1,
        evidence=True,
        people=[{"name": "张建华", "id_number": id_number}],
    )
    n = nominations[0]
    dims = list(campaign.policy_version.dimensions.order_by("order"))
    # Free text with someone else's ID number and mobile number in it: shown masked.
    other_id, other_phone = valid_id_number(region="110105"), "13900001111"
    Statement.objects.filter(nomination=n, dimension=dims[0]).update(
        text=f"联系人电话{other_phone}，身份证{other_id}，带徒二十余人。"
    )
    client.force_login(experts[0].user)
    html = client.get(_sheet_url(assignments[(n.pk, experts[0].pk)])).content.decode()
    assert "张建华" in html and "石家庄钢铁有限责任公司" in html  # not blind
    assert "焊工" in html and "高级技师" in html
    assert "带徒二十余人" in html
    assert mask_id_number(other_id) in html and mask_phone(other_phone) in html
    assert dims[0].levels.first().descriptor_zh in html  # the rubric
    assert "焊接工艺评定" in html  # evidence caption
    # The nominee's ID number, phone (not even masked), birth date and the attestation signer.
    for secret in (id_number, mask_id_number(id_number), PHONE, mask_phone(PHONE), "李明"):
        assert secret not in html, secret
    assert "1978-05-17" not in html and "1978年5月" not in html


def test_blind_review_hides_name_and_units_everywhere(client, world) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = make_scoring_campaign(
        world, count=1, experts=1, blind=True, evidence=True, people=[{"name": "张建华"}]
    )
    n = nominations[0]
    first = campaign.policy_version.dimensions.order_by("order").first()
    Statement.objects.filter(nomination=n, dimension=first).update(
        text="张建华在石家庄钢铁有限责任公司工作二十年，带徒二十余人。"
    )
    a = assignments[(n.pk, experts[0].pk)]
    client.force_login(experts[0].user)
    for url in (_sheet_url(a), reverse("reviews:scoring_mine")):
        html = client.get(url).content.decode()
        for hidden in ("张建华", "石家庄钢铁", n.number):
            assert hidden not in html, (url, hidden)
        assert nominee_code(n.pk) in html
    html = client.get(_sheet_url(a)).content.decode()
    assert "工作二十年，带徒二十余人" in html
    # Evidence downloads under a neutral name.
    evidence = Evidence.objects.filter(nomination=n).first()
    response = client.get(reverse("reviews:scoring_evidence", args=[a.pk, evidence.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "%E5%BC%A0" not in disposition  # 张, percent-encoded
    assert nominee_code(n.pk) in disposition
    b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_evidence_download_is_audited(client, review) -> None:  # type: ignore[no-untyped-def]
    _campaign, nominations, experts, assignments = review
    n = nominations[0]
    a = assignments[(n.pk, experts[0].pk)]
    evidence = Evidence.objects.filter(nomination=n).first()
    client.force_login(experts[0].user)
    response = client.get(reverse("reviews:scoring_evidence", args=[a.pk, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="review.evidence_downloaded")
    assert event.actor_id == experts[0].user_id and event.summary["evidence"] == evidence.pk
    # Evidence of another nomination, through this assignment: 404.
    other = Evidence.objects.filter(nomination=nominations[1]).first()
    assert client.get(reverse("reviews:scoring_evidence", args=[a.pk, other.pk])).status_code == 404


# --- 404 outside the assignment ---------------------------------------------------------------


def _expert_routes(a, evidence_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        ("get", _sheet_url(a)),
        ("post", _sheet_url(a)),
        ("post", reverse("reviews:scoring_autosave", args=[a.pk])),
        ("get", reverse("reviews:scoring_evidence", args=[a.pk, evidence_id])),
    ]


def test_unassigned_and_conflicted_experts_get_404_everywhere(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    n = nominations[0]
    a = assignments[(n.pk, experts[0].pk)]
    evidence = Evidence.objects.filter(nomination=n).first()
    outsider = make_expert(world.acftu)
    for user in (
        experts[1].user,
        outsider.user,
        world.users["program_officer"],
        world.users["hebei_clerk"],
    ):
        client.force_login(user)
        for method, url in _expert_routes(a, evidence.pk):
            assert getattr(client, method)(url, **HX).status_code == 404, (user, url)
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[0],
        nomination=n,
        kind=Conflict.Kind.SAME_EMPLOYER,
        source=Conflict.Source.COMPUTED,
        reason="同一单位",
    )
    client.force_login(experts[0].user)
    for method, url in _expert_routes(a, evidence.pk):
        assert getattr(client, method)(url, **HX).status_code == 404, url
    html = client.get(reverse("reviews:scoring_mine")).content.decode()
    assert n.number not in html and nominations[1].number in html
    assert not ScoreSheet.objects.filter(assignment=a).exists()


# --- The form ---------------------------------------------------------------------------------


def test_autosave_keeps_the_draft(client, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    d = campaign.policy_version.dimensions.order_by("order").first()
    client.force_login(experts[0].user)
    response = client.post(
        reverse("reviews:scoring_autosave", args=[a.pk]),
        {scoring.score_field(d.pk): "1７x", scoring.comment_field(d.pk): "尚可"},
        **HX,
    )
    assert response.status_code == 200 and "data-saved-at" in response.content.decode()
    sheet = ScoreSheet.objects.get(assignment=a)
    assert sheet.status == S.DRAFT and sheet.draft[scoring.score_field(d.pk)] == "1７x"
    html = client.get(_sheet_url(a)).content.decode()
    assert 'value="1７x"' in html and "尚可" in html


def test_submit_with_problems_keeps_everything_typed(client, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    dims = list(campaign.policy_version.dimensions.order_by("order"))
    data = {**_fields(campaign, "14"), scoring.score_field(dims[0].pk): "20"}
    data[scoring.score_field(dims[1].pk)] = "25"
    client.force_login(experts[0].user)
    response = client.post(_sheet_url(a), {**data, "action": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert f'href="#id_{scoring.comment_field(dims[0].pk)}"' in html
    assert f'href="#id_{scoring.score_field(dims[1].pk)}"' in html
    # The summary names each dimension once (the field label names it; the message does not).
    links = re.findall(r'<a href="#id_[^"]+">(.*?)</a>', html, re.S)
    assert len(links) == 2 and all(sum(link.count(d.name) for d in dims) == 1 for link in links), (
        links
    )
    sheet = ScoreSheet.objects.get(assignment=a)
    assert sheet.status == S.DRAFT and sheet.draft[scoring.score_field(dims[1].pk)] == "25"
    assert not sheet.scores.exists()


def test_save_draft_button(client, review) -> None:  # type: ignore[no-untyped-def]
    _campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    client.force_login(experts[0].user)
    response = client.post(_sheet_url(a), {"comment": "先写到这里", "action": "save_draft"})
    assert response.status_code == 302
    assert ScoreSheet.objects.get(assignment=a).draft["comment"] == "先写到这里"


def test_submitted_sheet_cannot_be_edited_by_the_expert(client, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    client.force_login(experts[0].user)
    response = client.post(_sheet_url(a), {**_fields(campaign, "15"), "action": "submit"})
    assert response.status_code == 302 and response["Location"] == reverse("reviews:scoring_mine")
    sheet = ScoreSheet.objects.get(assignment=a)
    assert sheet.status == S.SUBMITTED
    page = client.get(_sheet_url(a)).content.decode()
    assert 'name="action"' not in page and "score-sheet" not in page  # read only, no form
    for action in ("submit", "save_draft"):
        response = client.post(_sheet_url(a), {**_fields(campaign, "3"), "action": action})
        assert response.status_code == 409
        assert "scoring.locked" in response.content.decode()
    response = client.post(
        reverse("reviews:scoring_autosave", args=[a.pk]), _fields(campaign, "3"), **HX
    )
    assert response.status_code == 409 and "scoring.locked" in response.content.decode()
    assert sorted(sheet.scores.values_list("value", flat=True)) == [15] * 5


def test_a_submitted_bottom_score_of_zero_shows_as_zero(client, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    bottom = campaign.policy_version.dimensions.order_by("order").first()
    assert bottom.score_min == 0
    submit_sheet(a, value=10, **{bottom.code: 0})
    client.force_login(experts[0].user)
    response = client.get(_sheet_url(a))
    values = {row["dimension"].pk: row["value"] for row in response.context["rows"]}
    assert values[bottom.pk] == 0  # not "no score" (shown as —)
    assert set(values.values()) == {0, 10}


# --- Officer pages ----------------------------------------------------------------------------


def test_officer_pages_are_for_the_issuing_organization_only(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    submit_sheet(a)
    urls = [
        ("get", reverse("reviews:scoring_progress", args=[campaign.pk])),
        ("get", reverse("reviews:scoring_progress_nominations", args=[campaign.pk])),
        ("get", reverse("reviews:scoring_nomination", args=[campaign.pk, nominations[0].pk])),
        ("get", reverse("reviews:scoring_reopen", args=[campaign.pk, a.pk])),
        ("post", reverse("reviews:scoring_reopen", args=[campaign.pk, a.pk])),
        ("post", reverse("reviews:scoring_remind", args=[campaign.pk])),
        ("post", reverse("reviews:scoring_close", args=[campaign.pk])),
        ("get", reverse("reviews:scoring_ranking", args=[campaign.pk])),
        ("get", reverse("reviews:scoring_ranking_export", args=[campaign.pk])),
    ]
    for who in ("hebei_officer", "sjz_officer", "hebei_clerk", "expert", "audit_admin"):
        client.force_login(world.users[who])
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (who, url)
    client.force_login(experts[0].user)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    for who in ("hebei_officer", "hebei_clerk", "craftsman", "audit_admin"):
        client.force_login(world.users[who])
        assert client.get(reverse("reviews:scoring_campaigns")).status_code == 404
        assert client.get(reverse("reviews:scoring_mine")).status_code == 404
    client.force_login(world.users["program_officer"])
    html = client.get(reverse("reviews:scoring_campaigns")).content.decode()
    assert campaign.name in html
    assert client.get(reverse("reviews:scoring_mine")).status_code == 404
    for method, url in urls:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_progress_and_reminders(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    for n in nominations:
        submit_sheet(assignments[(n.pk, experts[1].pk)])
    client.force_login(world.users["program_officer"])
    html = client.get(reverse("reviews:scoring_progress", args=[campaign.pk])).content.decode()
    assert str(experts[0]) in html and str(experts[1]) in html
    assert "2 of 4" in html or "4" in html
    response = client.post(
        reverse("reviews:scoring_remind", args=[campaign.pk]), {"expert": experts[0].pk}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(
        recipient=experts[0].user, kind="review.scoring_reminder"
    ).exists()
    assert not Notification.objects.filter(recipient=experts[1].user).exists()
    html = client.get(
        reverse("reviews:scoring_progress_nominations", args=[campaign.pk]), {"missing": "on"}
    ).content.decode()
    assert nominations[0].number in html


def test_officer_reopens_a_sheet(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    submit_sheet(a, 16)
    client.force_login(world.users["program_officer"])
    page = client.get(reverse("reviews:scoring_nomination", args=[campaign.pk, nominations[0].pk]))
    html = page.content.decode()
    assert "80" in html and reverse("reviews:scoring_reopen", args=[campaign.pk, a.pk]) in html
    url = reverse("reviews:scoring_reopen", args=[campaign.pk, a.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert ScoreSheet.objects.get(assignment=a).status == S.SUBMITTED
    response = client.post(url, {"reason": "评语与分数不符"})
    assert response.status_code == 302
    assert ScoreSheet.objects.get(assignment=a).status == S.REOPENED
    assert AuditEvent.objects.filter(action="review.sheet_reopened").count() == 1
    # The expert can edit again.
    client.force_login(experts[0].user)
    html = client.get(_sheet_url(a)).content.decode()
    assert "评语与分数不符" in html and 'name="action"' in html


def test_close_from_the_progress_page(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, _nominations, _experts, assignments = review
    client.force_login(world.users["program_officer"])
    url = reverse("reviews:scoring_close", args=[campaign.pk])
    response = client.post(url, follow=True)
    assert "online_review.sheets_missing" in response.content.decode()
    for a in assignments.values():
        submit_sheet(a)
    client.post(url)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PANEL_MEETING


# --- Ranking ----------------------------------------------------------------------------------


def _scored(world, values):  # type: ignore[no-untyped-def]
    """Three nominations × two experts with the given values (per nomination, per expert)."""
    campaign, nominations, experts, assignments = make_scoring_campaign(world, count=3)
    for n, row in zip(nominations, values, strict=True):
        for e, value in zip(experts, row, strict=True):
            submit_sheet(assignments[(n.pk, e.pk)], value)
    return campaign, nominations, experts


def test_ranking_page_shows_the_methods_side_by_side(
    client, world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, _experts = _scored(world, [(18, 10), (15, 15), (12, 13)])
    client.force_login(world.users["program_officer"])
    url = reverse("reviews:scoring_ranking", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    html = response.content.decode()
    # (18+10)×5/2 = 70 raw; spread 40 ≥ 20: a disagreement.
    assert "70.00" in html and "75.00" in html and "62.50" in html
    assert html.count("table-warning") == 1
    order = [m.group(1) for m in re.finditer(r"(2026-N\d{3}-\d{5})", html)]
    assert order.index(nominations[1].number) < order.index(nominations[2].number)
    raw = client.get(url, {"order": "raw"}, **HX).content.decode()
    raw_order = [m.group(1) for m in re.finditer(r"(2026-N\d{3}-\d{5})", raw)]
    assert raw_order[:3] == [nominations[1].number, nominations[0].number, nominations[2].number]
    only = client.get(url, {"disagreement": "on"}, **HX).content.decode()
    assert nominations[0].number in only and nominations[1].number not in only


def test_ranking_export(client, world) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from openpyxl import load_workbook

    campaign, nominations, experts = _scored(world, [(18, 10), (15, 15), (12, 13)])
    client.force_login(world.users["program_officer"])
    response = client.get(reverse("reviews:scoring_ranking_export", args=[campaign.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    dims = list(campaign.policy_version.dimensions.order_by("order"))
    assert len(book.sheetnames) == 3 + len(dims) + 1
    first = book.worksheets[0]
    rows = list(first.iter_rows(min_row=2, values_only=True))
    assert next(r[2] for r in rows) == nominations[1].number
    dimension_sheet = book.worksheets[3]
    header = next(dimension_sheet.iter_rows(max_row=1, values_only=True))
    assert str(experts[0]) in header and str(experts[1]) in header
    values = {r[0]: r for r in dimension_sheet.iter_rows(min_row=2, values_only=True)}
    assert values[nominations[0].number][2:5] == (18, 10, 14)
    about = book.worksheets[-1]
    assert about.max_row >= 6
    assert AuditEvent.objects.filter(action="review.ranking_exported").exists()


def test_an_expert_added_later_shows_in_progress(client, world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, _experts, _assignments = review
    late = make_expert(world.acftu)
    assign(campaign, nominations[0], late)
    client.force_login(world.users["program_officer"])
    html = client.get(reverse("reviews:scoring_progress", args=[campaign.pk])).content.decode()
    assert str(late) in html


def test_the_expert_dashboard_counts_sheets_left(client, review) -> None:  # type: ignore[no-untyped-def]
    _campaign, nominations, experts, assignments = review
    submit_sheet(assignments[(nominations[0].pk, experts[0].pk)])
    from jiangxin.core.dashboard import dashboard_for

    with translation.override("en"):
        stats = {str(s.label): s.value for p in dashboard_for(experts[0].user) for s in p.stats}
    assert stats["Score sheets left to submit"] == 1
    assert stats["Score sheets submitted (open reviews)"] == 1
    client.force_login(experts[0].user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("reviews:scoring_mine") in html
