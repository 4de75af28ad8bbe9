"""Every write of the assignment stage: parse → preview → execute, then recusals and
replacements.

- `do_start_assignment_run` records what is asked and enqueues the solve after commit
  (`tasks.solve_assignment_run` → `process_assignment_run`, which updates the progress,
  honours a cancel request between phases and stores the preview in `AssignmentRun.result`).
- The officer pins or forbids pairs on a preview (`do_pin_pair`, `do_forbid_pair`,
  `do_release_pair`: kept in the run's `params["next"]`) and re-solves
  (`do_resolve_assignment_run`: a new run).
- `do_execute_assignment_run` writes every assignment in one transaction, after checking that
  nothing the solve relied on has changed (a conflict recorded on a proposed pair, an
  invitation no longer accepted, a nomination or an expert's load that moved).
- `do_recuse_assignment` (an expert, or the officer for them, e.g. on a conflict found
  later) and `do_end_expert_assignments` (an expert who can no longer review) end
  assignments; `do_start_replacement_run` re-solves only the nominations left short,
  keeping every other assignment as it is.

Lock order: the campaign row, then the run row, then nominations and assignments; the audit
chain head last (taken by `record_event`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_numbers_in
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notifications.actions import notify
from jiangxin.programs.models import Campaign
from jiangxin.programs.selectors import program_officers_of
from jiangxin.reviews import rules
from jiangxin.reviews.assignment import problem as problem_mod
from jiangxin.reviews.assignment import solver
from jiangxin.reviews.assignment.problem import RunParams
from jiangxin.reviews.models import (
    Assignment,
    AssignmentRun,
    Conflict,
    ExpertProfile,
    Invitation,
    ScoreSheet,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jiangxin.accounts.models import User

logger = logging.getLogger("jiangxin.reviews.assignment")

R = AssignmentRun.Status
#: Runs still being worked on (at most one per campaign at a time).
BUSY = (R.QUEUED, R.RUNNING)
#: Runs showing a preview the officer may act on.
PREVIEW = (R.SOLVED, R.INFEASIBLE)
#: Runs that may be discarded.
DISCARDABLE = (R.SOLVED, R.INFEASIBLE, R.FAILED, R.CANCELLED)
#: Progress (%) at the start of each phase of a solve.
PHASES = {"read": 5, "check": 30, "build": 40, "solve": 55, "extract": 90, "store": 95}
MAX_REASON_CHARS = 2000


class ExecutionRefused(DomainError):
    """The data changed since the solve; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "assignment.stale",
            _(
                "The data changed since this assignment was solved (%(first)s). Re-solve to "
                "get a valid assignment."
            )
            % {"first": problems[0]},
        )
        self.problems = problems


# --- Helpers ----------------------------------------------------------------------------------


def _lock_campaign(acting_user: User | None, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )
    if acting_user is not None and not rules.can_manage_review(acting_user, campaign):
        raise PermissionDenied(
            "review.manage",
            _("Only a program officer of the issuing organization runs this review."),
        )
    return campaign


def _require_online_review(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.ONLINE_REVIEW:
        raise DomainError(
            "assignment.closed",
            _("Experts are assigned while the online review is open."),
        )


def _lock_run(acting_user: User, run_id: int) -> tuple[Campaign, AssignmentRun]:
    campaign_id = AssignmentRun.objects.values_list("campaign_id", flat=True).get(pk=run_id)
    campaign = _lock_campaign(acting_user, campaign_id)
    run = AssignmentRun.objects.select_for_update().get(pk=run_id)
    return campaign, run


def _clean_reason(reason: str) -> str:
    text = mask_numbers_in((reason or "").strip())
    if not text:
        raise DomainError("assignment.reason_required", _("Give a reason."))
    return text[:MAX_REASON_CHARS]


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def executed_params(campaign: Campaign) -> RunParams | None:
    """The parameters of the campaign's last executed first assignment (None before one)."""
    executed = (
        AssignmentRun.objects.filter(campaign=campaign, status=R.EXECUTED, is_replacement=False)
        .order_by("-executed_at", "-pk")
        .values_list("params", flat=True)
        .first()
    )
    return RunParams.from_json(executed) if executed else None


def campaign_limits(campaign: Campaign) -> tuple[int, int]:
    """(k, default L) in force: those of the last executed first assignment, else the
    policy's."""
    executed = executed_params(campaign)
    if executed is not None:
        return executed.k, executed.default_max_load
    policy = campaign.policy_version
    return policy.reviewers_per_nomination, policy.max_nominations_per_expert


def default_params(campaign: Campaign, *, inherit: bool = False, **options: Any) -> RunParams:
    """The k and L in force (`campaign_limits`), overridden by any option given (None keeps
    the default). With `inherit`, the other options too (outside the province, industry,
    text) come from the last executed first assignment."""
    k, max_load = campaign_limits(campaign)
    values = {key: value for key, value in options.items() if value is not None}
    executed = executed_params(campaign) if inherit else None
    if executed is not None:
        for name in ("outside_province", "industry_required", "use_text"):
            values.setdefault(name, getattr(executed, name))
    return RunParams(
        k=int(values.pop("k", k)),
        default_max_load=int(values.pop("default_max_load", max_load)),
        **values,
    )


def _check_params(params: RunParams) -> None:
    if params.k < 1 or params.k > 50:
        raise DomainError("assignment.k", _("Experts per nomination must be between 1 and 50."))
    if params.default_max_load < 1 or params.default_max_load > 1000:
        raise DomainError(
            "assignment.max_load", _("Nominations per expert must be between 1 and 1,000.")
        )
    if params.industry_required not in (
        problem_mod.INDUSTRY_ANY,
        problem_mod.INDUSTRY_SECTION,
        problem_mod.INDUSTRY_DIVISION,
    ):
        raise DomainError("assignment.industry", _("Unknown industry requirement."))


# --- Start, cancel, discard --------------------------------------------------------------------


def _create_run(
    campaign: Campaign, params: RunParams, acting_user: User | None, *, replaces: int | None = None
) -> AssignmentRun:
    """Record a run and enqueue its solve after commit. Caller holds the campaign lock."""
    _check_params(params)
    if AssignmentRun.objects.filter(campaign=campaign, status__in=BUSY).exists():
        raise DomainError(
            "assignment.busy",
            _("An assignment is being solved for this campaign. Wait for it or cancel it."),
        )
    scope = problem_mod.nominations_in_scope(campaign, params)
    if not scope:
        raise DomainError(
            "assignment.nothing_to_assign",
            _("Every nomination already has its experts.")
            if params.replacement
            else _("No accepted nomination awaits its experts in this campaign."),
        )
    run = AssignmentRun.objects.create(
        campaign=campaign,
        is_replacement=params.replacement,
        params=params.as_json(),
        created_by=acting_user,
    )
    record_event(
        "assignment.run_started",
        actor=acting_user,
        actor_label="" if acting_user else "system",
        obj=run,
        acting_org=campaign.issuing_org,
        summary={
            "params": {key: v for key, v in params.as_json().items() if key != "nominations"},
            "nominations": len(scope),
            "replaces_run": replaces,
        },
    )
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    from jiangxin.reviews.assignment.tasks import solve_assignment_run

    result = solve_assignment_run.enqueue(run_id=run_id)
    AssignmentRun.objects.filter(pk=run_id, task_id="").update(task_id=str(result.id)[:64])


@transaction.atomic
def do_start_assignment_run(
    *,
    acting_user: User | None,
    campaign_id: int,
    k: int | None = None,
    default_max_load: int | None = None,
    outside_province: bool = False,
    industry_required: str = problem_mod.INDUSTRY_ANY,
    use_text: bool = True,
    pins: Iterable[tuple[int, int]] = (),
    forbids: Iterable[tuple[int, int]] = (),
) -> AssignmentRun:
    """Start solving the first assignment of the campaign's accepted nominations (k and the
    default L from the policy unless given). `acting_user` None is the demo builder."""
    campaign = _lock_campaign(acting_user, campaign_id)
    _require_online_review(campaign)
    params = default_params(
        campaign,
        k=k,
        default_max_load=default_max_load,
        outside_province=outside_province,
        industry_required=industry_required,
        use_text=use_text,
        pins=[(int(a), int(b)) for a, b in pins],
        forbids=[(int(a), int(b)) for a, b in forbids],
    )
    return _create_run(campaign, params, acting_user)


@transaction.atomic
def do_start_replacement_run(
    *,
    acting_user: User | None,
    campaign_id: int,
    nomination_ids: Iterable[int] | None = None,
    **options: Any,
) -> AssignmentRun:
    """Re-solve only the nominations in review that have fewer than k active experts (or
    the given ones among them): each gets what it lacks, nobody who was on it before, and
    every other assignment stays fixed (experts' existing loads count against their L). The
    settings of the executed first assignment apply unless given."""
    campaign = _lock_campaign(acting_user, campaign_id)
    _require_online_review(campaign)
    params = default_params(campaign, inherit=True, **options)
    params.replacement = True
    params.nominations = sorted({int(x) for x in nomination_ids}) if nomination_ids else None
    return _create_run(campaign, params, acting_user)


@transaction.atomic
def do_cancel_assignment_run(*, acting_user: User, run_id: int) -> AssignmentRun:
    """A queued run is cancelled at once; a running one stops after its current phase."""
    campaign, run = _lock_run(acting_user, run_id)
    if run.status == R.QUEUED:
        run.status = R.CANCELLED
        run.finished_at = timezone.now()
    elif run.status == R.RUNNING:
        run.cancel_requested = True
    else:
        raise DomainError("assignment.not_running", _("This assignment is not being solved."))
    run.save(update_fields=["status", "finished_at", "cancel_requested"])
    record_event(
        "assignment.run_cancelled",
        actor=acting_user,
        obj=run,
        acting_org=campaign.issuing_org,
        summary={"status": run.status},
    )
    return run


@transaction.atomic
def do_discard_assignment_run(*, acting_user: User, run_id: int) -> AssignmentRun:
    campaign, run = _lock_run(acting_user, run_id)
    if run.status not in DISCARDABLE:
        raise DomainError(
            "assignment.not_discardable",
            _("Only a preview that was not executed can be discarded."),
        )
    run.status = R.DISCARDED
    run.save(update_fields=["status"])
    record_event(
        "assignment.run_discarded", actor=acting_user, obj=run, acting_org=campaign.issuing_org
    )
    return run


# --- Pins, forbids, re-solve --------------------------------------------------------------------


def _next_pairs(run: AssignmentRun) -> tuple[list[list[int]], list[list[int]]]:
    nxt = run.params.get("next") or {}
    pins = [list(map(int, p)) for p in nxt.get("pins", run.params.get("pins", []))]
    forbids = [list(map(int, p)) for p in nxt.get("forbids", run.params.get("forbids", []))]
    return pins, forbids


def _run_scope(run: AssignmentRun) -> tuple[set[int], set[int]]:
    """The nominations and experts of a preview (as solved)."""
    result = run.result or {}
    return (
        {int(x) for x in result.get("nomination_ids", [])},
        {int(x) for x in result.get("expert_ids", [])},
    )


def _edit_pairs(
    acting_user: User, run_id: int, nomination_id: int, expert_id: int, op: str
) -> AssignmentRun:
    campaign, run = _lock_run(acting_user, run_id)
    if run.status not in PREVIEW:
        raise DomainError(
            "assignment.not_preview", _("Pairs are pinned or forbidden on a preview only.")
        )
    pins, forbids = _next_pairs(run)
    pair = [int(nomination_id), int(expert_id)]
    if op in ("pin", "forbid"):
        nominations, experts = _run_scope(run)
        if pair[0] not in nominations or pair[1] not in experts:
            raise DomainError(
                "assignment.pair_scope",
                _("This nomination and expert are not both part of this assignment."),
            )
    if op == "pin":
        if Conflict.objects.filter(
            campaign=campaign, nomination_id=pair[0], expert_id=pair[1]
        ).exists():
            raise DomainError(
                "assignment.pin_conflict",
                _("A conflict of interest is recorded between them: they cannot be paired."),
            )
        params = RunParams.from_json(run.params)
        if sum(1 for p in pins if p[0] == pair[0] and p != pair) >= params.k:
            raise DomainError(
                "assignment.pins_full",
                _("This nomination already has %(k)s pinned experts.") % {"k": params.k},
            )
        forbids = [p for p in forbids if p != pair]
        if pair not in pins:
            pins.append(pair)
    elif op == "forbid":
        pins = [p for p in pins if p != pair]
        if pair not in forbids:
            forbids.append(pair)
    else:
        pins = [p for p in pins if p != pair]
        forbids = [p for p in forbids if p != pair]
    run.params = {**run.params, "next": {"pins": pins, "forbids": forbids}}
    run.save(update_fields=["params"])
    record_event(
        f"assignment.pair_{op}",
        actor=acting_user,
        obj=run,
        acting_org=campaign.issuing_org,
        summary={"nomination": pair[0], "expert": pair[1]},
    )
    return run


@transaction.atomic
def do_pin_pair(
    *, acting_user: User, run_id: int, nomination_id: int, expert_id: int
) -> AssignmentRun:
    """Keep this pair in the next solve (a forced arc)."""
    return _edit_pairs(acting_user, run_id, nomination_id, expert_id, "pin")


@transaction.atomic
def do_forbid_pair(
    *, acting_user: User, run_id: int, nomination_id: int, expert_id: int
) -> AssignmentRun:
    """Leave this pair out of the next solve."""
    return _edit_pairs(acting_user, run_id, nomination_id, expert_id, "forbid")


@transaction.atomic
def do_release_pair(
    *, acting_user: User, run_id: int, nomination_id: int, expert_id: int
) -> AssignmentRun:
    """Drop a pin or forbid from the next solve."""
    return _edit_pairs(acting_user, run_id, nomination_id, expert_id, "release")


def pending_changes(run: AssignmentRun) -> bool:
    """Whether pins or forbids were changed since the run was solved."""
    nxt = run.params.get("next")
    if not nxt:
        return False
    return sorted(nxt.get("pins", [])) != sorted(run.params.get("pins", [])) or sorted(
        nxt.get("forbids", [])
    ) != sorted(run.params.get("forbids", []))


@transaction.atomic
def do_resolve_assignment_run(*, acting_user: User, run_id: int) -> AssignmentRun:
    """Solve again with the preview's parameters and its pins and forbids; the old preview
    is discarded."""
    campaign, run = _lock_run(acting_user, run_id)
    _require_online_review(campaign)
    if run.status not in (*PREVIEW, R.FAILED, R.CANCELLED):
        raise DomainError("assignment.not_preview", _("Only a preview can be solved again."))
    pins, forbids = _next_pairs(run)
    params = RunParams.from_json(run.params)
    params.pins = [(a, b) for a, b in pins]
    params.forbids = [(a, b) for a, b in forbids]
    run.status = R.DISCARDED
    run.save(update_fields=["status"])
    return _create_run(campaign, params, acting_user, replaces=run.pk)


# --- The solve (run by the task) --------------------------------------------------------------


def _set_progress(run_id: int, phase: str, fraction: float = 0.0) -> None:
    start = PHASES.get(phase, 0)
    following = [v for v in PHASES.values() if v > start]
    end = min(following) if following else 100
    percent = int(start + (end - start) * max(0.0, min(fraction, 1.0)))
    AssignmentRun.objects.filter(pk=run_id, status=R.RUNNING).update(
        progress=percent, result={"phase": phase}
    )


def _cancel_requested(run_id: int) -> bool:
    return AssignmentRun.objects.filter(pk=run_id, cancel_requested=True).exists()


def process_assignment_run(run_id: int) -> str:
    """Solve a queued run and store its preview; returns the final status. Safe to call
    twice (only a queued run is taken) and from any process."""
    taken = AssignmentRun.objects.filter(pk=run_id, status=R.QUEUED).update(
        status=R.RUNNING, progress=PHASES["read"], result={"phase": "read"}
    )
    if not taken:
        return str(AssignmentRun.objects.values_list("status", flat=True).get(pk=run_id))
    run = AssignmentRun.objects.select_related("campaign", "campaign__policy_version").get(
        pk=run_id
    )
    try:
        if _cancel_requested(run_id):
            raise solver.Cancelled
        params = RunParams.from_json(run.params)
        problem = problem_mod.build_problem(run.campaign, params)

        def progress(phase: str, fraction: float) -> None:
            _set_progress(run_id, phase if phase in PHASES else "store")

        solution = problem_mod.solve_problem(
            problem, progress=progress, should_cancel=lambda: _cancel_requested(run_id)
        )
        _set_progress(run_id, "store")
        result = preview_result(problem, solution, params)
        status = R.SOLVED if solution.feasible else R.INFEASIBLE
        message = (
            problem_mod.describe_bottleneck(result["bottlenecks"][0])
            if result["bottlenecks"]
            else ""
        )
    except solver.Cancelled:
        status, result, message = R.CANCELLED, {}, ""
    except Exception as exc:  # a failed solve is shown, never lost
        logger.exception("assignment run %s failed", run_id)
        status, result, message = R.FAILED, {}, f"{type(exc).__name__}: {exc}"[:500]
    with transaction.atomic():
        current = AssignmentRun.objects.select_for_update().get(pk=run_id)
        if current.status != R.RUNNING:
            return str(current.status)
        current.status = status
        current.result = result
        current.message = message
        current.progress = 100
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "result", "message", "progress", "finished_at"])
        record_event(
            "assignment.run_finished",
            actor_label="task",
            obj=current,
            acting_org=run.campaign.issuing_org,
            summary={"status": status, **result.get("stats", {}), "message": message},
        )
    return str(status)


def preview_result(
    problem: problem_mod.Problem, solution: solver.Solution, params: RunParams
) -> dict[str, Any]:
    """What the preview shows, as JSON: compact pairs [nomination, expert, affinity, pinned],
    per-expert loads [expert, new, existing, L], the load histogram, the statistics, and the
    bottlenecks when infeasible."""
    nids, eids = problem.nomination_ids, problem.expert_ids
    pairs = [
        [nids[i], eids[j], round(float(a), 4), int(p)]
        for i, j, a, p in zip(
            solution.nominations.tolist(),
            solution.experts.tolist(),
            solution.affinity.tolist(),
            solution.pinned.tolist(),
            strict=True,
        )
    ]
    loads = [
        [eids[j], int(solution.loads[j]), int(problem.existing[j]), int(problem.max_load[j])]
        for j in range(len(eids))
    ]
    totals = Counter(int(solution.loads[j] + problem.existing[j]) for j in range(len(eids)))
    n_pairs = len(pairs)
    stats = {
        "pairs": n_pairs,
        "nominations": len(nids),
        "experts": len(eids),
        "experts_used": int((solution.loads > 0).sum()),
        "k": params.k,
        "total": round(solution.total_affinity, 4),
        "min": round(solution.min_affinity, 4) if solution.min_affinity is not None else None,
        "mean": round(solution.total_affinity / n_pairs, 4) if n_pairs else None,
        "busiest": max((row[1] + row[2] for row in loads), default=0),
        "arcs": solution.n_arcs,
        "rounds": solution.rounds,
        "seconds": {key: round(value, 3) for key, value in solution.timings.items()},
        "demand": int(problem.k.sum()),
        "capacity": int(problem.capacity.sum()),
    }
    return {
        "nomination_ids": nids,
        "expert_ids": eids,
        "pairs": pairs,
        "loads": loads,
        "histogram": sorted([load, count] for load, count in totals.items()),
        "stats": stats,
        "bottlenecks": [b.as_dict() for b in solution.bottlenecks[:10]],
        "dropped_pins": [list(p) for p in problem.dropped_pins],
    }


# --- Execute -----------------------------------------------------------------------------------


def _pair_label(
    nominations: dict[int, Nomination], experts: dict[int, ExpertProfile], nid: int, eid: int
) -> str:
    nomination = nominations.get(nid)
    expert = experts.get(eid)
    return f"{nomination.number if nomination else nid} ← {expert if expert else eid}"


@transaction.atomic
def do_execute_assignment_run(*, acting_user: User | None, run_id: int) -> list[Assignment]:
    """Write the preview's assignments, an empty score sheet for each, move first-time
    nominations to IN_REVIEW and tell each expert once. Refuses (nothing written) if the data
    the solve relied on changed: a conflict recorded on a proposed pair, an invitation no
    longer accepted, a nomination no longer waiting, an expert over their limit."""
    if acting_user is None:
        campaign_id = AssignmentRun.objects.values_list("campaign_id", flat=True).get(pk=run_id)
        campaign = _lock_campaign(None, campaign_id)
        run = AssignmentRun.objects.select_for_update().get(pk=run_id)
    else:
        campaign, run = _lock_run(acting_user, run_id)
    _require_online_review(campaign)
    if run.status != R.SOLVED:
        raise DomainError("assignment.not_solved", _("Only a solved preview can be executed."))
    params = RunParams.from_json(run.params)
    pairs = [(int(p[0]), int(p[1]), float(p[2]), bool(p[3])) for p in run.result.get("pairs", [])]
    scope = [int(x) for x in run.result.get("nomination_ids", [])]
    expected = Nomination.Status.IN_REVIEW if params.replacement else Nomination.Status.ACCEPTED
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",)).filter(
            pk__in=scope, campaign=campaign
        )
    }
    expert_ids = sorted({p[1] for p in pairs})
    invitations = {
        inv.expert_id: inv
        for inv in Invitation.objects.select_related("expert", "expert__user").filter(
            campaign=campaign, expert_id__in=expert_ids
        )
    }
    experts = {eid: inv.expert for eid, inv in invitations.items()}
    per_expert, per_nomination = problem_mod.active_counts(campaign)
    proposed = {(nid, eid) for nid, eid, _a, _p in pairs}
    conflicts = set(
        Conflict.objects.filter(
            campaign=campaign, nomination_id__in=scope, expert_id__in=expert_ids
        ).values_list("nomination_id", "expert_id")
    )
    existing = set(
        Assignment.objects.filter(
            campaign=campaign, nomination_id__in=scope, expert_id__in=expert_ids
        )
        .filter(status=Assignment.Status.ACTIVE)
        .values_list("nomination_id", "expert_id")
    )
    problems: list[str] = []
    for nid in scope:
        nomination = nominations.get(nid)
        if nomination is None or nomination.status != expected:
            problems.append(
                str(
                    _("%(number)s is no longer waiting for experts")
                    % {"number": nomination.number if nomination else nid}
                )
            )
    new_per_nomination = Counter(nid for nid, _e in proposed)
    for nid, count in new_per_nomination.items():
        if nid in nominations and per_nomination.get(nid, 0) + count > params.k:
            problems.append(
                str(
                    _("%(number)s would have more than %(k)s experts")
                    % {"number": nominations[nid].number, "k": params.k}
                )
            )
    for eid in expert_ids:
        invitation = invitations.get(eid)
        if (
            invitation is None
            or invitation.status != Invitation.Status.ACCEPTED
            or not invitation.expert.is_active
        ):
            problems.append(
                str(
                    _("%(expert)s is no longer an accepted expert of the campaign")
                    % {"expert": experts.get(eid, eid)}
                )
            )
    new_per_expert = Counter(eid for _n, eid in proposed)
    for eid, count in new_per_expert.items():
        invitation = invitations.get(eid)
        if invitation is None:
            continue
        limit = problem_mod.expert_limit(invitation, params.default_max_load)
        if per_expert.get(eid, 0) + count > limit:
            problems.append(
                str(
                    _("%(expert)s would review more than %(limit)s nominations")
                    % {"expert": experts[eid], "limit": limit}
                )
            )
    for nid, eid in sorted(proposed & conflicts):
        problems.append(
            str(
                _("a conflict of interest is now recorded on %(pair)s")
                % {"pair": _pair_label(nominations, experts, nid, eid)}
            )
        )
    for nid, eid in sorted(proposed & existing):
        problems.append(
            str(
                _("%(pair)s is already assigned")
                % {"pair": _pair_label(nominations, experts, nid, eid)}
            )
        )
    if problems:
        raise ExecutionRefused(problems)

    rows = [
        Assignment(
            campaign=campaign,
            nomination_id=nid,
            expert_id=eid,
            run=run,
            affinity=affinity,
            pinned=pinned,
        )
        for nid, eid, affinity, pinned in pairs
    ]
    Assignment.objects.bulk_create(rows)
    created = list(
        Assignment.objects.filter(run=run, status=Assignment.Status.ACTIVE).order_by(
            "nomination_id", "expert_id"
        )
    )
    ScoreSheet.objects.bulk_create([ScoreSheet(assignment=a) for a in created])
    now = timezone.now()
    if not params.replacement:
        Nomination.objects.filter(pk__in=scope).update(
            status=Nomination.Status.IN_REVIEW, updated_at=now
        )
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination_id=nid,
                action="review_replacement" if params.replacement else "review_assigned",
                actor=acting_user,
                organization=campaign.issuing_org,
                data={"experts": count, "run": run.pk},
            )
            for nid, count in sorted(new_per_nomination.items())
        ]
    )
    run.status = R.EXECUTED
    run.executed_at = now
    run.save(update_fields=["status", "executed_at"])
    AssignmentRun.objects.filter(campaign=campaign, status__in=DISCARDABLE).exclude(
        pk=run.pk
    ).update(status=R.DISCARDED)
    record_event(
        "assignment.executed",
        actor=acting_user,
        actor_label="" if acting_user else "system",
        obj=run,
        acting_org=campaign.issuing_org,
        summary={
            "replacement": params.replacement,
            "assignments": len(created),
            "nominations": len(new_per_nomination),
            "experts": len(new_per_expert),
            "total_affinity": run.result.get("stats", {}).get("total"),
        },
    )
    _notify_experts(campaign, new_per_expert, experts)
    return created


def _notify_experts(
    campaign: Campaign, counts: dict[int, int], experts: dict[int, ExpertProfile]
) -> None:
    """One notification per expert (grouped by how many nominations they got)."""
    by_count: dict[int, list[User]] = defaultdict(list)
    for eid, count in counts.items():
        by_count[count].append(experts[eid].user)
    url = _url("reviews:scoring_mine")
    for count, users in sorted(by_count.items()):
        notify(
            users,
            "review.assigned",
            params={
                "campaign": campaign.name,
                "count": count,
                "ends": campaign.review_ends.isoformat(),
            },
            url=url,
        )


# --- Recusal and replacement --------------------------------------------------------------------


@transaction.atomic
def do_recuse_assignment(*, acting_user: User, assignment_id: int, reason: str) -> Assignment:
    """End one assignment: the expert recuses themself (before submitting the sheet), or
    the officer takes them off (at any time, e.g. a conflict found later). The nomination is
    then short of an expert until a replacement run fills it."""
    campaign_id = Assignment.objects.values_list("campaign_id", flat=True).get(pk=assignment_id)
    campaign = _lock_campaign(None, campaign_id)
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("expert", "expert__user", "nomination", "nomination__person")
        .get(pk=assignment_id)
    )
    is_officer = rules.can_manage_review(acting_user, campaign)
    is_own = assignment.expert.user_id == acting_user.pk
    if not (is_officer or is_own):
        raise PermissionDenied("assignment.recuse_scope", _("You may not end this assignment."))
    _require_online_review(campaign)
    if assignment.status != Assignment.Status.ACTIVE:
        raise DomainError("assignment.not_active", _("This assignment has already ended."))
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if not is_officer and sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED:
        raise DomainError(
            "assignment.sheet_submitted",
            _(
                "Your scores are submitted. Ask the program officer to take you off this "
                "nomination."
            ),
        )
    text = _clean_reason(reason)
    assignment.status = Assignment.Status.RECUSED
    assignment.ended_reason = text
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["status", "ended_reason", "ended_at"])
    record_event(
        "assignment.recused",
        actor=acting_user,
        obj=assignment,
        acting_org=campaign.issuing_org,
        summary={
            "nomination": assignment.nomination.number,
            "expert": assignment.expert_id,
            "by": "officer" if is_officer and not is_own else "expert",
            "reason": text,
        },
    )
    if is_own:
        notify(
            program_officers_of(campaign),
            "review.recused",
            params={
                "campaign": campaign.name,
                "expert": str(assignment.expert),
                "number": assignment.nomination.number,
                "reason": text,
            },
            url=_url("reviews:assignment_current", campaign.pk),
        )
    return assignment


@transaction.atomic
def do_end_expert_assignments(
    *, acting_user: User, campaign_id: int, expert_id: int, reason: str
) -> int:
    """Take an expert off every active assignment of the campaign (they can no longer
    review: declined late, unreachable, withdrawn). Ended assignments are REPLACED; returns
    how many."""
    campaign = _lock_campaign(acting_user, campaign_id)
    _require_online_review(campaign)
    text = _clean_reason(reason)
    active = Assignment.objects.select_for_update().filter(
        campaign=campaign, expert_id=expert_id, status=Assignment.Status.ACTIVE
    )
    ids = list(active.values_list("pk", flat=True))
    if not ids:
        raise DomainError(
            "assignment.none_active", _("This expert has no active assignment in this campaign.")
        )
    Assignment.objects.filter(pk__in=ids).update(
        status=Assignment.Status.REPLACED, ended_reason=text, ended_at=timezone.now()
    )
    record_event(
        "assignment.expert_ended",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"expert": expert_id, "assignments": len(ids), "reason": text},
    )
    return len(ids)


def short_nominations(campaign: Campaign) -> dict[int, int]:
    """Nominations in review with fewer active experts than k: id → how many missing."""
    k, _max_load = campaign_limits(campaign)
    _per_expert, per_nomination = problem_mod.active_counts(campaign)
    ids = Nomination.objects.filter(
        campaign=campaign, status=Nomination.Status.IN_REVIEW
    ).values_list("pk", flat=True)
    return {nid: k - per_nomination.get(nid, 0) for nid in ids if per_nomination.get(nid, 0) < k}
