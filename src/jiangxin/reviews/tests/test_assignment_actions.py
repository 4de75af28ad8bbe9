"""The assignment stage through its actions: start → background solve → preview → pins and
forbids → execute; stale previews refused; recusal and replacement runs."""

from __future__ import annotations

import pytest
from django.utils import translation

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notifications.models import Notification
from jiangxin.people.models import Person
from jiangxin.reference.models import Industry, Region
from jiangxin.reviews.assignment import actions
from jiangxin.reviews.assignment.problem import RunParams, build_problem, describe_bottleneck
from jiangxin.reviews.models import (
    Assignment,
    AssignmentRun,
    Conflict,
    ExpertProfile,
    Invitation,
    ScoreSheet,
)
from tests.factories import (
    accept_invitation,
    make_accepted_nominations,
    make_campaign,
    make_expert,
    make_user,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

R = AssignmentRun.Status


def make_review(world, *, count=4, experts=4, people=None):  # type: ignore[no-untyped-def]
    """A national campaign in online review with `count` accepted nominations and `experts`
    accepted experts of the ACFTU pool."""
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: count}, target=count)
    people = people or [{"name": f"候选人{i + 1:02d}"} for i in range(count)]
    nominations = make_accepted_nominations(world, campaign, people)
    pool = [make_expert(world.acftu) for _ in range(experts)]
    for expert in pool:
        accept_invitation(campaign, expert)
    return campaign, nominations, pool


def solve(capture, **kwargs):  # type: ignore[no-untyped-def]
    """Start a run and let the (immediate) task solve it after commit."""
    with capture(execute=True):
        run = actions.do_start_assignment_run(**kwargs)
    run.refresh_from_db()
    return run


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    return make_review(world)


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


def _pairs(run):  # type: ignore[no-untyped-def]
    return {(p[0], p[1]) for p in run.result["pairs"]}


def test_a_run_solves_in_the_background_and_execute_writes_everything(
    world, review, officer, django_capture_on_commit_callbacks
):
    campaign, nominations, experts = review
    run = solve(
        django_capture_on_commit_callbacks, acting_user=officer, campaign_id=campaign.pk, k=2
    )
    assert run.status == R.SOLVED and run.progress == 100 and run.task_id
    pairs = _pairs(run)
    assert len(pairs) == 2 * len(nominations)
    per_expert = {e.pk: sum(1 for _n, x in pairs if x == e.pk) for e in experts}
    # Equal affinities: the load is spread evenly (8 reviews among 4 experts).
    assert sorted(per_expert.values()) == [2, 2, 2, 2]
    stats = run.result["stats"]
    assert stats["pairs"] == 8 and stats["k"] == 2 and stats["min"] is not None
    assert run.result["histogram"] == [[2, 4]]
    assert not Assignment.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        created = actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    assert len(created) == 8
    assert set(Assignment.objects.values_list("nomination_id", "expert_id")) == pairs
    assert ScoreSheet.objects.filter(status=ScoreSheet.Status.NOT_STARTED).count() == 8
    assert set(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).values_list(
            "status", flat=True
        )
    ) == {Nomination.Status.IN_REVIEW}
    assert NominationEvent.objects.filter(action="review_assigned").count() == 4
    run.refresh_from_db()
    assert run.status == R.EXECUTED and run.executed_at
    # Each expert is told once, with their own count.
    for expert in experts:
        notes = Notification.objects.filter(recipient=expert.user, kind="review.assigned")
        assert notes.count() == 1 and notes.get().params["count"] == 2
    assert AuditEvent.objects.filter(action="assignment.executed").count() == 1
    # Executing twice is refused.
    with pytest.raises(DomainError) as exc:
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    assert exc.value.rule == "assignment.not_solved"


def test_conflicts_are_never_assigned_and_limits_hold(
    world, review, officer, django_capture_on_commit_callbacks
):
    campaign, nominations, experts = review
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[0],
        nomination=nominations[0],
        kind=Conflict.Kind.COLLEAGUE,
        source=Conflict.Source.OFFICER,
        reason="同事",
    )
    Invitation.objects.filter(campaign=campaign, expert=experts[1]).update(max_load=1)
    run = solve(
        django_capture_on_commit_callbacks, acting_user=officer, campaign_id=campaign.pk, k=2
    )
    pairs = _pairs(run)
    assert (nominations[0].pk, experts[0].pk) not in pairs
    assert sum(1 for _n, e in pairs if e == experts[1].pk) <= 1
    loads = {row[0]: row for row in run.result["loads"]}
    assert loads[experts[1].pk][3] == 1  # L from the invitation


def test_infeasible_names_the_bottleneck_in_the_issue_format(
    world, officer, django_capture_on_commit_callbacks
):
    people = [{"name": f"候选人{i + 1:02d}"} for i in range(3)]
    campaign, nominations, experts = make_review(world, count=3, experts=2, people=people)
    car = Industry.objects.get(code="36")
    Person.objects.filter(pk__in=[n.person_id for n in nominations]).update(industry=car)
    experts[0].industries.add(car)
    run = solve(
        django_capture_on_commit_callbacks,
        acting_user=officer,
        campaign_id=campaign.pk,
        k=2,
        default_max_load=10,
        industry_required="division",
    )
    assert run.status == R.INFEASIBLE
    bottleneck = run.result["bottlenecks"][0]
    assert bottleneck["kind"] == "group" and bottleneck["label"] == "36"
    with translation.override("en"):
        assert describe_bottleneck(bottleneck) == (
            "C36 Manufacture of Automobiles: 1 available experts for 3 nominations with k = 2 "
            "and L = 10"
        )
    with translation.override("zh-hans"):
        assert describe_bottleneck(bottleneck) == (
            "C36 汽车制造业：1位可用专家对应3件推荐材料，k = 2，L = 10"
        )
    with pytest.raises(DomainError) as exc:
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    assert exc.value.rule == "assignment.not_solved"


def test_only_the_issuing_program_officers_run_the_assignment(world, review):
    campaign, _nominations, _experts = review
    for who in ("hebei_officer", "expert", "sjz_officer"):
        with pytest.raises(PermissionDenied):
            actions.do_start_assignment_run(acting_user=world.users[who], campaign_id=campaign.pk)
    hebei_program = make_user("hbprogram", role="program_officer", org=world.hebei)
    with pytest.raises(PermissionDenied):
        actions.do_start_assignment_run(acting_user=hebei_program, campaign_id=campaign.pk)


def test_one_run_at_a_time_and_cancel(world, review, officer):
    campaign, _nominations, _experts = review
    # Without running the on-commit enqueue the run stays queued.
    run = actions.do_start_assignment_run(acting_user=officer, campaign_id=campaign.pk, k=2)
    assert run.status == R.QUEUED
    with pytest.raises(DomainError) as exc:
        actions.do_start_assignment_run(acting_user=officer, campaign_id=campaign.pk, k=2)
    assert exc.value.rule == "assignment.busy"
    run = actions.do_cancel_assignment_run(acting_user=officer, run_id=run.pk)
    assert run.status == R.CANCELLED
    # A cancelled run is not picked up by a late worker.
    assert actions.process_assignment_run(run.pk) == R.CANCELLED


def test_a_cancel_request_stops_a_running_solve(world, review, officer):
    campaign, _nominations, _experts = review
    run = actions.do_start_assignment_run(acting_user=officer, campaign_id=campaign.pk, k=2)
    AssignmentRun.objects.filter(pk=run.pk).update(status=R.RUNNING)
    actions.do_cancel_assignment_run(acting_user=officer, run_id=run.pk)
    assert AssignmentRun.objects.get(pk=run.pk).cancel_requested
    AssignmentRun.objects.filter(pk=run.pk).update(status=R.QUEUED)
    assert actions.process_assignment_run(run.pk) == R.CANCELLED
    run.refresh_from_db()
    assert run.status == R.CANCELLED and run.finished_at and not run.result


def test_pins_and_forbids_are_kept_in_the_resolve(
    world, review, officer, django_capture_on_commit_callbacks
):
    campaign, nominations, experts = review
    run = solve(
        django_capture_on_commit_callbacks, acting_user=officer, campaign_id=campaign.pk, k=1
    )
    first = nominations[0].pk
    proposed = next(e for n, e in _pairs(run) if n == first)
    other = next(e.pk for e in experts if e.pk != proposed)
    actions.do_forbid_pair(
        acting_user=officer, run_id=run.pk, nomination_id=first, expert_id=proposed
    )
    actions.do_pin_pair(
        acting_user=officer, run_id=run.pk, nomination_id=nominations[1].pk, expert_id=other
    )
    run.refresh_from_db()
    assert actions.pending_changes(run)
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.do_resolve_assignment_run(acting_user=officer, run_id=run.pk)
    new.refresh_from_db()
    run.refresh_from_db()
    assert run.status == R.DISCARDED and new.status == R.SOLVED
    pairs = _pairs(new)
    assert (first, proposed) not in pairs
    assert (nominations[1].pk, other) in pairs
    pinned = [p for p in new.result["pairs"] if p[3]]
    assert [(p[0], p[1]) for p in pinned] == [(nominations[1].pk, other)]
    # A pin across a conflict is refused.
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[0],
        nomination=nominations[2],
        kind=Conflict.Kind.FAMILY,
        source=Conflict.Source.EXPERT,
        reason="亲属",
    )
    with pytest.raises(DomainError) as exc:
        actions.do_pin_pair(
            acting_user=officer,
            run_id=new.pk,
            nomination_id=nominations[2].pk,
            expert_id=experts[0].pk,
        )
    assert exc.value.rule == "assignment.pin_conflict"


def test_execute_refuses_a_stale_preview(
    world, review, officer, django_capture_on_commit_callbacks
):
    campaign, _nominations, experts = review
    run = solve(
        django_capture_on_commit_callbacks, acting_user=officer, campaign_id=campaign.pk, k=2
    )
    nomination_id, expert_id = sorted(_pairs(run))[0]
    conflict = Conflict.objects.create(
        campaign=campaign,
        expert_id=expert_id,
        nomination_id=nomination_id,
        kind=Conflict.Kind.CO_INVENTOR,
        source=Conflict.Source.UNIT,
        reason="共同发明人",
    )
    with pytest.raises(actions.ExecutionRefused) as exc, translation.override("en"):
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    assert exc.value.rule == "assignment.stale"
    assert any("conflict" in p for p in exc.value.problems)
    assert not Assignment.objects.exists()
    conflict.delete()
    declined = next(e for e in experts if any(x == e.pk for _n, x in _pairs(run)))
    Invitation.objects.filter(campaign=campaign, expert=declined).update(
        status=Invitation.Status.DECLINED
    )
    with pytest.raises(actions.ExecutionRefused) as exc, translation.override("en"):
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    assert any("no longer an accepted expert" in p for p in exc.value.problems)
    assert not Assignment.objects.exists()


def test_recusal_and_a_replacement_run_that_keeps_everything_else(
    world, officer, django_capture_on_commit_callbacks
):
    campaign, nominations, experts = make_review(world, count=4, experts=5)
    run = solve(
        django_capture_on_commit_callbacks, acting_user=officer, campaign_id=campaign.pk, k=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    before = set(Assignment.objects.values_list("pk", "nomination_id", "expert_id"))
    target = Assignment.objects.filter(nomination=nominations[0]).first()
    assert target is not None
    with pytest.raises(DomainError) as exc:
        actions.do_recuse_assignment(
            acting_user=target.expert.user, assignment_id=target.pk, reason=" "
        )
    assert exc.value.rule == "assignment.reason_required"
    stranger = experts[0].user if target.expert_id != experts[0].pk else experts[1].user
    if not Assignment.objects.filter(pk=target.pk, expert__user=stranger).exists():
        with pytest.raises(PermissionDenied):
            actions.do_recuse_assignment(acting_user=stranger, assignment_id=target.pk, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_recuse_assignment(
            acting_user=target.expert.user, assignment_id=target.pk, reason="与被推荐人曾是同事"
        )
    target.refresh_from_db()
    assert target.status == Assignment.Status.RECUSED and target.ended_at
    assert Notification.objects.filter(recipient=officer, kind="review.recused").exists()
    assert actions.short_nominations(campaign) == {nominations[0].pk: 1}

    with django_capture_on_commit_callbacks(execute=True):
        replacement = actions.do_start_replacement_run(acting_user=officer, campaign_id=campaign.pk)
    replacement.refresh_from_db()
    assert replacement.status == R.SOLVED and replacement.is_replacement
    assert replacement.params["k"] == 2  # the executed assignment's k, not the policy's 5
    new_pairs = _pairs(replacement)
    assert len(new_pairs) == 1
    ((nid, eid),) = new_pairs
    assert nid == nominations[0].pk
    on_it = set(
        Assignment.objects.filter(nomination=nominations[0]).values_list("expert_id", flat=True)
    )
    assert eid not in on_it  # not the recused expert, nor the one still on it
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_execute_assignment_run(acting_user=officer, run_id=replacement.pk)
    after = set(Assignment.objects.values_list("pk", "nomination_id", "expert_id"))
    assert before <= after and len(after - before) == 1
    assert actions.short_nominations(campaign) == {}
    assert Assignment.objects.filter(nomination=nominations[0], status="active").count() == 2


def test_problem_reads_limits_loads_and_provinces(
    world, review, django_capture_on_commit_callbacks, officer
):
    campaign, nominations, experts = review
    hebei = Region.objects.get(code="130000")
    henan = Region.objects.get(code="410000")
    from jiangxin.orgs.models import Organization

    Organization.objects.filter(pk=world.hebei.pk).update(region=hebei)
    ExpertProfile.objects.filter(pk=experts[0].pk).update(region=henan)
    ExpertProfile.objects.filter(pk=experts[1].pk).update(region=hebei, default_max_load=7)
    Invitation.objects.filter(campaign=campaign, expert=experts[2]).update(max_load=3)
    params = RunParams(k=2, default_max_load=9, outside_province=True)
    problem = build_problem(campaign, params)
    assert problem.max_load.tolist() == [9, 7, 3, 9]
    assert problem.outside is not None
    # Hebei nominees: only the Henan expert counts as outside (unknown provinces do not).
    assert problem.outside[:, 0].all() and not problem.outside[:, 1:].any()
    run = solve(
        django_capture_on_commit_callbacks,
        acting_user=officer,
        campaign_id=campaign.pk,
        k=2,
        outside_province=True,
    )
    assert run.status == R.SOLVED
    for nomination in nominations:
        assert (nomination.pk, experts[0].pk) in _pairs(run)


def test_pins_override_the_industry_requirement_but_never_a_conflict(world, review):
    campaign, nominations, experts = review
    Conflict.objects.create(
        campaign=campaign,
        expert=experts[1],
        nomination=nominations[1],
        kind=Conflict.Kind.SAME_EMPLOYER,
        source=Conflict.Source.COMPUTED,
        reason="同一单位",
    )
    params = RunParams(
        k=1,
        default_max_load=5,
        industry_required="division",
        pins=[(nominations[0].pk, experts[0].pk), (nominations[1].pk, experts[1].pk)],
    )
    problem = build_problem(campaign, params)
    # Nobody's industry matches (the experts list none), except where the officer pinned.
    assert problem.allowed.sum() == 1 and problem.allowed[0, 0]
    assert problem.pins == [(0, 0)]
    assert problem.dropped_pins == [(nominations[1].pk, experts[1].pk)]
