"""Nomination pages: the list, the multi-step form, the record page with its endorsement and
withdrawal forms, and the format check. Thin views over the selectors and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations import actions, forms, rules, selectors
from jiangxin.nominations.checks import char_count, completeness_problems
from jiangxin.nominations.eligibility import Verdict, evaluate
from jiangxin.nominations.models import Evidence, Nomination, Statement
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign, EligibilityRule
from jiangxin.reviews import rules as review_rules

PAGE_SIZE = 30
S = Nomination.Status
STEPS = list(Nomination.Step)


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _list_crumb() -> dict[str, str]:
    return {"label": _("Nominations"), "url": reverse("nominations:list")}


def _nomination_crumb(n: Nomination) -> dict[str, str]:
    return {
        "label": f"{n.number} {n.person.name if n.person else ''}".strip(),
        "url": reverse("nominations:detail", args=[n.pk]),
    }


def _visible(request: AuthedHttpRequest) -> QuerySet[Nomination]:
    return selectors.nominations_visible_to(request.user)


def _get(request: AuthedHttpRequest, pk: int) -> Nomination:
    return get_object_or_404(selectors.list_queryset(_visible(request)), pk=pk)


# --- List -------------------------------------------------------------------------------------


def _todo_q(request: AuthedHttpRequest) -> Q:
    """What needs the user: endorsements at their levels, their units' drafts and returns,
    and the format check of their campaigns."""
    user = request.user
    endorse_ids = selectors.awaiting_endorsement_by(user).values("pk")
    q = Q(pk__in=endorse_ids)
    units = rules.units_for(user)
    if units:
        q |= Q(nominating_unit__in=units, status__in=[S.DRAFT, S.RETURNED])
    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(user).filter(
            status=Campaign.Status.FORMAT_CHECK
        )
        if rules.can_run_format_check(user, c)
    ]
    if campaigns:
        q |= Q(campaign__in=campaigns, status=S.ENDORSED)
    return q


def _filtered(
    request: AuthedHttpRequest,
) -> tuple[QuerySet[Nomination], forms.NominationFilterForm]:
    campaigns = program_selectors.campaigns_visible_to(request.user).exclude(
        status=Campaign.Status.DRAFT
    )
    form = forms.NominationFilterForm(request.GET or None, campaigns=campaigns)
    qs = selectors.list_queryset(_visible(request))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
        if data["campaign"]:
            qs = qs.filter(campaign=data["campaign"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["todo"]:
            qs = qs.filter(_todo_q(request))
    return qs.order_by("-updated_at", "-id"), form


@require_http_methods(["GET"])
def nomination_list(request: AuthedHttpRequest) -> HttpResponse:
    qs, filter_form = _filtered(request)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "nominations/nomination_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "export_url": reverse("nominations:export"),
            "can_start": bool(rules.units_for(request.user)),
            "can_import": rules.can_import_nominations(request.user),
            "breadcrumbs": [{"label": _("Nominations")}],
        },
    )


@require_http_methods(["GET"])
def nomination_export(request: AuthedHttpRequest) -> HttpResponseBase:
    from jiangxin.nominations.exports import nominations_workbook_response

    qs, _form = _filtered(request)
    return nominations_workbook_response(qs)


# --- Start ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def nomination_start(request: AuthedHttpRequest) -> HttpResponse:
    units = rules.units_for(request.user)
    _require(bool(units))
    form = forms.StartForm(
        request.POST or None,
        campaigns=selectors.open_campaigns_for(request.user),
        units=units,
        initial={
            "campaign": request.GET.get("campaign"),
            "unit": units[0].pk if len(units) == 1 else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = actions.do_start_nomination(
                acting_user=request.user,
                campaign_id=form.cleaned_data["campaign"].pk,
                nominating_unit_id=form.cleaned_data["unit"].pk,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Draft %(number)s was created.") % {"number": nomination.number}
            )
            return redirect("nominations:step", pk=nomination.pk, step=Nomination.Step.PERSON)
    return render(
        request,
        "nominations/nomination_start.html",
        {
            "form": form,
            "breadcrumbs": [_list_crumb(), {"label": _("New nomination")}],
        },
    )


# --- Record page ------------------------------------------------------------------------------


def verdict_rows(nomination: Nomination, verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """Verdicts with their rules (title, citation) for display."""
    by_code = {
        r.code: r
        for r in EligibilityRule.objects.filter(version_id=nomination.campaign.policy_version_id)
    }
    rows = []
    for verdict in verdicts:
        rule = by_code.get(verdict.rule)
        rows.append(
            {
                "verdict": verdict,
                "title": rule.title if rule else verdict.rule,
                "citation": rule.citation if rule else "",
                "basis": rule.basis if rule else "",
            }
        )
    return rows


def _statements(nomination: Nomination) -> list[dict[str, Any]]:
    texts = {s.dimension_id: s.text for s in nomination.statements.all()}
    evidence: dict[int | None, list[Evidence]] = {}
    for item in nomination.evidence.select_related("attachment"):
        evidence.setdefault(item.dimension_id, []).append(item)
    rows = []
    for dim in nomination.campaign.policy_version.dimensions.order_by("order"):
        text = texts.get(dim.pk, "")
        rows.append(
            {
                "dimension": dim,
                "text": text,
                "count": char_count(text),
                "evidence": evidence.get(dim.pk, []),
            }
        )
    return rows


def _general_evidence(nomination: Nomination) -> list[Evidence]:
    return list(nomination.evidence.filter(dimension__isnull=True).select_related("attachment"))


def _decisions(request: AuthedHttpRequest, n: Nomination) -> dict[str, bool]:
    return {
        "can_edit": rules.can_edit_nomination(request.user, n),
        "can_endorse": rules.can_endorse_nomination(request.user, n),
        "can_withdraw": rules.can_withdraw_nomination(request.user, n),
        "can_check": rules.can_decide_format_check(request.user, n),
    }


def _detail_context(request: AuthedHttpRequest, n: Nomination, **overrides: Any) -> dict[str, Any]:
    if n.status == S.DRAFT or (
        n.status == S.RETURNED and rules.can_edit_nomination(request.user, n)
    ):
        verdicts = evaluate(n)
    else:
        verdicts = [Verdict.from_dict(v) for v in n.eligibility]
    decisions = _decisions(request, n)
    context = {
        "nomination": n,
        "steps": selectors.chain_of(n),
        "verdicts": verdict_rows(n, verdicts),
        "statements": _statements(n),
        "general_evidence": _general_evidence(n),
        "checks": n.format_checks.filter(decided_at__isnull=False).select_related("decided_by"),
        "events": n.events.select_related("actor", "organization"),
        "problems": completeness_problems(n) if decisions["can_edit"] else [],
        "endorse_form": forms.EndorseForm() if decisions["can_endorse"] else None,
        "return_form": forms.ReturnForm() if decisions["can_endorse"] else None,
        "rules_cited": actions.citable_rules(n.campaign),
        "can_request_avoidance": review_rules.can_request_avoidance(request.user, n),
        **decisions,
        "breadcrumbs": [_list_crumb(), {"label": _nomination_crumb(n)["label"]}],
    }
    context.update(overrides)
    return context


@require_http_methods(["GET"])
def nomination_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    n = _get(request, pk)
    return render(request, "nominations/nomination_detail.html", _detail_context(request, n))


@require_http_methods(["GET"])
def evidence_download(request: AuthedHttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    from jiangxin.people.files import attachment_response

    n = _get(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("attachment"), pk=evidence_pk, nomination=n
    )
    response = attachment_response(evidence.attachment)
    record_event(
        "nomination.evidence_downloaded",
        actor=request.user,
        obj=n,
        summary={"evidence": evidence.pk, "attachment": evidence.attachment_id},
    )
    return response


# --- Endorsement, return, withdrawal ---------------------------------------------------------


def _chain_decision(
    request: AuthedHttpRequest,
    pk: int,
    form_class: type[forms.EndorseForm] | type[forms.ReturnForm],
    act: Any,
    done: str,
) -> HttpResponse:
    """Endorse or return at the user's level; a refusal shows the record page again with the
    text typed kept and the reason in the form's error summary."""
    n = _get(request, pk)
    _require(rules.can_endorse_nomination(request.user, n))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(acting_user=request.user, nomination_id=n.pk, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(reverse("nominations:list") + "?todo=on")
    key = "endorse_form" if form_class is forms.EndorseForm else "return_form"
    return render(
        request,
        "nominations/nomination_detail.html",
        _detail_context(request, n, **{key: form, "form": form}),
        status=400,
    )


@require_POST
def nomination_endorse(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _chain_decision(
        request,
        pk,
        forms.EndorseForm,
        actions.do_endorse_nomination,
        _("The nomination was endorsed and passed on."),
    )


@require_POST
def nomination_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _chain_decision(
        request,
        pk,
        forms.ReturnForm,
        actions.do_return_nomination,
        _("The nomination was returned to its unit."),
    )


@require_http_methods(["GET", "POST"])
def nomination_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    n = _get(request, pk)
    _require(rules.can_withdraw_nomination(request.user, n))
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_nomination(
                acting_user=request.user, nomination_id=n.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The nomination was withdrawn."))
            return redirect("nominations:detail", pk=n.pk)
    return render(
        request,
        "nominations/nomination_withdraw.html",
        {
            "nomination": n,
            "form": form,
            "breadcrumbs": [_list_crumb(), _nomination_crumb(n), {"label": _("Withdraw")}],
        },
    )


# --- The form's steps ------------------------------------------------------------------------


def _editable(request: AuthedHttpRequest, pk: int) -> Nomination:
    n = _get(request, pk)
    _require(rules.can_prepare_at(request.user, n.nominating_unit))
    return n


def _step_context(
    request: AuthedHttpRequest, n: Nomination, step: str, **extra: Any
) -> dict[str, Any]:
    order = [s.value for s in STEPS]
    furthest = order.index(n.furthest_step)
    index = order.index(step)
    return {
        "nomination": n,
        "step": step,
        "step_label": Nomination.Step(step).label,
        "step_number": index + 1,
        "step_count": len(order),
        "steps": [
            {
                "value": s.value,
                "label": s.label,
                "number": i + 1,
                "current": s.value == step,
                "reachable": i <= max(furthest, index),
                "url": reverse("nominations:step", args=[n.pk, s.value]),
            }
            for i, s in enumerate(STEPS)
        ],
        "previous_url": reverse("nominations:step", args=[n.pk, order[index - 1]]) if index else "",
        "autosave_url": reverse("nominations:autosave", args=[n.pk, step]),
        "saved_at": int(n.updated_at.timestamp() * 1000),
        "breadcrumbs": [
            _list_crumb(),
            _nomination_crumb(n),
            {"label": Nomination.Step(step).label},
        ],
        **extra,
    }


def _next_url(n: Nomination, step: str) -> str:
    order = [s.value for s in STEPS]
    nxt = order[min(order.index(step) + 1, len(order) - 1)]
    return reverse("nominations:step", args=[n.pk, nxt])


def _render_step(
    request: AuthedHttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, context)


def _save_draft_and_leave(request: AuthedHttpRequest, n: Nomination, step: str) -> HttpResponse:
    try:
        actions.do_save_draft_input(
            acting_user=request.user, nomination_id=n.pk, step=step, data=_post_data(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your answers on this step were saved as a draft."))
    return redirect("nominations:detail", pk=n.pk)


def _post_data(request: AuthedHttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.POST:
        values = request.POST.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    return data


def _keep_invalid(request: AuthedHttpRequest, n: Nomination, step: str) -> None:
    """A step that failed validation: keep what was typed (nothing is ever lost)."""
    actions.do_save_draft_input(
        acting_user=request.user, nomination_id=n.pk, step=step, data=_post_data(request)
    )


def _draft_initial(n: Nomination, step: str) -> dict[str, Any]:
    return dict(n.draft_data.get(step, {}))


def _refuse_if_locked(request: AuthedHttpRequest, n: Nomination) -> HttpResponse | None:
    if rules.can_edit_nomination(request.user, n):
        return None
    messages.error(request, _("This nomination cannot be changed now."))
    return redirect("nominations:detail", pk=n.pk)


def _step_statements(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    step = Nomination.Step.STATEMENTS
    dimensions = list(
        n.campaign.policy_version.dimensions.prefetch_related("levels").order_by("order")
    )
    saved = {s.dimension_id: s.text for s in Statement.objects.filter(nomination=n)}
    initial = {f"dim_{d.pk}": saved.get(d.pk, "") for d in dimensions}
    initial.update(_draft_initial(n, step))
    form = forms.StatementsForm(
        request.POST if request.method == "POST" else None, dimensions=dimensions, initial=initial
    )
    if request.method == "POST":
        if request.POST.get("action") == "save_draft":
            return _save_draft_and_leave(request, n, step)
        if form.is_valid():
            try:
                actions.do_save_statements(
                    acting_user=request.user, nomination_id=n.pk, texts=form.texts()
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(_next_url(n, step))
        _keep_invalid(request, n, step)
    fields = [
        {"field": form[f"dim_{d.pk}"], "dimension": d, "levels": list(d.levels.all())}
        for d in dimensions
    ]
    return _render_step(
        request,
        "nominations/step_statements.html",
        _step_context(request, n, step, form=form, fields=fields),
    )


def _step_opinion(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    step = Nomination.Step.OPINION
    initial = {name: getattr(n, name) for name in actions.OPINION_FIELDS}
    initial.update(_draft_initial(n, step))
    form = forms.OpinionForm(
        request.POST if request.method == "POST" else None,
        version=n.campaign.policy_version,
        initial=initial,
    )
    if request.method == "POST":
        if request.POST.get("action") == "save_draft":
            return _save_draft_and_leave(request, n, step)
        if form.is_valid():
            try:
                actions.do_save_opinion(
                    acting_user=request.user,
                    nomination_id=n.pk,
                    values={name: form.cleaned_data[name] for name in actions.OPINION_FIELDS},
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(_next_url(n, step))
        _keep_invalid(request, n, step)
    return _render_step(
        request, "nominations/step_opinion.html", _step_context(request, n, step, form=form)
    )


def _step_review(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    step = Nomination.Step.REVIEW
    submit_errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            actions.do_submit_nomination(acting_user=request.user, nomination_id=n.pk)
        except actions.SubmissionBlocked as exc:
            submit_errors = exc.problems
        except DomainError as exc:
            submit_errors = [(exc.rule, str(exc.message))]
        else:
            n.refresh_from_db()
            if n.current_level is not None and n.status == S.SUBMITTED:
                text = _("Submitted. It now awaits endorsement by %(org)s.") % {
                    "org": n.current_level.name
                }
            else:
                text = _("Submitted. It now awaits the format check.")
            messages.success(request, text)
            return redirect("nominations:detail", pk=n.pk)
    problems, verdicts = actions.submission_problems(n)
    by_step = {p.code: p.step for p in completeness_problems(n)}
    return _render_step(
        request,
        "nominations/step_review.html",
        _step_context(
            request,
            n,
            step,
            verdicts=verdict_rows(n, verdicts),
            problems=[
                {
                    "code": code,
                    "message": message,
                    "url": reverse("nominations:step", args=[n.pk, by_step[code]])
                    if code in by_step
                    else "",
                }
                for code, message in problems
            ],
            submit_errors=submit_errors,
            statements=_statements(n),
            general_evidence=_general_evidence(n),
            chain_levels=_chain_preview(n),
        ),
    )


def _chain_preview(n: Nomination) -> list[Any]:
    from jiangxin.nominations.chain import endorsing_levels

    return endorsing_levels(n.campaign, n.nominating_unit)


STEP_VIEWS = {
    Nomination.Step.STATEMENTS: _step_statements,
    Nomination.Step.OPINION: _step_opinion,
    Nomination.Step.REVIEW: _step_review,
}


@require_http_methods(["GET", "POST"])
def nomination_step(request: AuthedHttpRequest, pk: int, step: str) -> HttpResponse:
    n = _editable(request, pk)
    if step not in Nomination.Step.values:
        raise Http404
    refused = _refuse_if_locked(request, n)
    if refused is not None:
        return refused
    from jiangxin.nominations import step_views

    view = STEP_VIEWS.get(Nomination.Step(step)) or step_views.STEP_VIEWS[Nomination.Step(step)]
    return view(request, n)


@require_POST
def nomination_autosave(request: AuthedHttpRequest, pk: int, step: str) -> HttpResponse:
    """Keep the current step's input as typed (htmx, on change)."""
    n = _editable(request, pk)
    if step not in Nomination.Step.values:
        raise Http404
    try:
        n = actions.do_save_draft_input(
            acting_user=request.user, nomination_id=n.pk, step=step, data=_post_data(request)
        )
    except DomainError as exc:
        return render(
            request, "nominations/_autosave_status.html", {"error": exc.message}, status=409
        )
    return render(
        request,
        "nominations/_autosave_status.html",
        {
            "saved": timezone.localtime(n.updated_at),
            "saved_at": int(n.updated_at.timestamp() * 1000),
        },
    )


# --- Format check -----------------------------------------------------------------------------


def _campaign_for_check(request: AuthedHttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(program_selectors.campaigns_visible_to(request.user), pk=pk)
    _require(rules.can_run_format_check(request.user, campaign))
    return campaign


@require_http_methods(["GET"])
def format_check_board(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's format check: progress by recommending organization and the queue."""
    from jiangxin.programs import rules as program_rules

    campaign = _campaign_for_check(request, pk)
    reached = (
        Nomination.objects.filter(campaign=campaign)
        .exclude(status__in=[S.DRAFT, S.SUBMITTED, S.WITHDRAWN])
        .exclude(status=S.RETURNED, return_stage=Nomination.ReturnStage.CHAIN)
    )
    allocations = campaign.allocations.filter(parent__isnull=True).select_related("organization")
    rows = []
    for allocation in allocations:
        org = allocation.organization
        counts = reached.filter(nominating_unit__path__startswith=org.path).aggregate(
            pending=Count("pk", filter=Q(status=S.ENDORSED)),
            returned=Count("pk", filter=Q(status=S.RETURNED)),
            accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=S.REJECTED)),
        )
        rows.append({"allocation": allocation, **counts, "total": sum(counts.values())})
    quiet = [row for row in rows if not row["total"]]
    rows = [row for row in rows if row["total"]]
    queue = selectors.list_queryset(reached.filter(status__in=[S.ENDORSED, S.RETURNED])).order_by(
        "status", "submitted_at"
    )
    progress = actions.format_check_progress(campaign)
    return render(
        request,
        "nominations/format_check_board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "quiet": quiet,
            "queue": queue,
            "progress": progress,
            "today": timezone.localdate(),
            "is_open": campaign.status == Campaign.Status.FORMAT_CHECK,
            "can_close": program_rules.can_manage_campaign(request.user, campaign)
            and campaign.status == Campaign.Status.FORMAT_CHECK,
            "breadcrumbs": [
                {"label": _("Campaigns"), "url": reverse("programs:campaign_list")},
                {
                    "label": campaign.name,
                    "url": reverse("programs:campaign_detail", args=[campaign.pk]),
                },
                {"label": _("Format check")},
            ],
        },
    )


@require_POST
def format_check_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_check(request, pk)
    try:
        actions.do_close_format_check(acting_user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The format check is closed; the accepted nominations go to the expert review."),
        )
    return redirect("nominations:format_check", pk=campaign.pk)


@require_http_methods(["GET", "POST"])
def format_check_nomination(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    n = _get(request, pk)
    _require(rules.can_run_format_check(request.user, n.campaign))
    cited = actions.citable_rules(n.campaign)
    open_check = n.format_checks.filter(decided_at__isnull=True).first()
    initial: dict[str, Any] = {}
    if open_check is not None:
        initial = {name: getattr(open_check, name) for name in actions.CHECKLIST}
        initial["notes"] = open_check.notes
    form = forms.FormatCheckForm(request.POST or None, rules=cited, initial=initial)
    decidable = rules.can_decide_format_check(request.user, n)
    if request.method == "POST":
        _require(decidable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("action") == "save_checklist":
                    actions.do_save_format_checklist(
                        acting_user=request.user,
                        nomination_id=n.pk,
                        checklist=form.checklist(),
                        notes=data["notes"],
                    )
                    messages.success(request, _("The checklist was saved."))
                    return redirect("nominations:check", pk=n.pk)
                actions.do_decide_format_check(
                    acting_user=request.user,
                    nomination_id=n.pk,
                    decision=data["decision"],
                    checklist=form.checklist(),
                    notes=data["notes"],
                    rule_code=data["rule_code"],
                    reason=data["reason"],
                    return_deadline=data["return_deadline"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("The decision on %(number)s was recorded.") % {"number": n.number}
                )
                return redirect("nominations:format_check", pk=n.campaign_id)
    return render(
        request,
        "nominations/format_check_nomination.html",
        {
            "nomination": n,
            "form": form,
            "decidable": decidable,
            "verdicts": verdict_rows(n, [Verdict.from_dict(v) for v in n.eligibility]),
            "statements": _statements(n),
            "general_evidence": _general_evidence(n),
            "steps": selectors.chain_of(n),
            "checks": n.format_checks.filter(decided_at__isnull=False).select_related("decided_by"),
            "rules_cited": cited,
            "breadcrumbs": [
                {
                    "label": _("Format check"),
                    "url": reverse("nominations:format_check", args=[n.campaign_id]),
                },
                {"label": _nomination_crumb(n)["label"]},
            ],
        },
    )


@require_POST
def format_check_reject_overdue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    n = _get(request, pk)
    _require(rules.can_run_format_check(request.user, n.campaign))
    try:
        actions.do_reject_overdue_return(acting_user=request.user, nomination_id=n.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The nomination was rejected: not corrected by its deadline."))
    return redirect("nominations:format_check", pk=n.campaign_id)
