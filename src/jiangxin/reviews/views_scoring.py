"""Online review (网审) pages.

Experts: "My reviews" (their assignments by campaign, with each sheet's status and the
deadline), the score sheet (the nominee's material beside the form: save a draft, autosave,
submit), and evidence downloads. Every expert route reads the assignment through
`selectors.assignments_for_expert`, so an unassigned or conflicted nomination answers 404.

Program officers of the campaign's issuing organization (`rules.can_manage_review`): the list
of campaigns in review, progress per expert and per nomination, reminders, each nomination's
sheets with reopening, closing the online review, and the calibrated ranking with its Excel
export.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.masking import mask_numbers_in
from jiangxin.nominations.models import Evidence, Nomination
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign, Dimension, RubricLevel
from jiangxin.reviews import calibration, rules, scoring, selectors
from jiangxin.reviews import scoring_selectors as reads
from jiangxin.reviews.forms_scoring import (
    MyReviewsFilterForm,
    ProgressFilterForm,
    RankingFilterForm,
    ReopenForm,
    ScoreSheetForm,
)
from jiangxin.reviews.models import Assignment, ScoreSheet

PAGE_SIZE = 50
SheetStatus = ScoreSheet.Status


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _refusal(exc: DomainError) -> dict[str, str]:
    return {"message": str(exc.message), "rule": exc.rule}


# --- The expert's pages -----------------------------------------------------------------------


def _mine_crumb() -> dict[str, str]:
    return {"label": _("My reviews"), "url": reverse("reviews:scoring_mine")}


def _expert_assignment(request: AuthedHttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        selectors.assignments_for_expert(request.user).select_related(
            "campaign__policy_version", "nomination__person", "sheet"
        ),
        pk=pk,
    )


@require_GET
def scoring_mine(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_open_my_reviews(request.user))
    form = MyReviewsFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    groups = reads.my_reviews(request.user, status=status)
    context = {
        "groups": groups,
        "filter_form": form,
        "status": status,
        "breadcrumbs": [{"label": _("My reviews")}],
    }
    if request.htmx:
        return render(request, "reviews/scoring/mine.html#results", context)
    return render(request, "reviews/scoring/mine.html", context)


def _dimensions(campaign: Campaign) -> list[Dimension]:
    return list(campaign.policy_version.dimensions.prefetch_related("levels").order_by("order"))


def _initial(sheet: ScoreSheet | None) -> dict[str, Any]:
    """The form's content: the draft as typed, else the scores last submitted."""
    if sheet is None:
        return {}
    if sheet.draft:
        return dict(sheet.draft)
    initial: dict[str, Any] = {scoring.OVERALL_FIELD: sheet.comment}
    for score in sheet.scores.all():
        initial[scoring.score_field(score.dimension_id)] = score.value
        initial[scoring.comment_field(score.dimension_id)] = score.comment
    return initial


def _form_rows(form: ScoreSheetForm, dimensions: list[Dimension]) -> list[dict[str, Any]]:
    rows = []
    for d in dimensions:
        score = form[scoring.score_field(d.pk)]
        value = scoring.parse_score(score.value())
        levels = list(d.levels.all())
        band = reads.band_of(levels, value)
        comment = form[scoring.comment_field(d.pk)]
        needs_comment = (
            value in (d.score_min, d.score_max) and not str(comment.value() or "").strip()
        )
        rows.append(
            {
                "dimension": d,
                "score": score,
                "comment": comment,
                "levels": levels,
                "band": band,
                "band_text": " ".join(
                    t
                    for t in (
                        band_text(band) if band else "",
                        _("A top or bottom score needs a comment.") if needs_comment else "",
                    )
                    if t
                ),
                "value": value,
            }
        )
    return rows


def band_text(level: RubricLevel) -> str:
    """The same words scoring.js writes as a score is typed."""
    return (
        _("Band: {label} ({from}–{to})")
        .replace("{label}", level.label)
        .replace("{from}", str(level.score_from))
        .replace("{to}", str(level.score_to))
    )


def _sheet_page(
    request: AuthedHttpRequest,
    assignment: Assignment,
    *,
    form: ScoreSheetForm | None = None,
    refusal: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = assignment.campaign
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    dimensions = _dimensions(campaign)
    can_edit = rules.can_edit_sheet(request.user, assignment, sheet)
    if form is None:
        form = ScoreSheetForm(dimensions=dimensions, initial=_initial(sheet))
    material = reads.nominee_material(assignment)
    scores = {s.dimension_id: s for s in sheet.scores.all()} if sheet is not None else {}
    submitted_rows = (
        [{"dimension": d, "score": scores.get(d.pk)} for d in dimensions]
        if sheet is not None and sheet.status == SheetStatus.SUBMITTED
        else []
    )
    context = {
        "assignment": assignment,
        "campaign": campaign,
        "sheet": sheet,
        "status": sheet.status if sheet else SheetStatus.NOT_STARTED,
        "status_label": (sheet.get_status_display() if sheet else SheetStatus.NOT_STARTED.label),
        "material": material,
        "form": form,
        "rows": _form_rows(form, dimensions),
        "submitted_rows": submitted_rows,
        "total": calibration.sheet_total(
            {d: s.value for d, s in scores.items()}, calibration.dimension_specs(campaign)
        )
        if submitted_rows
        else None,
        "can_edit": can_edit,
        "is_open": campaign.status == Campaign.Status.ONLINE_REVIEW,
        "refusal": refusal,
        "autosave_url": reverse("reviews:scoring_autosave", args=[assignment.pk]),
        "saved_at": int(sheet.updated_at.timestamp() * 1000) if sheet else 0,
        "breadcrumbs": [_mine_crumb(), {"label": material.label}],
    }
    return render(request, "reviews/scoring/sheet.html", context, status=status)


@require_http_methods(["GET", "POST"])
def scoring_sheet(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assignment = _expert_assignment(request, pk)
    if request.method != "POST":
        return _sheet_page(request, assignment)
    campaign = assignment.campaign
    if request.POST.get("action") == "save_draft":
        try:
            scoring.do_save_score_draft(
                acting_user=request.user, assignment_id=assignment.pk, data=request.POST
            )
        except DomainError as exc:
            return _sheet_page(request, assignment, refusal=_refusal(exc), status=409)
        messages.success(request, _("Your draft was saved. It is not submitted yet."))
        return redirect("reviews:scoring_sheet", pk=assignment.pk)
    dimensions = _dimensions(campaign)
    form = ScoreSheetForm(request.POST, dimensions=dimensions)
    if form.is_valid() and form.parsed is not None:
        try:
            scoring.do_submit_score_sheet(
                acting_user=request.user,
                assignment_id=assignment.pk,
                scores=form.parsed.scores,
                comments=form.parsed.comments,
                comment=form.parsed.comment,
            )
        except scoring.SheetInvalid as exc:
            form.add_problems(exc.problems)
        except DomainError as exc:
            return _sheet_page(request, assignment, form=form, refusal=_refusal(exc), status=409)
        else:
            messages.success(
                request,
                _("Your scores for %(nominee)s were submitted.")
                % {
                    "nominee": reads.nominee_label(
                        assignment.nomination, blind=reads.is_blind(campaign)
                    )
                },
            )
            return redirect("reviews:scoring_mine")
    # Not submittable yet: keep what was typed, so nothing is lost.
    try:
        scoring.do_save_score_draft(
            acting_user=request.user, assignment_id=assignment.pk, data=request.POST
        )
    except DomainError as exc:
        return _sheet_page(request, assignment, form=form, refusal=_refusal(exc), status=409)
    return _sheet_page(request, assignment, form=form)


@require_POST
def scoring_autosave(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Keep the sheet's input as typed (htmx, a few seconds after typing stops)."""
    assignment = _expert_assignment(request, pk)
    try:
        sheet = scoring.do_save_score_draft(
            acting_user=request.user, assignment_id=assignment.pk, data=request.POST
        )
    except DomainError as exc:
        return render(
            request,
            "nominations/_autosave_status.html",
            {"error": f"{exc.message} ({exc.rule})"},
            status=409,
        )
    return render(
        request,
        "nominations/_autosave_status.html",
        {
            "saved": timezone.localtime(sheet.updated_at),
            "saved_at": int(sheet.updated_at.timestamp() * 1000),
        },
    )


@require_GET
def scoring_evidence(request: AuthedHttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    from pathlib import PurePosixPath

    from jiangxin.people.files import attachment_response, content_disposition

    assignment = _expert_assignment(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("attachment"),
        pk=evidence_pk,
        nomination_id=assignment.nomination_id,
    )
    response = attachment_response(evidence.attachment)
    name = reads.evidence_download_name(evidence, assignment)
    if name is not None:
        suffix = PurePosixPath(evidence.attachment.file.name).suffix.lower()
        response["Content-Disposition"] = content_disposition(name, suffix)
    record_event(
        "review.evidence_downloaded",
        actor=request.user,
        obj=assignment.nomination,
        summary={
            "assignment": assignment.pk,
            "evidence": evidence.pk,
            "attachment": evidence.attachment_id,
        },
    )
    return response


# --- The program officer's pages -------------------------------------------------------------


def _campaigns_crumb() -> dict[str, str]:
    return {"label": _("Online review"), "url": reverse("reviews:scoring_campaigns")}


def _managed_campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(
        program_selectors.campaigns_visible_to(request.user).select_related(
            "policy_version", "issuing_org"
        ),
        pk=pk,
    )
    _require(rules.can_manage_review(request.user, campaign))
    return campaign


def _campaign_crumbs(campaign: Campaign, *tail: dict[str, str]) -> list[dict[str, str]]:
    return [
        _campaigns_crumb(),
        {"label": campaign.name, "url": reverse("reviews:scoring_progress", args=[campaign.pk])},
        *tail,
    ]


def _campaign_decisions(request: AuthedHttpRequest, campaign: Campaign) -> dict[str, bool]:
    return {
        "can_remind": rules.can_remind_experts(request.user, campaign),
        "can_close": rules.can_close_online_review(request.user, campaign),
    }


@require_GET
def scoring_campaigns(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_follow_online_reviews(request.user))
    active = Q(assignments__status=Assignment.Status.ACTIVE)
    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(request.user)
        .filter(status__in=rules.CAMPAIGN_REVIEWED_STATUSES)
        .select_related("issuing_org")
        .annotate(
            assigned=Count("assignments", filter=active),
            submitted=Count(
                "assignments",
                filter=active & Q(assignments__sheet__status=SheetStatus.SUBMITTED),
            ),
        )
        .order_by("-year", "tier", "pk")
        if rules.can_manage_review(request.user, c)
    ]
    return render(
        request,
        "reviews/scoring/campaigns.html",
        {"campaigns": campaigns, "breadcrumbs": [{"label": _("Online review")}]},
    )


@require_GET
def scoring_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    today = timezone.localdate()
    experts = reads.expert_progress(campaign, today)
    totals = {
        "assigned": sum(e.assigned for e in experts),
        "submitted": sum(e.submitted for e in experts),
        "late": sum(1 for e in experts if e.late),
        "outstanding": sum(1 for e in experts if e.outstanding),
    }
    return render(
        request,
        "reviews/scoring/progress.html",
        {
            "campaign": campaign,
            "experts": experts,
            "totals": totals,
            "overdue": today > campaign.review_ends,
            "tab": "experts",
            **_campaign_decisions(request, campaign),
            "breadcrumbs": [_campaigns_crumb(), {"label": campaign.name}],
        },
    )


@require_GET
def scoring_progress_nominations(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    form = ProgressFilterForm(request.GET or None)
    missing_only = bool(form.is_bound and form.is_valid() and form.cleaned_data.get("missing"))
    qs = reads.nomination_progress(campaign, missing_only=missing_only)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "page_obj": page_obj,
        "filter_form": form,
        "tab": "nominations",
        **_campaign_decisions(request, campaign),
        "breadcrumbs": _campaign_crumbs(campaign, {"label": _("Progress by nomination")}),
    }
    if request.htmx:
        return render(request, "reviews/scoring/progress_nominations.html#results", context)
    return render(request, "reviews/scoring/progress_nominations.html", context)


@require_POST
def scoring_remind(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    raw = request.POST.get("expert", "")
    expert_ids = [int(raw)] if raw.isdigit() else None
    try:
        sent = scoring.do_remind_experts(
            acting_user=request.user, campaign_id=campaign.pk, expert_ids=expert_ids
        )
    except DomainError as exc:
        messages.error(request, f"{exc.message} ({exc.rule})")
    else:
        if sent:
            messages.success(
                request,
                ngettext("%(count)s expert was reminded.", "%(count)s experts were reminded.", sent)
                % {"count": sent},
            )
        else:
            messages.info(
                request,
                _(
                    "Nobody was reminded: no expert has sheets left, or they were already "
                    "reminded today."
                ),
            )
    return redirect("reviews:scoring_progress", pk=campaign.pk)


@require_POST
def scoring_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        scoring.do_close_online_review(acting_user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        messages.error(request, f"{exc.message} ({exc.rule})")
    else:
        messages.success(
            request, _("The online review is closed. The campaign moves to the panel meeting.")
        )
    return redirect("reviews:scoring_progress", pk=campaign.pk)


def _sheet_rows(campaign: Campaign, nomination: Nomination) -> list[dict[str, Any]]:
    dimensions = list(campaign.policy_version.dimensions.order_by("order"))
    specs = calibration.dimension_specs(campaign)
    assignments = (
        Assignment.objects.filter(campaign=campaign, nomination=nomination)
        .select_related("expert__user", "sheet")
        .prefetch_related("sheet__scores")
        .order_by("status", "expert__user__full_name", "pk")
    )
    rows = []
    for a in assignments:
        sheet = getattr(a, "sheet", None)
        scores = {s.dimension_id: s for s in sheet.scores.all()} if sheet is not None else {}
        submitted = sheet is not None and sheet.status == SheetStatus.SUBMITTED
        rows.append(
            {
                "assignment": a,
                "sheet": sheet,
                "status": reads.sheet_status(a),
                "status_label": sheet.get_status_display()
                if sheet
                else SheetStatus.NOT_STARTED.label,
                "scores": [scores.get(d.pk) if submitted else None for d in dimensions],
                "total": calibration.sheet_total({k: v.value for k, v in scores.items()}, specs)
                if submitted
                else None,
                "comment": mask_numbers_in(sheet.comment) if submitted and sheet else "",
                "dimension_comments": [
                    (d.name, mask_numbers_in(scores[d.pk].comment))
                    for d in dimensions
                    if submitted and d.pk in scores and scores[d.pk].comment
                ],
                "can_reopen": submitted and a.status == Assignment.Status.ACTIVE,
            }
        )
    return rows


@require_GET
def scoring_nomination(request: AuthedHttpRequest, pk: int, nomination_pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    nomination = get_object_or_404(
        Nomination.objects.filter(campaign=campaign).select_related("person", "nominating_unit"),
        pk=nomination_pk,
    )
    return render(
        request,
        "reviews/scoring/nomination.html",
        {
            "campaign": campaign,
            "nomination": nomination,
            "dimensions": list(campaign.policy_version.dimensions.order_by("order")),
            "rows": _sheet_rows(campaign, nomination),
            "can_reopen": rules.can_reopen_sheets(request.user, campaign),
            "breadcrumbs": _campaign_crumbs(
                campaign,
                {
                    "label": _("Progress by nomination"),
                    "url": reverse("reviews:scoring_progress_nominations", args=[campaign.pk]),
                },
                {"label": str(nomination)},
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def scoring_reopen(request: AuthedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.filter(campaign=campaign).select_related(
            "expert__user", "nomination__person", "sheet"
        ),
        pk=assignment_pk,
    )
    _require(rules.can_reopen_sheets(request.user, campaign))
    sheet = getattr(assignment, "sheet", None)
    _require(sheet is not None and sheet.status == SheetStatus.SUBMITTED)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scoring.do_reopen_score_sheet(
                acting_user=request.user,
                assignment_id=assignment.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, f"{exc.message} ({exc.rule})")
        else:
            messages.success(
                request,
                _("The sheet of %(expert)s is reopened; they were notified.")
                % {"expert": assignment.expert},
            )
            return redirect(
                "reviews:scoring_nomination", pk=campaign.pk, nomination_pk=assignment.nomination_id
            )
    nomination_url = reverse(
        "reviews:scoring_nomination", args=[campaign.pk, assignment.nomination_id]
    )
    return render(
        request,
        "reviews/scoring/reopen.html",
        {
            "campaign": campaign,
            "assignment": assignment,
            "sheet": sheet,
            "form": form,
            "cancel_url": nomination_url,
            "breadcrumbs": _campaign_crumbs(
                campaign,
                {"label": str(assignment.nomination), "url": nomination_url},
                {"label": _("Reopen a score sheet")},
            ),
        },
    )


# --- Ranking ----------------------------------------------------------------------------------


def _ranking_context(request: AuthedHttpRequest, campaign: Campaign) -> dict[str, Any]:
    from jiangxin.reviews.scoring_export import ranking_rows, recommending_organizations

    organizations = recommending_organizations(campaign)
    form = RankingFilterForm(
        request.GET or None,
        organizations=[(o.pk, o.display_name) for o in organizations],
    )
    method, organization_id, disagreements_only = form.values()
    results = calibration.campaign_ranking(campaign)
    rows = ranking_rows(campaign, results, method=method, organizations=organizations)
    if organization_id is not None:
        rows = [r for r in rows if r.organization and r.organization.pk == organization_id]
    if disagreements_only:
        rows = [r for r in rows if r.result.disagreement]
    return {
        "campaign": campaign,
        "rows": rows,
        "method": method,
        "count": len(results),
        "disagreements": sum(1 for r in results if r.disagreement),
        "last_submission": calibration.last_submission(campaign),
        "filter_form": form,
        "export_url": reverse("reviews:scoring_ranking_export", args=[campaign.pk]),
        "threshold": calibration.DISAGREEMENT_SHARE
        * calibration.total_range(calibration.dimension_specs(campaign)),
        "near_tie_points": calibration.NEAR_TIE_POINTS,
        "notes": calibration.METHOD_NOTES,
        **_campaign_decisions(request, campaign),
        "breadcrumbs": _campaign_crumbs(campaign, {"label": _("Ranking")}),
    }


@require_GET
def scoring_ranking(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    context = _ranking_context(request, campaign)
    if request.htmx:
        return render(request, "reviews/scoring/ranking.html#results", context)
    return render(request, "reviews/scoring/ranking.html", context)


@require_GET
def scoring_ranking_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    from jiangxin.core.excel import dated_filename, xlsx_response
    from jiangxin.reviews.scoring_export import build_ranking_workbook

    campaign = _managed_campaign(request, pk)
    file, summary = build_ranking_workbook(campaign)
    record_event(
        "review.ranking_exported",
        actor=request.user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary=summary,
    )
    return xlsx_response(file, dated_filename(f"ranking-{campaign.pk}"))


urlpatterns: list[URLPattern] = [
    path("scoring/", scoring_mine, name="scoring_mine"),
    path("scoring/sheets/<int:pk>/", scoring_sheet, name="scoring_sheet"),
    path("scoring/sheets/<int:pk>/autosave/", scoring_autosave, name="scoring_autosave"),
    path(
        "scoring/sheets/<int:pk>/evidence/<int:evidence_pk>/",
        scoring_evidence,
        name="scoring_evidence",
    ),
    path("scoring/campaigns/", scoring_campaigns, name="scoring_campaigns"),
    path("scoring/campaigns/<int:pk>/", scoring_progress, name="scoring_progress"),
    path(
        "scoring/campaigns/<int:pk>/nominations/",
        scoring_progress_nominations,
        name="scoring_progress_nominations",
    ),
    path(
        "scoring/campaigns/<int:pk>/nominations/<int:nomination_pk>/",
        scoring_nomination,
        name="scoring_nomination",
    ),
    path(
        "scoring/campaigns/<int:pk>/assignments/<int:assignment_pk>/reopen/",
        scoring_reopen,
        name="scoring_reopen",
    ),
    path("scoring/campaigns/<int:pk>/remind/", scoring_remind, name="scoring_remind"),
    path("scoring/campaigns/<int:pk>/close/", scoring_close, name="scoring_close"),
    path("scoring/campaigns/<int:pk>/ranking/", scoring_ranking, name="scoring_ranking"),
    path(
        "scoring/campaigns/<int:pk>/ranking/export/",
        scoring_ranking_export,
        name="scoring_ranking_export",
    ),
]
