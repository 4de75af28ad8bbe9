"""Scoring actions: drafts keep everything typed, submission checks ranges and comments and
locks the sheet, only an officer reopens it (audited), reminders, and closing the online
review."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.notifications.models import Notification
from jiangxin.programs.models import Campaign, Dimension
from jiangxin.reviews import calibration, scoring
from jiangxin.reviews.models import Conflict, ScoreSheet
from tests.factories import SHANGHAI, make_expert, make_scoring_campaign, submit_sheet

pytestmark = pytest.mark.usefixtures("campaign_day")

S = ScoreSheet.Status


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = make_scoring_campaign(world)
    return campaign, nominations, experts, assignments


def _dims(campaign: Campaign) -> list[Dimension]:
    return list(campaign.policy_version.dimensions.order_by("order"))


def _all(campaign: Campaign, value: int) -> dict[int, int]:
    return {d.pk: value for d in _dims(campaign)}


def test_draft_keeps_partial_and_invalid_input(review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    d1, d2 = _dims(campaign)[:2]
    typed = {
        scoring.score_field(d1.pk): "15",
        scoring.score_field(d2.pk): "十五",
        scoring.comment_field(d1.pk): "扎根一线",
        "unrelated": "dropped",
    }
    sheet = scoring.do_save_score_draft(acting_user=experts[0].user, assignment_id=a.pk, data=typed)
    assert sheet.status == S.DRAFT
    assert sheet.draft == {k: v for k, v in typed.items() if k != "unrelated"}
    assert not sheet.scores.exists()  # scores are written on submission only
    assert AuditEvent.objects.filter(action="review.sheet_started").count() == 1
    sheet = scoring.do_save_score_draft(
        acting_user=experts[0].user, assignment_id=a.pk, data={scoring.score_field(d1.pk): "16"}
    )
    assert sheet.draft == {scoring.score_field(d1.pk): "16"}
    assert AuditEvent.objects.filter(action="review.sheet_started").count() == 1


def test_each_dimension_has_its_own_range(review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    d1, d2, *_ = _dims(campaign)
    # A policy may give a dimension a narrower range (test data: the shipped one is 0–20).
    Dimension.objects.filter(pk=d2.pk).update(score_min=5, score_max=10)
    scores = _all(campaign, 15)
    with pytest.raises(scoring.SheetInvalid) as exc:
        scoring.do_submit_score_sheet(
            acting_user=experts[0].user, assignment_id=a.pk, scores=scores
        )
    assert [(p.field, p.rule) for p in exc.value.problems] == [
        (scoring.score_field(d2.pk), "scoring.score_out_of_range")
    ]
    for changed in ({d2.pk: 4}, {d2.pk: 11}, {d2.pk: 8, d1.pk: 21}, {d2.pk: 8, d1.pk: -1}):
        with pytest.raises(scoring.SheetInvalid) as exc:
            scoring.do_submit_score_sheet(
                acting_user=experts[0].user, assignment_id=a.pk, scores={**scores, **changed}
            )
        assert exc.value.problems[0].rule == "scoring.score_out_of_range"
    missing = dict(scores)
    del missing[d1.pk]
    with pytest.raises(scoring.SheetInvalid) as exc:
        scoring.do_submit_score_sheet(
            acting_user=experts[0].user, assignment_id=a.pk, scores={**missing, d2.pk: 8}
        )
    assert exc.value.rule == "scoring.score_missing"
    sheet = scoring.do_submit_score_sheet(
        acting_user=experts[0].user, assignment_id=a.pk, scores={**scores, d2.pk: 8}
    )
    assert sheet.status == S.SUBMITTED


def test_parsing_the_form_reports_what_is_not_a_whole_number(review) -> None:  # type: ignore[no-untyped-def]
    campaign, *_ = review
    d1, d2, d3, d4, d5 = _dims(campaign)
    parsed, problems = scoring.parse_sheet_input(
        [d1, d2, d3, d4, d5],
        {
            scoring.score_field(d1.pk): "12.5",
            scoring.score_field(d2.pk): "１８",  # full-width digits, as a Chinese IME types them
            scoring.score_field(d3.pk): "",
            scoring.score_field(d4.pk): " 7 ",
            scoring.score_field(d5.pk): "25",
        },
    )
    assert parsed.scores == {d2.pk: 18, d4.pk: 7, d5.pk: 25}
    assert [(p.field, p.rule) for p in problems] == [
        (scoring.score_field(d1.pk), "scoring.score_not_integer"),
        (scoring.score_field(d3.pk), "scoring.score_missing"),
        (scoring.score_field(d5.pk), "scoring.score_out_of_range"),
    ]


def test_a_top_or_bottom_score_needs_a_comment(review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    d1, d2, *_ = _dims(campaign)
    scores = {**_all(campaign, 14), d1.pk: 20, d2.pk: 0}
    with pytest.raises(scoring.SheetInvalid) as exc:
        scoring.do_submit_score_sheet(
            acting_user=experts[0].user,
            assignment_id=a.pk,
            scores=scores,
            comments={d1.pk: "   "},
        )
    assert [(p.field, p.rule) for p in exc.value.problems] == [
        (scoring.comment_field(d1.pk), "scoring.comment_required"),
        (scoring.comment_field(d2.pk), "scoring.comment_required"),
    ]
    with pytest.raises(scoring.SheetInvalid) as exc:
        scoring.do_submit_score_sheet(
            acting_user=experts[0].user,
            assignment_id=a.pk,
            scores=scores,
            comments={d1.pk: "字" * (scoring.COMMENT_MAX_CHARS + 1), d2.pk: "无证据"},
        )
    assert exc.value.rule == "scoring.comment_too_long"
    sheet = scoring.do_submit_score_sheet(
        acting_user=experts[0].user,
        assignment_id=a.pk,
        scores=scores,
        comments={d1.pk: "攻克国家级难题", d2.pk: "无相关证据"},
    )
    assert {s.dimension_id: s.comment for s in sheet.scores.all()}[d1.pk] == "攻克国家级难题"


def test_submit_locks_the_sheet(review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    user = experts[0].user
    scoring.do_save_score_draft(acting_user=user, assignment_id=a.pk, data={"comment": "草稿"})
    sheet = submit_sheet(a, 15)
    assert sheet.status == S.SUBMITTED and sheet.submitted_at is not None
    assert sheet.draft == {} and sheet.comment == "总体评价良好"
    assert sorted(sheet.scores.values_list("value", flat=True)) == [15] * 5
    event = AuditEvent.objects.get(action="review.sheet_submitted")
    assert event.summary["total"] == 75 and event.summary["resubmitted"] is False
    for attempt in (
        lambda: scoring.do_save_score_draft(acting_user=user, assignment_id=a.pk, data={}),
        lambda: scoring.do_submit_score_sheet(
            acting_user=user, assignment_id=a.pk, scores=_all(campaign, 10)
        ),
    ):
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.rule == "scoring.locked"
    assert sorted(sheet.scores.values_list("value", flat=True)) == [15] * 5


def test_officer_reopens_with_a_reason_audited_and_notified(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    officer = world.users["program_officer"]
    with pytest.raises(DomainError) as exc:
        scoring.do_reopen_score_sheet(acting_user=officer, assignment_id=a.pk, reason="复核")
    assert exc.value.rule == "scoring.not_submitted"
    submit_sheet(a, 15)
    for who in ("hebei_officer", "henan_officer", "expert"):
        with pytest.raises(PermissionDenied):
            scoring.do_reopen_score_sheet(
                acting_user=world.users[who], assignment_id=a.pk, reason="x"
            )
    with pytest.raises(PermissionDenied):  # the expert cannot reopen their own sheet
        scoring.do_reopen_score_sheet(acting_user=experts[0].user, assignment_id=a.pk, reason="x")
    with pytest.raises(DomainError) as exc:
        scoring.do_reopen_score_sheet(acting_user=officer, assignment_id=a.pk, reason="  ")
    assert exc.value.rule == "scoring.reason_required"
    sheet = scoring.do_reopen_score_sheet(
        acting_user=officer, assignment_id=a.pk, reason="创新力评分与评语不一致，请复核"
    )
    assert sheet.status == S.REOPENED and sheet.reopened_by == officer
    event = AuditEvent.objects.get(action="review.sheet_reopened")
    assert event.actor_id == officer.pk
    assert event.summary["reason"] == "创新力评分与评语不一致，请复核"
    note = Notification.objects.get(recipient=experts[0].user, kind="review.sheet_reopened")
    assert note.params["reason"] == "创新力评分与评语不一致，请复核"
    assert nominations[0].number in note.params["nominee"]
    # Out of the ranking until submitted again; then back in, marked as a resubmission.
    assert calibration.campaign_ranking(campaign) == []
    scoring.do_save_score_draft(acting_user=experts[0].user, assignment_id=a.pk, data={})
    assert ScoreSheet.objects.get(pk=sheet.pk).status == S.REOPENED
    submit_sheet(a, 16)
    event = AuditEvent.objects.filter(action="review.sheet_submitted").latest("id")
    assert event.summary["resubmitted"] is True
    assert [r.raw for r in calibration.campaign_ranking(campaign)] == [80.0]


def test_blind_review_names_the_nominee_by_code_in_the_notification(world) -> None:  # type: ignore[no-untyped-def]
    _campaign, nominations, experts, assignments = make_scoring_campaign(
        world, count=1, experts=1, blind=True
    )
    a = assignments[(nominations[0].pk, experts[0].pk)]
    submit_sheet(a)
    scoring.do_reopen_score_sheet(
        acting_user=world.users["program_officer"], assignment_id=a.pk, reason="复核"
    )
    note = Notification.objects.get(kind="review.sheet_reopened")
    assert nominations[0].person.name not in note.params["nominee"]
    assert nominations[0].number not in note.params["nominee"]


def test_only_the_assigned_conflict_free_expert_scores(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    outsider = make_expert(world.acftu)
    for user in (experts[1].user, outsider.user, world.users["program_officer"]):
        with pytest.raises(PermissionDenied) as exc:
            scoring.do_save_score_draft(acting_user=user, assignment_id=a.pk, data={})
        assert exc.value.rule == "scoring.not_assigned"
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[0],
        nomination=nominations[0],
        kind=Conflict.Kind.COLLEAGUE,
        source=Conflict.Source.EXPERT,
        reason="曾为同事",
    )
    with pytest.raises(PermissionDenied):
        submit_sheet(a)
    assert not ScoreSheet.objects.filter(assignment=a).exists()


def test_nothing_changes_once_the_online_review_is_closed(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    a = assignments[(nominations[0].pk, experts[0].pk)]
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PANEL_MEETING)
    with pytest.raises(DomainError) as exc:
        scoring.do_save_score_draft(acting_user=experts[0].user, assignment_id=a.pk, data={})
    assert exc.value.rule == "scoring.closed"


def test_close_needs_every_sheet_submitted(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, _nominations, _experts, assignments = review
    officer = world.users["program_officer"]
    with pytest.raises(PermissionDenied):
        scoring.do_close_online_review(
            acting_user=world.users["hebei_officer"], campaign_id=campaign.pk
        )
    items = list(assignments.values())
    for a in items[:-1]:
        submit_sheet(a, 12)
    scoring.do_save_score_draft(
        acting_user=items[-1].expert.user, assignment_id=items[-1].pk, data={}
    )
    with pytest.raises(DomainError) as exc:
        scoring.do_close_online_review(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "online_review.sheets_missing"
    assert "1" in str(exc.value.message)
    submit_sheet(items[-1], 18)
    campaign = scoring.do_close_online_review(acting_user=officer, campaign_id=campaign.pk)
    assert campaign.status == Campaign.Status.PANEL_MEETING
    event = AuditEvent.objects.get(action="campaign.online_review_closed")
    ranking = calibration.campaign_ranking(campaign)
    assert event.summary["ranking_digest"] == calibration.ranking_digest(ranking)
    assert event.summary["sheets"] == 4 and event.summary["nominations"] == 2
    with pytest.raises(DomainError) as exc:
        scoring.do_close_online_review(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "online_review.not_open"


def test_close_refuses_accepted_nominations_without_experts(world) -> None:  # type: ignore[no-untyped-def]
    campaign, _nominations, _experts, _assignments = make_scoring_campaign(
        world, count=2, experts=0
    )
    from jiangxin.nominations.models import Nomination

    with pytest.raises(DomainError) as exc:
        scoring.do_close_online_review(
            acting_user=world.users["program_officer"], campaign_id=campaign.pk
        )
    assert exc.value.rule == "online_review.unassigned"
    assert Nomination.objects.filter(campaign=campaign, status="accepted").count() == 2


def _at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI), tick=False)


def test_scheduled_reminders_before_and_after_the_deadline(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, nominations, experts, assignments = review
    for n in nominations:
        submit_sheet(assignments[(n.pk, experts[1].pk)])  # expert 1 is done
    ends = campaign.review_ends
    assert scoring.send_review_reminders(ends - dt.timedelta(days=5)) == 0
    assert scoring.send_review_reminders(ends - dt.timedelta(days=3)) == 1
    assert scoring.send_review_reminders(ends - dt.timedelta(days=3)) == 0  # idempotent
    assert scoring.send_review_reminders(ends - dt.timedelta(days=1)) == 1
    assert scoring.send_review_reminders(ends) == 0
    assert scoring.send_review_reminders(ends + dt.timedelta(days=1)) == 1
    assert scoring.send_review_reminders(ends + dt.timedelta(days=2)) == 1
    notes = Notification.objects.filter(recipient=experts[0].user)
    assert list(notes.order_by("id").values_list("kind", flat=True)) == [
        "review.scoring_due",
        "review.scoring_due",
        "review.scoring_overdue",
        "review.scoring_overdue",
    ]
    assert notes.first().params["count"] == 2  # type: ignore[union-attr]
    assert not Notification.objects.filter(recipient=experts[1].user).exists()


def test_officer_reminds_once_a_day(world, review) -> None:  # type: ignore[no-untyped-def]
    campaign, _nominations, experts, _assignments = review
    officer = world.users["program_officer"]
    with pytest.raises(PermissionDenied):
        scoring.do_remind_experts(acting_user=world.users["hebei_officer"], campaign_id=campaign.pk)
    sent = scoring.do_remind_experts(
        acting_user=officer, campaign_id=campaign.pk, expert_ids=[experts[0].pk]
    )
    assert sent == 1
    assert scoring.do_remind_experts(acting_user=officer, campaign_id=campaign.pk) == 1
    assert scoring.do_remind_experts(acting_user=officer, campaign_id=campaign.pk) == 0
    assert AuditEvent.objects.filter(action="review.experts_reminded").count() == 3
    with _at(dt.date(2026, 6, 16)):
        assert scoring.do_remind_experts(acting_user=officer, campaign_id=campaign.pk) == 2
