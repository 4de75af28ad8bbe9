"""Conflicts of interest: every computed kind is found (and only when it holds), recomputing is
idempotent and leaves declared rows alone, declarations by the expert, the unit and the
officer, and a conflicted expert never reaches the nomination."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.accounts.models import Role
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.notifications.models import Notification
from jiangxin.orgs.models import Organization
from jiangxin.people.models import Apprentice
from jiangxin.reviews import conflicts, pool
from jiangxin.reviews.models import Assignment, Conflict
from jiangxin.reviews.selectors import assignments_for_expert
from tests.factories import (
    invite,
    invite_and_accept,
    make_accepted_nominations,
    make_campaign,
    make_org,
    make_pool_expert,
    make_user,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

K = Conflict.Kind
SRC = Conflict.Source
OK = Organization.Kind


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    """A national campaign in the online review with two accepted nominations of the Hebei
    enterprise union (石家庄钢铁, under 石家庄, under Hebei)."""
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 2})
    nominations = make_accepted_nominations(
        world, campaign, [{"name": "张建华"}, {"name": "李明辉"}]
    )
    return campaign, nominations


def _invited(world, campaign, **expert_kw):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    expert = make_pool_expert(officer, world.acftu, **expert_kw)
    invite(officer, campaign, expert)
    return expert


def _kinds(expert, nomination) -> set[str]:  # type: ignore[no-untyped-def]
    return set(
        Conflict.objects.filter(
            expert=expert, nomination=nomination, source=SRC.COMPUTED
        ).values_list("kind", flat=True)
    )


# --- Computed kinds ---------------------------------------------------------------------------


def test_same_employer_and_its_parts(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    at_employer = _invited(world, campaign, organization=world.hebei_enterprise)
    at_union = _invited(world, campaign, organization=world.hebei_union)
    group = make_org(world.shijiazhuang, "河钢集团", OK.ENTERPRISE)
    # A nominee's employer under a group enterprise: the group's expert is the same employer.
    elsewhere = _invited(world, campaign, organization=group, employer_name="河钢集团")
    assert K.SAME_EMPLOYER in _kinds(at_employer, n1)
    assert K.SAME_EMPLOYER in _kinds(at_union, n1)  # a part (the union) of the employer
    assert K.SAME_EMPLOYER not in _kinds(elsewhere, n1)  # a sibling enterprise is not
    reason = Conflict.objects.get(expert=at_employer, nomination=n1, kind=K.SAME_EMPLOYER).reason
    assert "石家庄钢铁有限责任公司" in reason
    # Colleague is not counted again when the same employer holds.
    assert K.COLLEAGUE not in _kinds(at_employer, n1)


def test_same_employer_through_the_enterprise_above(world):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    group = make_org(world.shijiazhuang, "冀中能源集团", OK.ENTERPRISE)
    plant = make_org(group, "冀中能源一厂", OK.ENTERPRISE)
    plant_union = make_org(plant, "冀中能源一厂工会", OK.ENTERPRISE_UNION)
    clerk = make_user(role=Role.UNIT_CLERK, org=plant_union)
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 1})
    from jiangxin.nominations import actions as nomination_actions
    from jiangxin.programs import actions as program_actions
    from tests.factories import CHECKED_FORMAT, make_nomination

    n = make_nomination(clerk, campaign, plant_union, plant)
    for who in ("sjz_officer", "hebei_officer"):
        nomination_actions.do_endorse_nomination(
            acting_user=world.users[who], nomination_id=n.pk, opinion="同意"
        )
    program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    nomination_actions.do_decide_format_check(
        acting_user=officer, nomination_id=n.pk, decision="accept", checklist=CHECKED_FORMAT
    )
    expert = _invited(world, campaign, organization=group, employer_name="冀中能源集团")
    assert K.SAME_EMPLOYER in _kinds(expert, n)


def test_same_enterprise_union(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    unionist = _invited(world, campaign, organization=world.hebei_union)
    other = _invited(world, campaign, organization=world.henan_enterprise)
    assert K.SAME_UNION in _kinds(unionist, n1)
    assert K.SAME_UNION not in _kinds(other, n1)
    assert (
        "石家庄钢铁有限责任公司工会"
        in Conflict.objects.get(expert=unionist, kind=K.SAME_UNION, nomination=n1).reason
    )


def test_same_recommending_chain_up_to_the_city(world, review, monkeypatch):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    same_city = make_org(world.shijiazhuang, "石家庄机床厂", OK.ENTERPRISE)
    baoding = make_org(world.hebei, "保定市总工会", OK.CITY_FEDERATION)
    other_city = make_org(baoding, "保定变压器厂", OK.ENTERPRISE)
    city_expert = _invited(world, campaign, organization=same_city, employer_name="石家庄机床厂")
    federation_expert = _invited(world, campaign, organization=world.shijiazhuang)
    province_expert = _invited(
        world, campaign, organization=other_city, employer_name="保定变压器厂"
    )
    henan_expert = _invited(world, campaign, organization=world.henan_enterprise)
    assert _kinds(city_expert, n1) == {K.SAME_CHAIN}
    assert "石家庄市总工会" in Conflict.objects.get(expert=city_expert, nomination=n1).reason
    assert K.SAME_CHAIN in _kinds(federation_expert, n1)
    assert _kinds(province_expert, n1) == set()  # another city of the same province
    assert _kinds(henan_expert, n1) == set()
    # A policy asking for the provincial level catches the other city too.
    monkeypatch.setattr(conflicts, "CHAIN_LEVEL", "province")
    conflicts.compute_conflicts(campaign)
    assert _kinds(province_expert, n1) == {K.SAME_CHAIN}
    assert _kinds(henan_expert, n1) == set()
    monkeypatch.setattr(conflicts, "CHAIN_LEVEL", "none")
    conflicts.compute_conflicts(campaign)
    assert _kinds(city_expert, n1) == set()


def test_the_issuing_level_is_never_a_shared_chain(world):  # type: ignore[no-untyped-def]
    """In Hebei's own campaign everybody is under Hebei: only the city counts."""
    hebei_po = make_user(role=Role.PROGRAM_OFFICER, org=world.hebei)
    campaign = make_campaign(
        hebei_po, world.hebei, tier="provincial", allocations={world.shijiazhuang: 1}
    )
    from jiangxin.nominations import actions as nomination_actions
    from jiangxin.programs import actions as program_actions
    from tests.factories import CHECKED_FORMAT, make_nomination

    n = make_nomination(
        world.users["hebei_clerk"], campaign, world.hebei_union, world.hebei_enterprise
    )
    nomination_actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="同意"
    )
    program_actions.do_close_recommendation(acting_user=hebei_po, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=hebei_po, campaign_id=campaign.pk)
    nomination_actions.do_decide_format_check(
        acting_user=hebei_po, nomination_id=n.pk, decision="accept", checklist=CHECKED_FORMAT
    )
    baoding = make_org(world.hebei, "保定市总工会", OK.CITY_FEDERATION)
    expert = make_pool_expert(hebei_po, world.hebei, organization=baoding, tiers=["provincial"])
    invite(hebei_po, campaign, expert)
    assert _kinds(expert, n) == set()


def test_past_or_present_colleague_by_name_or_organization(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    by_name = _invited(
        world,
        campaign,
        employment=[
            pool.EmploymentRow(
                employer_name="石家庄钢铁有限公司",  # legal form differs from the record
                start=dt.date(1998, 7, 1),
                end=dt.date(2008, 6, 30),
            )
        ],
    )
    by_org = _invited(
        world,
        campaign,
        employment=[
            pool.EmploymentRow(
                employer_name="石钢",
                organization_id=world.hebei_enterprise.pk,
                start=dt.date(2000, 1, 1),
                end=dt.date(2010, 1, 1),
            )
        ],
    )
    stranger = _invited(
        world,
        campaign,
        employment=[pool.EmploymentRow(employer_name="唐山钢铁有限公司", end=dt.date(2010, 1, 1))],
    )
    assert _kinds(by_name, n1) == {K.COLLEAGUE}
    assert _kinds(by_org, n1) == {K.COLLEAGUE}  # a past employment is no same-employer
    assert _kinds(stranger, n1) == set()
    assert "石家庄钢铁有限公司" in Conflict.objects.get(expert=by_name, nomination=n1).reason


def test_teacher_and_apprentice_from_the_record(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, n2) = review
    # The record is frozen once submitted; the apprentice was entered before (written here
    # directly for brevity).
    Apprentice.objects.create(person=n1.person, name="赵 志刚", since_year=2012)
    teacher_of = _invited(world, campaign, full_name="赵志刚")
    assert _kinds(teacher_of, n1) == {K.TEACHER_APPRENTICE}
    assert _kinds(teacher_of, n2) == set()


def test_an_unrelated_expert_has_no_conflict(world, review):  # type: ignore[no-untyped-def]
    campaign, nominations = review
    expert = _invited(world, campaign, organization=world.henan_enterprise)
    assert not Conflict.objects.filter(expert=expert).exists()
    assert all(_kinds(expert, n) == set() for n in nominations)


# --- Recomputing ------------------------------------------------------------------------------


def test_recompute_is_idempotent_and_keeps_declared_rows(world, review):  # type: ignore[no-untyped-def]
    campaign, (_n1, n2) = review
    officer = world.users["program_officer"]
    expert = _invited(world, campaign, organization=world.hebei_enterprise)
    computed = set(Conflict.objects.filter(expert=expert).values_list("pk", "kind"))
    assert computed
    again = conflicts.compute_conflicts(campaign)
    assert (again.added, again.removed) == (0, 0)
    assert set(Conflict.objects.filter(expert=expert).values_list("pk", "kind")) == computed

    declared = conflicts.do_record_conflict(
        acting_user=officer,
        campaign_id=campaign.pk,
        expert_id=expert.pk,
        nomination_id=n2.pk,
        kind=K.FAMILY,
        reason="与被推荐人系表兄弟",
    )
    # The expert moves to Henan: the computed rows go, the declared one stays.
    pool.do_update_expert(
        acting_user=officer,
        expert_id=expert.pk,
        fields={"organization": world.henan_enterprise, "employer_name": "郑煤机"},
    )
    result = conflicts.do_recompute_conflicts(acting_user=officer, campaign_id=campaign.pk)
    assert result.removed == len(computed) and result.added == 0
    assert list(Conflict.objects.filter(expert=expert)) == [declared]
    assert AuditEvent.objects.filter(action="conflict.recomputed").count() == 1


def test_declining_removes_the_computed_rows(world, review):  # type: ignore[no-untyped-def]
    campaign, (_n1, _n2) = review
    officer = world.users["program_officer"]
    expert = make_pool_expert(officer, world.acftu, organization=world.hebei_enterprise)
    issued = invite(officer, campaign, expert)
    assert Conflict.objects.filter(expert=expert).exists()
    pool.do_decline_invitation(token=issued.token, reason="近期出国")
    assert not Conflict.objects.filter(expert=expert).exists()


def test_only_officers_of_the_campaign_recompute(world, review):  # type: ignore[no-untyped-def]
    campaign, _ = review
    with pytest.raises(PermissionDenied):
        conflicts.do_recompute_conflicts(
            acting_user=world.users["hebei_officer"], campaign_id=campaign.pk
        )


# --- Declarations -----------------------------------------------------------------------------


def test_expert_declares_and_no_longer_sees_the_nominee(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, n2) = review
    officer = world.users["program_officer"]
    expert = make_pool_expert(officer, world.acftu)
    invite_and_accept(officer, campaign, expert)
    user = expert.user
    assert set(conflicts.declarable_nominations(expert, campaign)) == {n1, n2}
    conflict = conflicts.do_declare_own_conflict(
        acting_user=user,
        campaign_id=campaign.pk,
        nomination_id=n1.pk,
        kind=K.CO_INVENTOR,
        reason="共同持有一项发明专利，联系电话13812345678",
    )
    assert conflict.source == SRC.EXPERT and conflict.declared_by == user
    assert "13812345678" not in conflict.reason  # free text is stored masked
    assert list(conflicts.declarable_nominations(expert, campaign)) == [n2]
    with pytest.raises(DomainError) as exc:
        conflicts.do_declare_own_conflict(
            acting_user=user, campaign_id=campaign.pk, nomination_id=n2.pk, kind=K.OTHER, reason=""
        )
    assert exc.value.rule == "conflict.reason_required"


def test_an_uninvited_expert_cannot_declare(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    expert = make_pool_expert(world.users["program_officer"], world.acftu)
    with pytest.raises(PermissionDenied):
        conflicts.do_declare_own_conflict(
            acting_user=expert.user,
            campaign_id=campaign.pk,
            nomination_id=n1.pk,
            kind=K.FAMILY,
            reason="亲属",
        )


def test_unit_asks_to_avoid_an_expert_by_name(world, review):  # type: ignore[no-untyped-def]
    _campaign, (n1, _n2) = review
    officer, clerk = world.users["program_officer"], world.users["hebei_clerk"]
    wang = make_pool_expert(officer, world.acftu, full_name="王立新", employer_name="燕山大学")
    namesake = make_pool_expert(officer, world.acftu, full_name="王立新", employer_name="天津大学")
    matched = conflicts.do_request_avoidance(
        acting_user=clerk,
        nomination_id=n1.pk,
        expert_name="王 立新",
        employer_name="燕山大学",
        kind=K.OTHER,
        reason="曾与被推荐人存在技术纠纷",
    )
    assert matched == 1
    row = Conflict.objects.get(expert=wang, nomination=n1)
    assert row.source == SRC.UNIT and "技术纠纷" in row.reason and row.declared_by == clerk
    assert not Conflict.objects.filter(expert=namesake).exists()
    # Nobody of that name: nothing recorded, the officers are told all the same.
    assert (
        conflicts.do_request_avoidance(
            acting_user=clerk, nomination_id=n1.pk, expert_name="钱某某", reason="亲属关系"
        )
        == 0
    )
    assert (
        Notification.objects.filter(recipient=officer, kind="review.avoidance_requested").count()
        == 2
    )
    with pytest.raises(PermissionDenied):
        conflicts.do_request_avoidance(
            acting_user=world.users["henan_officer"],
            nomination_id=n1.pk,
            expert_name="王立新",
            reason="无关单位",
        )


def test_officer_removes_declared_but_not_computed(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    officer = world.users["program_officer"]
    expert = _invited(world, campaign, organization=world.hebei_enterprise)
    computed = Conflict.objects.filter(expert=expert, source=SRC.COMPUTED).first()
    with pytest.raises(DomainError) as exc:
        conflicts.do_remove_conflict(acting_user=officer, conflict_id=computed.pk, reason="误判")
    assert exc.value.rule == "conflict.computed"
    declared = conflicts.do_record_conflict(
        acting_user=officer,
        campaign_id=campaign.pk,
        expert_id=expert.pk,
        nomination_id=n1.pk,
        kind=K.FAMILY,
        reason="夫妻关系",
    )
    conflicts.do_remove_conflict(
        acting_user=officer, conflict_id=declared.pk, reason="经核实无此关系"
    )
    assert not Conflict.objects.filter(pk=declared.pk).exists()
    event = AuditEvent.objects.get(action="conflict.removed")
    assert event.summary["before"]["reason"] == "夫妻关系"


# --- Never by any route -----------------------------------------------------------------------


def test_assignments_for_expert_excludes_a_conflicted_nomination(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, n2) = review
    officer = world.users["program_officer"]
    expert = make_pool_expert(officer, world.acftu)
    invite_and_accept(officer, campaign, expert)
    for n in (n1, n2):
        Assignment.objects.create(campaign=campaign, nomination=n, expert=expert)
    assert {a.nomination_id for a in assignments_for_expert(expert.user)} == {n1.pk, n2.pk}
    conflicts.do_declare_own_conflict(
        acting_user=expert.user,
        campaign_id=campaign.pk,
        nomination_id=n1.pk,
        kind=K.FAMILY,
        reason="表亲",
    )
    assert {a.nomination_id for a in assignments_for_expert(expert.user)} == {n2.pk}
    # The officers are told that an assigned pair became conflicted.
    assert Notification.objects.filter(
        recipient=officer, kind="review.conflict_on_assignment"
    ).exists()


# --- The report -------------------------------------------------------------------------------


def test_report_counts_kinds_and_finds_the_nominations_short_of_experts(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2) = review
    officer = world.users["program_officer"]
    for org in (world.hebei_enterprise, world.henan_enterprise, world.henan_enterprise):
        expert = make_pool_expert(officer, world.acftu, organization=org)
        invite_and_accept(officer, campaign, expert)
    report = conflicts.conflict_report(campaign)
    kinds = dict((str(label), count) for label, count in report.by_kind)
    assert kinds[str(K.SAME_EMPLOYER.label)] == 2  # one expert × two nominations
    assert report.needed == campaign.policy_version.reviewers_per_nomination
    rows = {r.nomination.pk: r for r in report.coverage}
    assert rows[n1.pk].accepted == 3 and rows[n1.pk].free == 2 and rows[n1.pk].conflicted == 1
    assert rows[n1.pk].short  # 2 free experts < k
    assert report.short_count == 2
