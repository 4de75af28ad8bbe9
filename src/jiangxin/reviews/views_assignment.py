"""Assignment pages (online review): parse → preview → execute, then the current assignments.

- The campaign's assignment page: the parameters (k and L from the policy, the
  outside-the-province option, an industry requirement, text similarity) and the runs.
- A run's page: while it is solved in the background, its progress (htmx polls the status
  partial every second; the page reloads itself once the run has finished) with a cancel
  button; then the preview: total and minimum affinity, the load distribution, every
  nomination's proposed experts with pin and forbid buttons, the pins and forbids waiting for
  a re-solve, the bottleneck when infeasible, execute and discard.
- The current assignments, by nomination (recuse, replacement runs for nominations short of
  experts) and by expert (take an expert off), with an Excel export.

Program officers of the campaign's issuing organization only (`rules.can_view_assignment`);
everybody else, and every page of another campaign, answers 404.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from jiangxin.core.errors import DomainError
from jiangxin.core.excel import TableWorkbook, dated_filename, xlsx_response
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations.models import Nomination
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign
from jiangxin.reviews import rules
from jiangxin.reviews.assignment import actions
from jiangxin.reviews.assignment import forms as assignment_forms
from jiangxin.reviews.assignment.problem import (
    INDUSTRY_ANY,
    RunParams,
    accepted_invitations,
    describe_bottleneck,
    expert_limit,
)
from jiangxin.reviews.models import Assignment, AssignmentRun, Conflict, ExpertProfile, Invitation

PAGE_SIZE = 50
R = AssignmentRun.Status
RUNS_SHOWN = 10


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(
        program_selectors.campaigns_visible_to(request.user).select_related(
            "policy_version", "issuing_org"
        ),
        pk=pk,
    )
    _require(rules.can_view_assignment(request.user, campaign))
    return campaign


def _run(request: AuthedHttpRequest, pk: int) -> AssignmentRun:
    run = get_object_or_404(
        AssignmentRun.objects.filter(
            campaign__in=program_selectors.campaigns_visible_to(request.user)
        ).select_related(
            "campaign", "campaign__policy_version", "campaign__issuing_org", "created_by"
        ),
        pk=pk,
    )
    _require(rules.can_view_assignment(request.user, run.campaign))
    return run


def _crumbs(campaign: Campaign | None = None, *tail: dict[str, str]) -> list[dict[str, str]]:
    crumbs = [{"label": _("Expert assignment"), "url": reverse("reviews:assignment_index")}]
    if campaign is not None:
        crumbs.append(
            {
                "label": campaign.name,
                "url": reverse("reviews:assignment_campaign", args=[campaign.pk]),
            }
        )
    return [*crumbs, *tail]


def _count(qs: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) subquery (several counts per row without join blow-up)."""
    return Coalesce(
        Subquery(
            qs.order_by().values("campaign_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


# --- Index and campaign page --------------------------------------------------------------------


@require_GET
def assignment_index(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_list_assignments(request.user))
    here = OuterRef("pk")
    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(request.user)
        .filter(status__in=rules.CAMPAIGN_REVIEWED_STATUSES)
        .select_related("issuing_org")
        .annotate(
            waiting=_count(
                Nomination.objects.filter(campaign=here, status=Nomination.Status.ACCEPTED)
            ),
            in_review=_count(
                Nomination.objects.filter(campaign=here, status=Nomination.Status.IN_REVIEW)
            ),
            experts=_count(
                Invitation.objects.filter(campaign=here, status=Invitation.Status.ACCEPTED)
            ),
            assigned=_count(
                Assignment.objects.filter(campaign=here, status=Assignment.Status.ACTIVE)
            ),
        )
        .order_by("-year", "tier", "pk")
        if rules.can_manage_review(request.user, c)
    ]
    return render(
        request,
        "reviews/assignment/index.html",
        {"campaigns": campaigns, "breadcrumbs": [{"label": _("Expert assignment")}]},
    )


def _initial_params(campaign: Campaign) -> dict[str, Any]:
    k, max_load = actions.campaign_limits(campaign)
    return {
        "k": k,
        "default_max_load": max_load,
        "outside_province": False,
        "industry_required": INDUSTRY_ANY,
        "use_text": True,
    }


def _campaign_context(
    request: AuthedHttpRequest, campaign: Campaign, form: assignment_forms.RunParamsForm
) -> dict[str, Any]:
    invitations = list(accepted_invitations(campaign))
    k, max_load = actions.campaign_limits(campaign)
    counts = dict(
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    room = sum(
        max(0, expert_limit(inv, max_load) - counts.get(inv.expert_id, 0)) for inv in invitations
    )
    waiting = Nomination.objects.filter(
        campaign=campaign, status=Nomination.Status.ACCEPTED
    ).count()
    short = actions.short_nominations(campaign)
    runs = list(
        AssignmentRun.objects.filter(campaign=campaign).select_related("created_by")[:RUNS_SHOWN]
    )
    return {
        "campaign": campaign,
        "form": form,
        "runs": runs,
        "busy": next((r for r in runs if r.status in actions.BUSY), None),
        "waiting": waiting,
        "in_review": Nomination.objects.filter(
            campaign=campaign, status=Nomination.Status.IN_REVIEW
        ).count(),
        "short": len(short),
        "missing": sum(short.values()),
        "experts": len(invitations),
        "room": room,
        "demand": waiting * k,
        "can_assign": rules.can_assign_experts(request.user, campaign),
        "tab": "runs",
        "breadcrumbs": _crumbs(campaign),
    }


@require_GET
def assignment_campaign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = assignment_forms.RunParamsForm(initial=_initial_params(campaign))
    return render(
        request, "reviews/assignment/campaign.html", _campaign_context(request, campaign, form)
    )


@require_POST
def assignment_start(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = assignment_forms.RunParamsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = actions.do_start_assignment_run(
                acting_user=request.user,
                campaign_id=campaign.pk,
                k=data["k"],
                default_max_load=data["default_max_load"],
                outside_province=data["outside_province"],
                industry_required=data["industry_required"] or INDUSTRY_ANY,
                use_text=data["use_text"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("reviews:assignment_run", pk=run.pk)
    return render(
        request, "reviews/assignment/campaign.html", _campaign_context(request, campaign, form)
    )


# --- A run: progress and preview ----------------------------------------------------------------


def _experts_of(run: AssignmentRun) -> dict[int, ExpertProfile]:
    ids = (run.result or {}).get("expert_ids") or [
        p[1] for p in (run.result or {}).get("pairs", [])
    ]
    return {e.pk: e for e in ExpertProfile.objects.filter(pk__in=ids).select_related("user")}


def _pair_rows(
    pairs: list[list[int]], numbers: dict[int, str], experts: dict[int, ExpertProfile]
) -> list[dict[str, Any]]:
    return [
        {
            "nomination_id": nid,
            "number": numbers.get(nid, str(nid)),
            "expert_id": eid,
            "expert": experts.get(eid, eid),
        }
        for nid, eid in pairs
    ]


def _preview_context(request: AuthedHttpRequest, run: AssignmentRun) -> dict[str, Any]:
    result = run.result or {}
    experts = _experts_of(run)
    by_nomination: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for nid, eid, affinity, pinned in result.get("pairs", []):
        by_nomination[nid].append(
            {"expert": experts.get(eid), "expert_id": eid, "affinity": affinity, "pinned": pinned}
        )
    nominations = Nomination.objects.filter(pk__in=result.get("nomination_ids", [])).select_related(
        "person", "person__industry"
    )
    q = request.GET.get("q", "").strip()
    if q:
        nominations = nominations.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    page_obj = Paginator(nominations.order_by("number"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pins, forbids = actions._next_pairs(run)
    pinned_next = {(nid, eid) for nid, eid in pins}
    forbidden_next = {(nid, eid) for nid, eid in forbids}
    rows = []
    for n in page_obj:
        entries = by_nomination.get(n.pk, [])
        for e in entries:
            # What the next solve does with this pair: the row offers release, not pin again.
            key = (n.pk, e["expert_id"])
            e["next"] = "pin" if key in pinned_next else "forbid" if key in forbidden_next else ""
        rows.append({"nomination": n, "experts": entries})
    loads = sorted(
        (
            {
                "expert": experts.get(eid),
                "new": new,
                "existing": existing,
                "limit": limit,
                "total": new + existing,
            }
            for eid, new, existing, limit in result.get("loads", [])
        ),
        key=lambda row: (-row["total"], str(row["expert"])),
    )
    histogram = result.get("histogram", [])
    top = max((count for _load, count in histogram), default=0)
    involved = {p[0] for p in (*pins, *forbids)} | {p[0] for p in result.get("dropped_pins", [])}
    numbers = dict(Nomination.objects.filter(pk__in=involved).values_list("pk", "number"))
    params = RunParams.from_json(run.params)
    return {
        "stats": result.get("stats", {}),
        "rows": rows,
        "page_obj": page_obj,
        "q": q,
        "loads": loads,
        "histogram": [{"load": load, "count": count} for load, count in histogram],
        "histogram_max": top,
        "bottlenecks": [describe_bottleneck(b) for b in result.get("bottlenecks", [])],
        "pins": _pair_rows(pins, numbers, experts),
        "forbids": _pair_rows(forbids, numbers, experts),
        "dropped": _pair_rows(result.get("dropped_pins", []), numbers, experts),
        "pending": actions.pending_changes(run),
        "params": params,
        "pair_form": assignment_forms.PairForm(
            experts=[(e.pk, str(e)) for e in sorted(experts.values(), key=str)]
        ),
    }


def _run_context(request: AuthedHttpRequest, run: AssignmentRun) -> dict[str, Any]:
    campaign = run.campaign
    can_assign = rules.can_assign_experts(request.user, campaign)
    context: dict[str, Any] = {
        "run": run,
        "campaign": campaign,
        "busy": run.status in actions.BUSY,
        "phase": (run.result or {}).get("phase", "") if run.status in actions.BUSY else "",
        "can_cancel": can_assign and run.status in actions.BUSY,
        "can_execute": can_assign and run.status == R.SOLVED,
        "can_edit": can_assign and run.status in actions.PREVIEW,
        "can_resolve": can_assign and run.status in (*actions.PREVIEW, R.FAILED, R.CANCELLED),
        "can_discard": can_assign and run.status in actions.DISCARDABLE,
        "breadcrumbs": _crumbs(campaign, {"label": _("Run %(number)s") % {"number": run.pk}}),
    }
    if run.status in (*actions.PREVIEW, R.EXECUTED, R.DISCARDED) and run.result:
        context.update(_preview_context(request, run))
    return context


@require_GET
def assignment_run(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context = _run_context(request, run)
    if request.htmx and request.htmx.target == "preview-results":
        return render(request, "reviews/assignment/run.html#preview-results", context)
    return render(request, "reviews/assignment/run.html", context)


@require_GET
def assignment_run_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The progress partial the run page polls; once finished, it reloads the page."""
    run = _run(request, pk)
    if request.htmx and run.status not in actions.BUSY:
        return HttpResponseClientRefresh()
    return render(request, "reviews/assignment/run.html#status", _run_context(request, run))


def _act(request: AuthedHttpRequest, run: AssignmentRun, fn: Any, success: str) -> Any:
    try:
        value = fn(acting_user=request.user, run_id=run.pk)
    except actions.ExecutionRefused as exc:
        messages.error(request, exc.message)
        for problem in exc.problems[1:6]:
            messages.error(request, problem)
        return None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return value


@require_POST
def assignment_run_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    _act(request, run, actions.do_cancel_assignment_run, _("Cancellation requested."))
    return redirect("reviews:assignment_run", pk=run.pk)


@require_POST
def assignment_run_execute(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    created = _act(
        request, run, actions.do_execute_assignment_run, _("The assignment was executed.")
    )
    if created is not None:
        return redirect("reviews:assignment_current", pk=run.campaign_id)
    return redirect("reviews:assignment_run", pk=run.pk)


@require_POST
def assignment_run_discard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if _act(request, run, actions.do_discard_assignment_run, _("The preview was discarded.")):
        return redirect("reviews:assignment_campaign", pk=run.campaign_id)
    return redirect("reviews:assignment_run", pk=run.pk)


@require_POST
def assignment_run_resolve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    new = _act(request, run, actions.do_resolve_assignment_run, _("Solving again."))
    return redirect("reviews:assignment_run", pk=new.pk if new else run.pk)


@require_POST
def assignment_run_pair(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    experts = _experts_of(run)
    form = assignment_forms.PairForm(
        request.POST, experts=[(e.pk, str(e)) for e in experts.values()]
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reviews:assignment_run", pk=run.pk)
    data = form.cleaned_data
    nomination = Nomination.objects.filter(campaign=run.campaign, number=data["nomination"]).first()
    if nomination is None:
        messages.error(request, _("No nomination of this campaign has that number."))
        return redirect("reviews:assignment_run", pk=run.pk)
    fn = {
        "pin": actions.do_pin_pair,
        "forbid": actions.do_forbid_pair,
        "release": actions.do_release_pair,
    }[data["op"]]
    done = {
        "pin": _("Pinned: it stays in the next solve."),
        "forbid": _("Forbidden: it is left out of the next solve."),
        "release": _("Released."),
    }[data["op"]]
    try:
        fn(
            acting_user=request.user,
            run_id=run.pk,
            nomination_id=nomination.pk,
            expert_id=data["expert"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    url = reverse("reviews:assignment_run", args=[run.pk])
    back = request.POST.get("next", "")
    return redirect(url + back if back.startswith("?") else url)


# --- Current assignments ------------------------------------------------------------------------


def _current_nominations(campaign: Campaign, form: assignment_forms.CurrentFilterForm) -> Any:
    """Nominations in review or with any assignment, each with its assignments."""
    assigned = Assignment.objects.filter(campaign=campaign).values("nomination_id")
    active = Assignment.objects.filter(
        nomination=OuterRef("pk"), status=Assignment.Status.ACTIVE
    ).order_by()
    qs = (
        Nomination.objects.filter(campaign=campaign)
        .filter(Q(status=Nomination.Status.IN_REVIEW) | Q(pk__in=assigned))
        .select_related("person", "person__industry")
        .annotate(
            active_count=Coalesce(
                Subquery(
                    active.values("nomination_id").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            )
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("expert", "expert__user").order_by(
                    "status", "expert__user__full_name", "pk"
                ),
                to_attr="all_assignments",
            )
        )
        .order_by("number")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(number__icontains=data["q"]) | Q(person__name__icontains=data["q"]))
        if data["short"]:
            k, _max_load = actions.campaign_limits(campaign)
            qs = qs.filter(status=Nomination.Status.IN_REVIEW, active_count__lt=k)
    return qs


@require_GET
def assignment_current(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    view = "experts" if request.GET.get("view") == "experts" else "nominations"
    form = assignment_forms.CurrentFilterForm(request.GET or None)
    k, max_load = actions.campaign_limits(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "filter_form": form,
        "view": view,
        "k": k,
        "can_assign": rules.can_assign_experts(request.user, campaign),
        "short": actions.short_nominations(campaign),
        "tab": "current",
        "export_url": reverse("reviews:assignment_current_export", args=[campaign.pk]),
        "breadcrumbs": _crumbs(campaign, {"label": _("Current assignments")}),
    }
    if view == "experts":
        invitations = list(accepted_invitations(campaign))
        loads = dict(
            Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
            .values("expert_id")
            .annotate(n=Count("pk"))
            .values_list("expert_id", "n")
        )
        rows = [
            {
                "expert": inv.expert,
                "load": loads.get(inv.expert_id, 0),
                "limit": expert_limit(inv, max_load),
            }
            for inv in invitations
        ]
        # Experts taken off who no longer have an accepted invitation still show their load.
        context["page_obj"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page_obj = Paginator(_current_nominations(campaign, form), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        conflicted = set(
            Conflict.objects.filter(
                campaign=campaign, nomination_id__in=[n.pk for n in page_obj]
            ).values_list("nomination_id", "expert_id")
        )
        for nomination in page_obj:
            for a in nomination.all_assignments:
                a.conflicted = (a.nomination_id, a.expert_id) in conflicted
        context["page_obj"] = page_obj
    template = "reviews/assignment/current.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


@require_GET
def assignment_current_export(request: AuthedHttpRequest, pk: int) -> FileResponse:
    campaign = _campaign(request, pk)
    rows = (
        Assignment.objects.filter(campaign=campaign)
        .select_related("nomination", "nomination__person", "expert", "expert__user")
        .order_by("nomination__number", "status", "expert__user__full_name")
    )
    book = TableWorkbook()
    ws = book.sheet(
        str(_("Assignments")),
        [
            (str(_("Nomination number")), 16),
            (str(_("Name")), 12),
            (str(_("Expert")), 12),
            (str(_("Works for")), 28),
            (str(_("Affinity")), 10),
            (str(_("Pinned by the officer")), 10),
            (str(_("Status")), 10),
            (str(_("Assigned at")), 20),
            (str(_("Why it ended")), 40),
        ],
    )
    for a in rows.iterator(chunk_size=2000):
        book.append(
            ws,
            [
                a.nomination.number,
                a.nomination.person.name if a.nomination.person else "",
                str(a.expert),
                a.expert.employer_name,
                round(a.affinity, 3),
                _("Yes") if a.pinned else "",
                a.get_status_display(),
                a.created_at,
                a.ended_reason,
            ],
        )
    return xlsx_response(book.save(), dated_filename("assignments"))


@require_http_methods(["GET", "POST"])
def assignment_recuse(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The officer ends one assignment (a recusal, e.g. for a conflict found later)."""
    assignment = get_object_or_404(
        Assignment.objects.filter(
            campaign__in=program_selectors.campaigns_visible_to(request.user)
        ).select_related("campaign", "nomination", "nomination__person", "expert", "expert__user"),
        pk=pk,
    )
    campaign = assignment.campaign
    _require(rules.can_view_assignment(request.user, campaign))
    form = assignment_forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_recuse_assignment(
                acting_user=request.user,
                assignment_id=assignment.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The expert was taken off the nomination."))
            return redirect("reviews:assignment_current", pk=campaign.pk)
    return render(
        request,
        "reviews/assignment/reason.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("Take an expert off a nomination"),
            "subject": _("%(expert)s on %(number)s %(name)s")
            % {
                "expert": assignment.expert,
                "number": assignment.nomination.number,
                "name": assignment.nomination.person.name if assignment.nomination.person else "",
            },
            "action": reverse("reviews:assignment_recuse", args=[assignment.pk]),
            "breadcrumbs": _crumbs(
                campaign,
                {
                    "label": _("Current assignments"),
                    "url": reverse("reviews:assignment_current", args=[campaign.pk]),
                },
                {"label": _("Take an expert off a nomination")},
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def assignment_end_expert(request: AuthedHttpRequest, pk: int, expert_pk: int) -> HttpResponse:
    """Take an expert off all their nominations of the campaign."""
    campaign = _campaign(request, pk)
    expert = get_object_or_404(
        ExpertProfile.objects.filter(
            assignments__campaign=campaign, assignments__status=Assignment.Status.ACTIVE
        )
        .select_related("user")
        .distinct(),
        pk=expert_pk,
    )
    form = assignment_forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.do_end_expert_assignments(
                acting_user=request.user,
                campaign_id=campaign.pk,
                expert_id=expert.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(expert)s was taken off %(count)s nomination(s). Start a replacement run.")
                % {"expert": expert, "count": count},
            )
            return redirect(
                reverse("reviews:assignment_current", args=[campaign.pk]) + "?view=experts"
            )
    return render(
        request,
        "reviews/assignment/reason.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("Take an expert off every nomination"),
            "subject": str(expert),
            "action": reverse("reviews:assignment_end_expert", args=[campaign.pk, expert.pk]),
            "breadcrumbs": _crumbs(
                campaign,
                {
                    "label": _("Current assignments"),
                    "url": reverse("reviews:assignment_current", args=[campaign.pk]),
                },
                {"label": _("Take an expert off every nomination")},
            ),
        },
    )


@require_POST
def assignment_replace(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        run = actions.do_start_replacement_run(acting_user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:assignment_current", pk=campaign.pk)
    return redirect("reviews:assignment_run", pk=run.pk)


urlpatterns: list[URLPattern] = [
    path("assignment/", assignment_index, name="assignment_index"),
    path("campaigns/<int:pk>/assignment/", assignment_campaign, name="assignment_campaign"),
    path("campaigns/<int:pk>/assignment/start/", assignment_start, name="assignment_start"),
    path("campaigns/<int:pk>/assignment/current/", assignment_current, name="assignment_current"),
    path(
        "campaigns/<int:pk>/assignment/current/export.xlsx",
        assignment_current_export,
        name="assignment_current_export",
    ),
    path("campaigns/<int:pk>/assignment/replace/", assignment_replace, name="assignment_replace"),
    path(
        "campaigns/<int:pk>/assignment/experts/<int:expert_pk>/end/",
        assignment_end_expert,
        name="assignment_end_expert",
    ),
    path("assignment/runs/<int:pk>/", assignment_run, name="assignment_run"),
    path("assignment/runs/<int:pk>/status/", assignment_run_status, name="assignment_run_status"),
    path("assignment/runs/<int:pk>/cancel/", assignment_run_cancel, name="assignment_run_cancel"),
    path(
        "assignment/runs/<int:pk>/execute/", assignment_run_execute, name="assignment_run_execute"
    ),
    path(
        "assignment/runs/<int:pk>/discard/", assignment_run_discard, name="assignment_run_discard"
    ),
    path(
        "assignment/runs/<int:pk>/resolve/", assignment_run_resolve, name="assignment_run_resolve"
    ),
    path("assignment/runs/<int:pk>/pair/", assignment_run_pair, name="assignment_run_pair"),
    path("assignment/<int:pk>/recuse/", assignment_recuse, name="assignment_recuse"),
]
