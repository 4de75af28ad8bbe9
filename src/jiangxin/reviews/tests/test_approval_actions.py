"""The final approval through its actions: the list never exceeds the quota (also on random
vote outcomes), it is frozen with a digest that matches, statuses and timeline entries are set
for every reviewed nomination, the chain is told, and the balance of a small list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notifications.models import Notification
from jiangxin.orgs.models import Organization
from jiangxin.programs.models import Campaign
from jiangxin.reviews import approval, panel
from jiangxin.reviews.models import FinalApproval
from tests.factories import (
    cast_votes,
    make_open_panel,
    make_reviewed_campaign,
    valid_id_number,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


def _close(officer, meeting, tallies):  # type: ignore[no-untyped-def]
    for e in meeting.shortlist.all():
        panel.do_set_discussed(acting_user=officer, entry_id=e.pk, discussed=True)
    panel.do_save_minutes(acting_user=officer, meeting_id=meeting.pk, minutes="纪要")
    cast_votes(officer, meeting, tallies)
    return panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)


@pytest.fixture
def closed(world, officer):  # type: ignore[no-untyped-def]
    """Six reviewed, four shortlisted, all four passed for a quota of 3 (the fourth beyond)."""
    campaign, nominations, _experts = make_reviewed_campaign(world, count=6, target=3)
    meeting, _members = make_open_panel(world, campaign)
    entries = list(meeting.shortlist.order_by("rank"))
    _close(officer, meeting, {e.pk: (9 - i, i, 0) for i, e in enumerate(entries)})
    return Campaign.objects.get(pk=campaign.pk), nominations


def test_the_approved_list_is_cut_at_the_quota_and_frozen(world, officer, closed):
    campaign, nominations = closed
    lists = approval.approval_lists(campaign)
    assert [e.nomination_id for e in lists.approved] == [n.pk for n in nominations[:3]]
    assert [e.nomination_id for e in lists.beyond_quota] == [nominations[3].pk]
    record = approval.do_approve_final(
        acting_user=officer, campaign_id=campaign.pk, notes="同意会评结果。"
    )
    assert len(record.approved) == 3 <= campaign.target
    assert [item["nomination"] for item in record.approved] == [n.pk for n in nominations[:3]]
    assert [item["position"] for item in record.approved] == [1, 2, 3]
    assert record.approved[0]["number"] == nominations[0].number
    assert record.digest == approval.list_digest(campaign.pk, record.approved)
    assert len(record.digest) == 64
    assert approval.verify_approval(FinalApproval.objects.get(pk=record.pk))
    # Any change to the frozen list shows.
    tampered = FinalApproval.objects.get(pk=record.pk)
    tampered.approved = [*tampered.approved[:2], {**tampered.approved[2], "nomination": 999}]
    assert not approval.verify_approval(tampered)
    event = AuditEvent.objects.get(action="review.final_approved")
    assert event.summary["digest"] == record.digest and event.summary["approved"] == 3


def test_approval_sets_every_reviewed_nomination_and_tells_the_chain(world, officer, closed):
    campaign, nominations = closed
    approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PUBLIC_NOTICE
    statuses = dict(Nomination.objects.filter(campaign=campaign).values_list("pk", "status"))
    assert [statuses[n.pk] for n in nominations] == [S.SELECTED] * 3 + [S.NOT_SELECTED] * 3
    events = {
        e.nomination_id: e
        for e in NominationEvent.objects.filter(action__in=["selected", "not_selected"])
    }
    assert events[nominations[0].pk].action == "selected"
    beyond, unlisted = events[nominations[3].pk], events[nominations[5].pk]
    assert beyond.action == "not_selected" and unlisted.action == "not_selected"
    assert beyond.comment != unlisted.comment  # passed beyond the quota / not shortlisted
    # The unit's clerk and every level of the chain are told, once per nomination.
    for who in ("hebei_clerk", "sjz_officer", "hebei_officer"):
        user = world.users[who]
        assert Notification.objects.filter(recipient=user, kind="nomination.selected").count() == 3
        assert (
            Notification.objects.filter(recipient=user, kind="nomination.not_selected").count() == 3
        )
    assert not Notification.objects.filter(recipient=world.users["henan_officer"]).filter(
        kind__startswith="nomination.not_"
    )
    assert AuditEvent.objects.filter(action="nomination.not_selected").count() == 3


def test_approval_is_refused_twice_when_stale_and_before_the_close(world, officer, closed):
    campaign, _n = closed
    with pytest.raises(PermissionDenied):
        approval.do_approve_final(acting_user=world.users["hebei_officer"], campaign_id=campaign.pk)
    with pytest.raises(DomainError) as exc:
        approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk, expected_digest="0")
    assert exc.value.rule == "approval.stale"
    assert not FinalApproval.objects.exists()
    approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
    with pytest.raises(DomainError) as exc:
        approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "approval.not_approval_phase"


def test_approval_waits_for_the_panel(world, officer):
    campaign, _n, _e = make_reviewed_campaign(world, count=3, target=2)
    with pytest.raises(DomainError) as exc:
        approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "approval.not_approval_phase"


#: (agree, disagree, abstain) of nine members: any, or one of a few, so that ties happen.
TALLY = st.one_of(
    st.integers(0, 9).flatmap(lambda a: st.integers(0, 9 - a).map(lambda d: (a, d, 9 - a - d))),
    st.sampled_from([(9, 0, 0), (7, 2, 0), (7, 0, 2), (6, 3, 0), (5, 2, 2)]),
)


@pytest.fixture
def random_panel(world, officer):  # type: ignore[no-untyped-def]
    """An open meeting, quota 2, three shortlisted; the second and third nominees tie in the
    online review, so run-offs happen. Every nominee discussed, minutes written."""
    scores = [[20] * 3, [18] * 3, [18] * 3, [15] * 3, [14] * 3]
    campaign, _n, _e = make_reviewed_campaign(world, count=5, target=2, scores=scores)
    meeting, _m = make_open_panel(world, campaign)
    for e in meeting.shortlist.all():
        panel.do_set_discussed(acting_user=officer, entry_id=e.pk, discussed=True)
    panel.do_save_minutes(acting_user=officer, meeting_id=meeting.pk, minutes="纪要")
    return campaign.pk, meeting.pk


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tallies=st.lists(TALLY, min_size=3, max_size=3),
    runoffs=st.lists(st.integers(0, 9), min_size=6, max_size=6),
)
def test_on_random_votes_the_approved_list_never_exceeds_the_quota(
    officer, random_panel, tallies, runoffs
):
    """Each example votes, closes and approves inside a savepoint that is rolled back."""
    from jiangxin.reviews.models import PanelMeeting

    campaign_id, meeting_id = random_panel
    with transaction.atomic():
        meeting = PanelMeeting.objects.get(pk=meeting_id)
        entries = list(meeting.shortlist.order_by("rank"))
        assert len(entries) == 3  # ceil(2 × 1.2)
        cast_votes(officer, meeting, dict(zip([e.pk for e in entries], tallies, strict=True)))
        state = panel.meeting_state(meeting)
        for round_no in (1, 2):
            if not state.results.runoff_pending:
                break
            agree = iter(runoffs[3 * (round_no - 1) :])
            cast_votes(
                officer,
                meeting,
                {
                    e: (a, 9 - a, 0)
                    for e, a in zip(state.results.runoff_entries, agree, strict=False)
                },
                round_no=round_no,
            )
            state = panel.meeting_state(meeting)
        if not state.results.runoff_pending:
            panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
            campaign = Campaign.objects.get(pk=campaign_id)
            record = approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
            passed = [o for o in state.results.outcomes if o.passed]
            assert len(record.approved) == min(campaign.target, len(passed))
            assert len(record.approved) <= campaign.target
            assert approval.verify_approval(record)
            selected = Nomination.objects.filter(campaign=campaign, status=S.SELECTED)
            assert set(selected.values_list("pk", flat=True)) == {
                item["nomination"] for item in record.approved
            }
            assert not Nomination.objects.filter(
                campaign=campaign, status__in=[S.IN_REVIEW, S.SHORTLISTED]
            ).exists()
        transaction.set_rollback(True)


# --- Balance ----------------------------------------------------------------------------------


def test_balance_of_a_small_list(world, officer, english):
    people = [
        {"name": "王芳", "id_number": valid_id_number(birth=dt.date(1995, 3, 1), male=False)},
        {"name": "李强", "id_number": valid_id_number(birth=dt.date(1980, 7, 9), male=True)},
        {"name": "赵敏", "id_number": valid_id_number(birth=dt.date(1968, 1, 2), male=False)},
    ]
    # The employer has no region; the city above it is 石家庄 (→ 河北省).
    Organization.objects.filter(pk=world.shijiazhuang.pk).update(region_id="130100")
    campaign, _n, _e = make_reviewed_campaign(world, count=3, target=3, people=people)
    meeting, _m = make_open_panel(world, campaign)
    _close(officer, meeting, {e.pk: (9, 0, 0) for e in meeting.shortlist.all()})
    lists = approval.approval_lists(Campaign.objects.get(pk=campaign.pk))
    facts = approval.nominee_facts(lists.approved, campaign.year)
    assert sorted(f.age for f in facts) == [31, 46, 58]  # at 2026
    assert {f.region for f in facts} == {"Hebei"}
    assert {f.industry for f in facts} == {"C Manufacturing"}
    rows = approval.balance(facts)
    assert [(r.label, r.count, r.share) for r in rows["region"]] == [("Hebei", 3, 100.0)]
    assert [(r.label, r.count) for r in rows["gender"]] == [("Female", 2), ("Male", 1)]
    assert [(r.label, r.count) for r in rows["age"]] == [
        ("Under 35", 1),
        ("45–54", 1),
        ("55 and over", 1),
    ]
    charts = {c["key"]: c for c in approval.chart_data(rows)}
    assert charts["gender"]["kind"] == "pie"
    assert charts["gender"]["labels"] == ["Female", "Male"] and charts["gender"]["values"] == [2, 1]
    assert charts["age"]["labels"] == ["Under 35", "45–54", "55 and over"]


def test_balance_counts_and_shares(english):
    facts = [
        approval.Facts("Hebei", "C Manufacturing", "Male", 34),
        approval.Facts("Hebei", "C Manufacturing", "Female", 35),
        approval.Facts("Henan", "D Energy", "Male", 44),
        approval.Facts("Henan", "C Manufacturing", "Male", 45),
        approval.Facts("Beijing", "C Manufacturing", "Male", None),
    ]
    rows = approval.balance(facts)
    assert [(r.label, r.count, r.share) for r in rows["region"]] == [
        ("Hebei", 2, 40.0),
        ("Henan", 2, 40.0),
        ("Beijing", 1, 20.0),
    ]
    assert [(r.label, r.count) for r in rows["industry"]] == [
        ("C Manufacturing", 4),
        ("D Energy", 1),
    ]
    assert [(r.label, r.count) for r in rows["age"]] == [
        ("Under 35", 1),
        ("35–44", 2),
        ("45–54", 1),
        ("Not recorded", 1),
    ]
    assert approval.balance([])["region"] == []
