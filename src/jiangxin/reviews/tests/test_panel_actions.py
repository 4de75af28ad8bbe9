"""The panel meeting through its actions: the shortlist, members and quorum, recusals (from
conflicts and declared), votes and re-votes, the tie-break at the quota line, the run-off and
the close."""

from __future__ import annotations

import inspect

import pytest

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.programs.models import Campaign
from jiangxin.reviews import approval, panel
from jiangxin.reviews.models import Conflict, PanelMeeting, Recusal, ShortlistEntry, Vote
from tests.factories import cast_votes, make_expert, make_open_panel, make_reviewed_campaign

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


@pytest.fixture
def reviewed(world):  # type: ignore[no-untyped-def]
    """Six nominations scored 100, 95, … 75; quota 3 (shortlist ceil(3 × 1.2) = 4)."""
    return make_reviewed_campaign(world, count=6, target=3)


def _entries(meeting: PanelMeeting) -> list[ShortlistEntry]:
    return list(meeting.shortlist.order_by("rank"))


def _discuss_all(officer, meeting):  # type: ignore[no-untyped-def]
    for e in meeting.shortlist.all():
        panel.do_set_discussed(acting_user=officer, entry_id=e.pk, discussed=True)


def _ready_to_close(officer, meeting):  # type: ignore[no-untyped-def]
    _discuss_all(officer, meeting)
    panel.do_save_minutes(acting_user=officer, meeting_id=meeting.pk, minutes="会议逐一审议。")


# --- Shortlist --------------------------------------------------------------------------------


def test_set_up_draws_the_shortlist_from_the_ranking(world, officer, reviewed):
    campaign, nominations, _experts = reviewed
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    entries = _entries(meeting)
    assert [e.rank for e in entries] == [1, 2, 3, 4]
    assert [e.nomination_id for e in entries] == [n.pk for n in nominations[:4]]
    assert [e.z for e in entries] == [100.0, 95.0, 90.0, 85.0]
    assert all(e.source == "ranking" and e.result == "pending" for e in entries)
    assert (meeting.pass_numerator, meeting.pass_denominator) == (2, 3)
    statuses = dict(Nomination.objects.filter(campaign=campaign).values_list("pk", "status"))
    assert [statuses[n.pk] for n in nominations] == [S.SHORTLISTED] * 4 + [S.IN_REVIEW] * 2
    assert NominationEvent.objects.filter(nomination=nominations[0], action="shortlisted").exists()
    event = AuditEvent.objects.get(action="panel.set_up")
    assert event.summary["shortlist"] == 4 and event.summary["quota"] == 3
    assert event.summary["threshold"] == "2/3"
    with pytest.raises(DomainError) as exc:
        panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "panel.exists"


def test_shortlist_is_capped_by_the_nominations_reviewed(world, officer):
    campaign, _n, _e = make_reviewed_campaign(world, count=3, target=3)
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    assert meeting.shortlist.count() == 3  # ceil(3 × 1.2) = 4, but only 3 were reviewed


def test_set_up_needs_the_panel_phase_and_the_issuing_organization(world, officer, reviewed):
    campaign = reviewed[0]
    with pytest.raises(PermissionDenied):
        panel.do_set_up_panel(acting_user=world.users["hebei_officer"], campaign_id=campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ONLINE_REVIEW)
    with pytest.raises(DomainError) as exc:
        panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "panel.not_panel_phase"


def test_the_officer_adds_a_flagged_case_with_a_reason(world, officer):
    # The sixth nominee's experts disagree (8, 14, 2 per dimension: 40, 70, 10 in total).
    scores = [[20, 20, 20], [19, 19, 19], [18, 18, 18], [17, 17, 17], [15, 15, 15], [8, 14, 2]]
    campaign, nominations, _e = make_reviewed_campaign(world, count=6, target=3, scores=scores)
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    ranking = {r.nomination_id: r for r in panel.reviewed_ranking(campaign)}
    flagged, plain = nominations[5], nominations[4]
    assert ranking[flagged.pk].disagreement and not panel.is_flagged(ranking[plain.pk])
    assert not meeting.shortlist.filter(nomination=flagged).exists()
    with pytest.raises(DomainError) as exc:
        panel.do_add_to_shortlist(
            acting_user=officer, meeting_id=meeting.pk, nomination_id=flagged.pk, reason=" "
        )
    assert exc.value.rule == "panel.reason_required"
    with pytest.raises(DomainError) as exc:
        panel.do_add_to_shortlist(
            acting_user=officer, meeting_id=meeting.pk, nomination_id=plain.pk, reason="再议"
        )
    assert exc.value.rule == "panel.not_flagged"
    entry = panel.do_add_to_shortlist(
        acting_user=officer,
        meeting_id=meeting.pk,
        nomination_id=flagged.pk,
        reason="专家评分分歧较大，提请会议讨论。",
    )
    assert entry.source == "added" and entry.rank == ranking[flagged.pk].rank
    assert entry.disagreement
    assert Nomination.objects.get(pk=flagged.pk).status == S.SHORTLISTED
    event = AuditEvent.objects.get(action="panel.entry_added")
    assert event.summary["reason"] == "专家评分分歧较大，提请会议讨论。"
    with pytest.raises(DomainError) as exc:
        panel.do_add_to_shortlist(
            acting_user=officer, meeting_id=meeting.pk, nomination_id=flagged.pk, reason="再议"
        )
    assert exc.value.rule == "panel.already_shortlisted"


# --- Members, presence, quorum ----------------------------------------------------------------


def test_members_are_pool_experts_and_officers_and_the_quorum_opens_the_meeting(
    world, officer, reviewed
):
    campaign = reviewed[0]
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    with pytest.raises(DomainError) as exc:
        panel.do_add_panel_member(
            acting_user=officer, meeting_id=meeting.pk, user_id=world.users["craftsman"].pk
        )
    assert exc.value.rule == "panel.not_eligible_member"
    chair = panel.do_add_panel_member(
        acting_user=officer, meeting_id=meeting.pk, user_id=officer.pk
    )
    assert chair.expert is None
    members = [chair] + [
        panel.do_add_panel_member(
            acting_user=officer, meeting_id=meeting.pk, user_id=make_expert(world.acftu).user_id
        )
        for _ in range(8)
    ]
    assert members[1].expert is not None
    with pytest.raises(DomainError) as exc:
        panel.do_add_panel_member(acting_user=officer, meeting_id=meeting.pk, user_id=officer.pk)
    assert exc.value.rule == "panel.already_member"
    panel.do_update_panel_details(
        acting_user=officer,
        meeting_id=meeting.pk,
        held_on=None,
        location="北京 职工之家",
        chair_id=officer.pk,
    )
    panel.do_record_presence(
        acting_user=officer, meeting_id=meeting.pk, present_member_ids=[m.pk for m in members[:5]]
    )
    with pytest.raises(DomainError) as exc:
        panel.do_open_panel(acting_user=officer, meeting_id=meeting.pk)
    assert exc.value.rule == "panel.quorum"  # 5 of 9: two thirds is 6
    panel.do_record_presence(
        acting_user=officer, meeting_id=meeting.pk, present_member_ids=[m.pk for m in members[:6]]
    )
    meeting = panel.do_open_panel(acting_user=officer, meeting_id=meeting.pk)
    assert meeting.status == "in_session" and meeting.started_at is not None
    with pytest.raises(DomainError) as exc:
        panel.do_add_panel_member(
            acting_user=officer, meeting_id=meeting.pk, user_id=make_expert(world.acftu).user_id
        )
    assert exc.value.rule == "panel.already_open"
    # A late arrival is marked present; a member who voted cannot be marked gone.
    entry = _entries(meeting)[0]
    panel.do_record_presence(
        acting_user=officer, meeting_id=meeting.pk, present_member_ids=[m.pk for m in members[:7]]
    )
    panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(entry.pk, members[0].pk): "agree"}
    )
    with pytest.raises(DomainError) as exc:
        panel.do_record_presence(
            acting_user=officer,
            meeting_id=meeting.pk,
            present_member_ids=[m.pk for m in members[1:7]],
        )
    assert exc.value.rule == "panel.member_voted"


# --- Recusals ---------------------------------------------------------------------------------


def test_a_recorded_conflict_recuses_the_member_automatically(world, officer, reviewed):
    campaign, nominations, _e = reviewed
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    experts = [make_expert(world.acftu) for _ in range(9)]
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[0],
        nomination=nominations[0],
        kind=Conflict.Kind.SAME_EMPLOYER,
        source=Conflict.Source.COMPUTED,
        reason="同在石家庄钢铁有限责任公司任职",
    )
    members = [
        panel.do_add_panel_member(acting_user=officer, meeting_id=meeting.pk, user_id=e.user_id)
        for e in experts
    ]
    recusal = Recusal.objects.get(member=members[0])
    assert recusal.automatic and recusal.entry.nomination_id == nominations[0].pk
    assert "同在石家庄钢铁有限责任公司任职" in recusal.reason
    assert "Same employer" in recusal.reason or "同一" in recusal.reason or "单位" in recusal.reason
    panel.do_record_presence(
        acting_user=officer, meeting_id=meeting.pk, present_member_ids=[m.pk for m in members]
    )
    panel.do_open_panel(acting_user=officer, meeting_id=meeting.pk)
    state = panel.meeting_state(meeting)
    first = state.entries[0]
    assert state.results.by_entry[first.pk].voters == 8
    assert state.results.by_entry[first.pk].required == 6
    with pytest.raises(DomainError) as exc:
        panel.do_record_votes(
            acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[0].pk): "agree"}
        )
    assert exc.value.rule == "panel.recused"
    with pytest.raises(DomainError) as exc:
        panel.do_withdraw_recusal(acting_user=officer, recusal_id=recusal.pk)
    assert exc.value.rule == "panel.recusal_from_conflict"


def test_a_conflict_recorded_during_the_meeting_removes_the_vote(world, officer, reviewed):
    campaign, _nominations, _e = reviewed
    meeting, members = make_open_panel(world, campaign)
    first = _entries(meeting)[0]
    panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[2].pk): "agree"}
    )
    Conflict.objects.create(
        campaign=campaign,
        expert=members[2].expert,
        nomination=first.nomination,
        kind=Conflict.Kind.TEACHER_APPRENTICE,
        source=Conflict.Source.EXPERT,
        reason="曾为师徒",
    )
    panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[3].pk): "agree"}
    )
    assert not Vote.objects.filter(entry=first, member=members[2]).exists()
    assert Recusal.objects.get(entry=first, member=members[2]).automatic
    event = AuditEvent.objects.get(action="panel.recusals_from_conflicts")
    assert event.summary["votes_removed"] == [[first.pk, members[2].pk, 0]]


def test_a_declared_recusal_removes_the_members_vote_and_can_be_withdrawn(world, officer, reviewed):
    meeting, members = make_open_panel(world, reviewed[0])
    first = _entries(meeting)[0]
    panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[1].pk): "agree"}
    )
    with pytest.raises(DomainError):
        panel.do_declare_recusal(
            acting_user=officer, entry_id=first.pk, member_id=members[1].pk, reason=""
        )
    recusal = panel.do_declare_recusal(
        acting_user=officer, entry_id=first.pk, member_id=members[1].pk, reason="与被推荐人系同乡"
    )
    assert not recusal.automatic
    assert not Vote.objects.filter(entry=first, member=members[1]).exists()
    assert panel.meeting_state(meeting).results.by_entry[first.pk].voters == 8
    panel.do_withdraw_recusal(acting_user=officer, recusal_id=recusal.pk)
    assert panel.meeting_state(meeting).results.by_entry[first.pk].voters == 9


# --- Votes ------------------------------------------------------------------------------------


def test_only_members_present_vote_and_a_re_vote_replaces_the_vote(world, officer, reviewed):
    meeting, members = make_open_panel(world, reviewed[0], members=9, present=8)
    first = _entries(meeting)[0]
    absent = members[8]
    with pytest.raises(DomainError) as exc:
        panel.do_record_votes(
            acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, absent.pk): "agree"}
        )
    assert exc.value.rule == "panel.not_present"
    with pytest.raises(DomainError) as exc:
        panel.do_record_votes(
            acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[0].pk): "yes"}
        )
    assert exc.value.rule == "panel.bad_vote"
    out = panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[0].pk): "agree"}
    )
    assert (out.created, out.changed) == (1, 0)
    out = panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[0].pk): "abstain"}
    )
    assert (out.created, out.changed) == (0, 1)
    vote = Vote.objects.get(entry=first, member=members[0])
    assert vote.choice == "abstain" and Vote.objects.filter(entry=first).count() == 1
    events = list(AuditEvent.objects.filter(action="panel.votes_recorded").order_by("id"))
    assert events[-1].summary["votes"] == [[first.pk, members[0].pk, "agree", "abstain"]]
    # The same vote again changes nothing and is not logged again.
    panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes={(first.pk, members[0].pk): "abstain"}
    )
    assert AuditEvent.objects.filter(action="panel.votes_recorded").count() == len(events)
    # Eight present: two thirds needs 6.
    assert panel.meeting_state(meeting).results.by_entry[first.pk].required == 6


def test_close_is_refused_while_a_nominee_is_unvoted(world, officer, reviewed):
    campaign = reviewed[0]
    meeting, _members = make_open_panel(world, campaign)
    entries = _entries(meeting)
    _ready_to_close(officer, meeting)
    cast_votes(officer, meeting, {e.pk: (9, 0, 0) for e in entries[:-1]})
    with pytest.raises(DomainError) as exc:
        panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    assert exc.value.rule == "panel.cannot_close"
    assert "1" in str(exc.value.message)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PANEL_MEETING
    assert ShortlistEntry.objects.filter(meeting=meeting, result="pending").count() == 4


def test_close_needs_every_nominee_discussed_and_the_minutes(world, officer, english, reviewed):
    meeting, _members = make_open_panel(world, reviewed[0])
    entries = _entries(meeting)
    cast_votes(officer, meeting, {e.pk: (9, 0, 0) for e in entries})
    problems = panel.close_problems(panel.meeting_state(meeting))
    assert "4 nominee(s) not discussed yet." in problems
    assert "Write the minutes of the meeting." in problems
    _ready_to_close(officer, meeting)
    meeting = PanelMeeting.objects.get(pk=meeting.pk)
    assert panel.close_problems(panel.meeting_state(meeting)) == []


def test_close_freezes_the_results_computed_from_the_votes(world, officer, reviewed):
    campaign, _nominations, _e = reviewed
    meeting, members = make_open_panel(world, campaign)
    e1, e2, e3, e4 = _entries(meeting)
    _ready_to_close(officer, meeting)
    # 2/3 of 9 = 6: e1 9, e2 6 (with 2 abstaining), e3 5 → fails, e4 8.
    cast_votes(
        officer, meeting, {e1.pk: (9, 0, 0), e2.pk: (6, 1, 2), e3.pk: (5, 4, 0), e4.pk: (8, 1, 0)}
    )
    meeting = panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    assert meeting.status == "closed" and meeting.closed_at is not None
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FINAL_APPROVAL
    frozen = {e.pk: e for e in meeting.shortlist.all()}
    assert [frozen[e.pk].result for e in (e1, e2, e3, e4)] == [
        "passed",
        "passed",
        "failed",
        "passed",
    ]
    assert (frozen[e2.pk].agree, frozen[e2.pk].disagree, frozen[e2.pk].abstain) == (6, 1, 2)
    assert frozen[e2.pk].voters == 9 and frozen[e2.pk].required == 6
    # Order by agree votes: e1 (9), e4 (8), e2 (6) — all three within the quota of 3.
    assert [frozen[e.pk].position for e in (e1, e4, e2)] == [1, 2, 3]
    assert frozen[e3.pk].position is None and not frozen[e3.pk].within_quota
    assert all(frozen[e.pk].within_quota for e in (e1, e2, e4))
    event = AuditEvent.objects.get(action="panel.closed")
    assert event.summary["passed"] == 3 and event.summary["within_quota"] == 3
    with pytest.raises(DomainError) as exc:
        panel.do_record_votes(
            acting_user=officer, meeting_id=meeting.pk, votes={(e3.pk, members[0].pk): "agree"}
        )
    assert exc.value.rule == "panel.closed"


def test_at_the_quota_line_equal_agree_counts_go_to_the_better_online_score(
    world, officer, reviewed
):
    meeting, _members = make_open_panel(world, reviewed[0])
    e1, e2, e3, e4 = _entries(meeting)
    _ready_to_close(officer, meeting)
    cast_votes(
        officer, meeting, {e1.pk: (9, 0, 0), e2.pk: (9, 0, 0), e3.pk: (7, 2, 0), e4.pk: (7, 1, 1)}
    )
    state = panel.meeting_state(meeting)
    assert not state.results.runoff_pending
    panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    e3.refresh_from_db()
    e4.refresh_from_db()
    # Both 7 agree; e3 scored 90 in the online review, e4 85.
    assert (e3.position, e3.within_quota) == (3, True)
    assert (e4.position, e4.within_quota, e4.result) == (4, False, "passed")


def test_a_tie_in_the_online_score_at_the_line_is_decided_by_a_run_off(world, officer):
    # The third and fourth nominees score the same (90 each): tied in the ranking.
    scores = [[20] * 3, [19] * 3, [18] * 3, [18] * 3, [15] * 3, [14] * 3]
    campaign, _n, _e = make_reviewed_campaign(world, count=6, target=3, scores=scores)
    meeting, _members = make_open_panel(world, campaign)
    e1, e2, e3, e4 = _entries(meeting)
    _ready_to_close(officer, meeting)
    cast_votes(
        officer, meeting, {e1.pk: (9, 0, 0), e2.pk: (8, 1, 0), e3.pk: (7, 2, 0), e4.pk: (7, 2, 0)}
    )
    state = panel.meeting_state(meeting)
    assert state.results.runoff_round == 1
    assert sorted(state.results.runoff_entries) == sorted([e3.pk, e4.pk])
    assert state.results.runoff_slots == 1
    with pytest.raises(DomainError) as exc:
        panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    assert exc.value.rule == "panel.cannot_close"
    # Only the tied nominees are on the run-off ballot, and only in the open round.
    with pytest.raises(DomainError) as exc:
        cast_votes(officer, meeting, {e1.pk: (9, 0, 0)}, round_no=1)
    assert exc.value.rule == "panel.not_on_ballot"
    with pytest.raises(DomainError) as exc:
        cast_votes(officer, meeting, {e3.pk: (9, 0, 0)}, round_no=2)
    assert exc.value.rule == "panel.no_runoff"
    cast_votes(officer, meeting, {e3.pk: (4, 5, 0), e4.pk: (6, 3, 0)}, round_no=1)
    # Once a run-off has begun the votes on the nominees are fixed.
    with pytest.raises(DomainError) as exc:
        cast_votes(officer, meeting, {e1.pk: (8, 1, 0)})
    assert exc.value.rule == "panel.runoff_started"
    panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    e3.refresh_from_db()
    e4.refresh_from_db()
    assert (e4.position, e4.within_quota, e4.runoff) == (3, True, [6])
    assert (e3.position, e3.within_quota, e3.runoff) == (4, False, [4])
    assert len(approval.approval_lists(Campaign.objects.get(pk=campaign.pk)).approved) == 3


def test_no_action_takes_a_result_typed_in():
    """Results are computed from the votes: no action accepts a result or a count."""
    typed = {"result", "results", "passed", "agree", "disagree", "abstain", "position"}
    typed |= {"within_quota", "approved", "required"}
    for module in (panel, approval):
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and func.__module__ == module.__name__:
                assert not typed & set(inspect.signature(func).parameters), name
