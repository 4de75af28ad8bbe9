"""The nomination lifecycle through its actions: drafting, submission up the chain, quota,
returns, withdrawal and the format check."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.accounts.models import Role
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.nominations import actions
from jiangxin.nominations.models import EndorsementStep, Nomination, NominationEvent
from jiangxin.nominations.quota import forwarded_count
from jiangxin.notifications.models import Notification
from jiangxin.programs import actions as program_actions
from jiangxin.programs.models import Campaign
from tests.factories import (
    fill_nomination,
    make_campaign,
    make_nomination,
    make_person,
    make_user,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status


@pytest.fixture
def national(world):  # type: ignore[no-untyped-def]
    """A deployed national campaign: Hebei 2 slots (cap 3), Henan 1 slot (cap 1)."""
    return make_campaign(
        world.users["program_officer"],
        world.acftu,
        allocations={world.hebei: 2, world.henan: 1},
    )


def test_submission_goes_up_the_chain_to_the_format_check(world, national):
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise)
    assert n.status == S.SUBMITTED
    assert n.current_level == world.shijiazhuang
    steps = list(n.steps.order_by("position"))
    assert [s.organization for s in steps] == [world.shijiazhuang, world.hebei]
    assert [s.status for s in steps] == ["pending", "waiting"]
    assert n.eligibility and all(
        v["outcome"] == "pass" for v in n.eligibility if v["severity"] == "hard"
    )
    # The city officer is told.
    assert Notification.objects.filter(
        recipient=world.users["sjz_officer"], kind="nomination.awaiting_endorsement"
    ).exists()

    n = actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="同意推荐"
    )
    assert n.status == S.SUBMITTED and n.current_level == world.hebei
    n = actions.do_endorse_nomination(
        acting_user=world.users["hebei_officer"], nomination_id=n.pk, opinion="同意上报"
    )
    assert n.status == S.ENDORSED and n.current_level == world.acftu
    assert list(n.events.values_list("action", flat=True)) == [
        "started",
        "person_set",
        "statements_saved",
        "opinion_saved",
        "submitted",
        "endorsed",
        "endorsed",
    ]


def test_only_the_officers_of_the_current_level_endorse(world, national):
    n = make_nomination(
        world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise
    )
    for who in ("hebei_officer", "henan_officer", "program_officer", "hebei_clerk"):
        with pytest.raises(PermissionDenied) as exc:
            actions.do_endorse_nomination(
                acting_user=world.users[who], nomination_id=n.pk, opinion="x"
            )
        assert exc.value.rule == "nomination.endorse_level"
    other_city = make_user("zzofficer", role=Role.RECOMMENDING_OFFICER, org=world.zhengzhou)
    with pytest.raises(PermissionDenied):
        actions.do_endorse_nomination(acting_user=other_city, nomination_id=n.pk, opinion="x")


def test_a_return_goes_back_to_the_unit_and_the_chain_restarts(world, national):
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise)
    actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="ok"
    )
    with pytest.raises(DomainError) as exc:
        actions.do_return_nomination(
            acting_user=world.users["hebei_officer"], nomination_id=n.pk, comment=" "
        )
    assert exc.value.rule == "nomination.comment_required"
    n = actions.do_return_nomination(
        acting_user=world.users["hebei_officer"], nomination_id=n.pk, comment="请补充攻关项目材料"
    )
    assert n.status == S.RETURNED and n.return_stage == "chain"
    assert n.returned_by == world.hebei and n.current_level is None
    assert Notification.objects.filter(recipient=clerk, kind="nomination.returned").exists()
    # Editable again, and a new submission starts from the city.
    actions.do_save_opinion(
        acting_user=clerk, nomination_id=n.pk, values={"unit_opinion": "同意推荐（已补充）"}
    )
    n = actions.do_submit_nomination(acting_user=clerk, nomination_id=n.pk)
    assert n.chain_round == 2 and n.current_level == world.shijiazhuang
    old = EndorsementStep.objects.filter(nomination=n, round=1).order_by("position")
    assert [s.status for s in old] == ["approved", "returned"]


def test_hard_failures_block_submission_with_every_reason(world, national):
    clerk = world.users["hebei_clerk"]
    person = make_person(
        clerk, world.hebei_enterprise, union=world.hebei_union, frontline_from=dt.date(2022, 1, 1)
    )
    n = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    actions.do_set_person(acting_user=clerk, nomination_id=n.pk, person_id=person.pk)
    with pytest.raises(actions.SubmissionBlocked) as exc:
        actions.do_submit_nomination(acting_user=clerk, nomination_id=n.pk)
    codes = [code for code, _ in exc.value.problems]
    assert "nomination.statement_length" in codes
    assert "nomination.consent" in codes
    assert "eligibility.frontline-5-years" in codes
    assert "eligibility.political-quality" in codes
    assert Nomination.objects.get(pk=n.pk).status == S.DRAFT


def test_the_same_person_once_per_campaign(world, national):
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, submit=False)
    second = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    with pytest.raises(DomainError) as exc:
        actions.do_set_person(acting_user=clerk, nomination_id=second.pk, person_id=n.person_id)
    assert exc.value.rule == "nomination.duplicate_person"
    # After a withdrawal the person may be nominated again.
    actions.do_withdraw_nomination(acting_user=clerk, nomination_id=n.pk, reason="录入错误")
    actions.do_set_person(acting_user=clerk, nomination_id=second.pk, person_id=n.person_id)


def test_quota_is_enforced_at_each_level(world, national):
    """Hebei has 2 slots × 1.5 = cap 3; a fourth endorsement at the province is refused."""
    clerk = world.users["hebei_clerk"]
    nominations = [
        make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, name=f"张{i}")
        for i in range(4)
    ]
    for n in nominations:
        actions.do_endorse_nomination(
            acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="同意"
        )
    for n in nominations[:3]:
        actions.do_endorse_nomination(
            acting_user=world.users["hebei_officer"], nomination_id=n.pk, opinion="同意"
        )
    assert forwarded_count(national, world.hebei) == 3
    with pytest.raises(DomainError) as exc:
        actions.do_endorse_nomination(
            acting_user=world.users["hebei_officer"],
            nomination_id=nominations[3].pk,
            opinion="同意",
        )
    assert exc.value.rule == "quota.exhausted"
    assert "3" in str(exc.value)
    # Withdrawing one frees its slot.
    actions.do_withdraw_nomination(
        acting_user=world.users["program_officer"],
        nomination_id=nominations[0].pk,
        reason="本人申请",
    )
    actions.do_endorse_nomination(
        acting_user=world.users["hebei_officer"], nomination_id=nominations[3].pk, opinion="同意"
    )


def test_sub_allocation_caps_the_city_and_is_checked_against_use(world, national):
    allocation = national.allocations.get(organization=world.hebei)
    program_actions.do_set_allocations(
        acting_user=world.users["hebei_officer"],
        campaign_id=national.pk,
        parent_allocation_id=allocation.pk,
        rows=[program_actions.AllocationRow(organization_id=world.shijiazhuang.pk, slots=1)],
    )
    clerk = world.users["hebei_clerk"]
    first = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, name="甲")
    second = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, name="乙")
    actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=first.pk, opinion="同意"
    )
    with pytest.raises(DomainError) as exc:
        actions.do_endorse_nomination(
            acting_user=world.users["sjz_officer"], nomination_id=second.pk, opinion="同意"
        )
    assert exc.value.rule == "quota.exhausted"
    # The split cannot go below what the city has already put forward.
    with pytest.raises(DomainError) as exc:
        program_actions.do_set_allocations(
            acting_user=world.users["hebei_officer"],
            campaign_id=national.pk,
            parent_allocation_id=allocation.pk,
            rows=[program_actions.AllocationRow(organization_id=world.shijiazhuang.pk, slots=0)],
        )
    assert exc.value.rule == "quota.below_used"


def test_units_without_quota_cannot_nominate(world):
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.henan: 1}
    )
    with pytest.raises(DomainError) as exc:
        actions.do_start_nomination(
            acting_user=world.users["hebei_clerk"],
            campaign_id=campaign.pk,
            nominating_unit_id=world.hebei_union.pk,
        )
    assert exc.value.rule == "nomination.no_quota"


def _to_format_check(world, campaign):  # type: ignore[no-untyped-def]
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, campaign, world.hebei_union, world.hebei_enterprise)
    actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="同意"
    )
    actions.do_endorse_nomination(
        acting_user=world.users["hebei_officer"], nomination_id=n.pk, opinion="同意"
    )
    officer = world.users["program_officer"]
    program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    return n


CHECKED = {
    "complete": True,
    "attachments_legible": True,
    "attestation_present": True,
    "eligibility_confirmed": True,
}


def test_format_check_accept_and_close(world, national):
    n = _to_format_check(world, national)
    officer = world.users["program_officer"]
    with pytest.raises(DomainError) as exc:
        program_actions  # noqa: B018
        actions.do_close_format_check(acting_user=officer, campaign_id=national.pk)
    assert exc.value.rule == "format_check.undecided"
    with pytest.raises(DomainError) as exc:
        actions.do_decide_format_check(
            acting_user=officer, nomination_id=n.pk, decision="accept", checklist={"complete": True}
        )
    assert exc.value.rule == "format_check.checklist"
    n = actions.do_decide_format_check(
        acting_user=officer, nomination_id=n.pk, decision="accept", checklist=CHECKED
    )
    assert n.status == S.ACCEPTED
    campaign = actions.do_close_format_check(acting_user=officer, campaign_id=national.pk)
    assert campaign.status == Campaign.Status.ONLINE_REVIEW


def test_format_check_return_goes_straight_back_to_the_check(world, national):
    n = _to_format_check(world, national)
    officer = world.users["program_officer"]
    with pytest.raises(DomainError) as exc:
        actions.do_decide_format_check(
            acting_user=officer,
            nomination_id=n.pk,
            decision="return",
            checklist={},
            rule_code="format.illegible",
            reason="扫描件不清晰",
        )
    assert exc.value.rule == "format_check.deadline"
    n = actions.do_decide_format_check(
        acting_user=officer,
        nomination_id=n.pk,
        decision="return",
        checklist={},
        rule_code="format.illegible",
        reason="扫描件不清晰",
        return_deadline=dt.date(2026, 7, 24),
    )
    assert n.status == S.RETURNED and n.return_stage == "format_check"
    # It keeps its quota slots while it is being corrected.
    assert forwarded_count(national, world.hebei) == 1
    clerk = world.users["hebei_clerk"]
    n = actions.do_submit_nomination(acting_user=clerk, nomination_id=n.pk)
    assert n.status == S.ENDORSED and n.chain_round == 1
    n = actions.do_decide_format_check(
        acting_user=officer, nomination_id=n.pk, decision="accept", checklist=CHECKED
    )
    assert list(n.format_checks.values_list("round", "decision")) == [(1, "return"), (2, "accept")]


def test_format_check_reject_cites_a_rule(world, national):
    n = _to_format_check(world, national)
    officer = world.users["program_officer"]
    with pytest.raises(DomainError) as exc:
        actions.do_decide_format_check(
            acting_user=officer,
            nomination_id=n.pk,
            decision="reject",
            checklist={},
            rule_code="made-up",
            reason="x",
        )
    assert exc.value.rule == "format_check.rule_required"
    n = actions.do_decide_format_check(
        acting_user=officer,
        nomination_id=n.pk,
        decision="reject",
        checklist={},
        rule_code="eligibility.frontline-5-years",
        reason="一线经历不足",
    )
    assert n.status == S.REJECTED
    assert forwarded_count(national, world.hebei) == 0
    event = NominationEvent.objects.filter(nomination=n, action="format_check_reject").get()
    assert event.data["rule"] == "eligibility.frontline-5-years"


def test_drafts_keep_raw_input_but_not_personal_numbers(world, national):
    clerk = world.users["hebei_clerk"]
    n = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    n = actions.do_save_draft_input(
        acting_user=clerk,
        nomination_id=n.pk,
        step="person",
        data={"name": "王五", "id_number": "130102197805170011", "csrfmiddlewaretoken": "x"},
    )
    assert n.draft_data == {"person": {"name": "王五"}}


def test_withdrawal_needs_a_reason_and_happens_before_review(world, national):
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise)
    with pytest.raises(DomainError) as exc:
        actions.do_withdraw_nomination(acting_user=clerk, nomination_id=n.pk, reason="")
    assert exc.value.rule == "nomination.reason_required"
    with pytest.raises(PermissionDenied):
        actions.do_withdraw_nomination(
            acting_user=world.users["henan_officer"], nomination_id=n.pk, reason="x"
        )
    n = actions.do_withdraw_nomination(acting_user=clerk, nomination_id=n.pk, reason="本人申请退出")
    assert n.status == S.WITHDRAWN
    assert not n.steps.filter(status__in=["pending", "waiting"]).exists()


def test_no_editing_after_recommendation_closes(world, national):
    clerk = world.users["hebei_clerk"]
    n = make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, submit=False)
    program_actions.do_close_recommendation(
        acting_user=world.users["program_officer"], campaign_id=national.pk
    )
    with pytest.raises(DomainError) as exc:
        fill_nomination(clerk, n)
    assert exc.value.rule == "nomination.recommendation_closed"
