"""Conflict-of-interest pages (pool stage).

- The conflict report of a campaign (every conflict with its reason, counts per kind, the
  nominations with the fewest conflict-free experts; Excel export), with "recompute", "record
  a conflict" and "remove a declared conflict": the campaign's program officers.
- "My conflicts of interest" in a campaign: the invited or accepted expert declares relations
  with nominees (a nominee they already conflict with is never listed).
- "Experts to avoid": the nominee's unit (its preparers) asks from the nomination page
  (link it with ``{% include "reviews/conflicts/_avoid_link.html" %}`` and the decision
  ``can_request_avoidance`` = `rules.can_request_avoidance(user, nomination)`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.core.excel import dated_filename, xlsx_response
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations.models import Nomination
from jiangxin.nominations.selectors import nominations_visible_to
from jiangxin.programs.models import Campaign
from jiangxin.reviews import conflicts, pool, rules
from jiangxin.reviews import forms_pool as forms
from jiangxin.reviews.models import Conflict, Invitation
from jiangxin.reviews.selectors import expert_profile_of, experts_visible_to
from jiangxin.reviews.views_pool import campaign_crumbs, managed_campaign

PAGE_SIZE = 50
#: The nominations shown on the page, fewest conflict-free experts first (all in the export).
COVERAGE_SHOWN = 20


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _record_form(
    request: AuthedHttpRequest, campaign: Campaign, data: Any = None
) -> forms.RecordConflictForm:
    experts = (
        experts_visible_to(request.user)
        .filter(pk__in=conflicts.scope_experts(campaign).values("pk"))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    nominations = (
        Nomination.objects.filter(campaign=campaign, status__in=conflicts.DECLARABLE_STATUSES)
        .select_related("person", "nominating_unit")
        .order_by("number")
    )
    return forms.RecordConflictForm(data, experts=experts, nominations=nominations)


def _report_page(
    request: AuthedHttpRequest,
    campaign: Campaign,
    *,
    record_form: forms.RecordConflictForm | None = None,
    status: int = 200,
) -> HttpResponse:
    filter_form = forms.ConflictFilterForm(request.GET or None)
    rows = filter_form.filter(conflicts.campaign_conflicts(campaign))
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    report = conflicts.conflict_report(campaign)
    can_record = rules.can_record_conflicts(request.user, campaign)
    response = render(
        request,
        "reviews/conflicts/report.html",
        {
            "campaign": campaign,
            "report": report,
            "coverage": report.coverage[:COVERAGE_SHOWN],
            "coverage_more": max(0, len(report.coverage) - COVERAGE_SHOWN),
            "assigned": conflicts.active_pairs(campaign),
            "chain_level": conflicts.chain_level(campaign),
            "page_obj": page_obj,
            "filter_form": filter_form,
            "export_url": reverse("reviews:conflicts_export", args=[campaign.pk]),
            "can_record": can_record,
            "form": record_form or (_record_form(request, campaign) if can_record else None),
            "remove_form": forms.ReasonForm(),
            "breadcrumbs": campaign_crumbs(campaign, _("Conflicts of interest")),
        },
        status=status,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def conflicts_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    _require(rules.can_view_conflicts(request.user, campaign))
    return _report_page(request, campaign)


@require_GET
def conflicts_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    campaign = managed_campaign(request, pk)
    _require(rules.can_view_conflicts(request.user, campaign))
    filter_form = forms.ConflictFilterForm(request.GET or None)
    rows = filter_form.filter(conflicts.campaign_conflicts(campaign))
    file = conflicts.conflict_workbook(campaign, rows)
    record_event(
        "conflict.exported",
        actor=request.user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"filters": request.GET.dict()},
    )
    return xlsx_response(file, dated_filename(f"conflicts-{campaign.pk}"))


@require_POST
def conflicts_recompute(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    _require(rules.can_record_conflicts(request.user, campaign))
    result = conflicts.do_recompute_conflicts(acting_user=request.user, campaign_id=campaign.pk)
    messages.success(
        request,
        _("Conflicts recomputed: %(added)s added, %(removed)s no longer true, %(kept)s unchanged.")
        % {"added": result.added, "removed": result.removed, "kept": result.kept},
    )
    return redirect("reviews:conflicts_report", pk=campaign.pk)


@require_POST
def conflicts_record(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    _require(rules.can_record_conflicts(request.user, campaign))
    form = _record_form(request, campaign, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conflicts.do_record_conflict(
                acting_user=request.user,
                campaign_id=campaign.pk,
                expert_id=data["expert"].pk,
                nomination_id=data["nomination"].pk,
                kind=data["kind"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The conflict was recorded."))
            return redirect("reviews:conflicts_report", pk=campaign.pk)
    return _report_page(request, campaign, record_form=form)


@require_POST
def conflicts_remove(request: AuthedHttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    _require(rules.can_record_conflicts(request.user, campaign))
    conflict = get_object_or_404(Conflict.objects.filter(campaign=campaign), pk=conflict_pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for removing the conflict."))
        return redirect("reviews:conflicts_report", pk=campaign.pk)
    try:
        conflicts.do_remove_conflict(
            acting_user=request.user, conflict_id=conflict.pk, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The conflict was removed."))
    return redirect("reviews:conflicts_report", pk=campaign.pk)


# --- The expert's own declarations ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def conflicts_mine(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.is_expert(request.user))
    profile = expert_profile_of(request.user)
    _require(profile is not None)
    assert profile is not None  # noqa: S101 - for the type checker
    invitation = get_object_or_404(
        Invitation.objects.filter(expert=profile, status__in=pool.OPEN_INVITATION).select_related(
            "campaign", "campaign__issuing_org"
        ),
        campaign_id=pk,
    )
    campaign = invitation.campaign
    can_declare = campaign.status in rules.conflict_statuses()
    nominations = conflicts.declarable_nominations(profile, campaign)
    form = forms.OwnConflictForm(
        request.POST if request.method == "POST" else None, nominations=nominations
    )
    if request.method == "POST":
        _require(can_declare)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conflicts.do_declare_own_conflict(
                    acting_user=request.user,
                    campaign_id=campaign.pk,
                    nomination_id=data["nomination"].pk,
                    kind=data["kind"],
                    reason=data["reason"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Thank you. You will not be assigned this nominee, and will not see them."),
                )
                return redirect("reviews:conflicts_mine", pk=campaign.pk)
    return render(
        request,
        "reviews/conflicts/mine.html",
        {
            "campaign": campaign,
            "invitation": invitation,
            "declarations": conflicts.own_declarations(profile, campaign),
            "nominations": nominations,
            "form": form,
            "can_declare": can_declare,
            "breadcrumbs": [
                {
                    "label": _("My review invitations"),
                    "url": reverse("reviews:pool_my_invitations"),
                },
                {"label": _("My conflicts of interest")},
            ],
        },
    )


# --- Experts to avoid (the nominee's unit) ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def conflicts_avoid(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        nominations_visible_to(request.user).select_related(
            "campaign", "campaign__issuing_org", "person", "nominating_unit"
        ),
        pk=pk,
    )
    _require(rules.can_request_avoidance(request.user, nomination))
    form = forms.AvoidanceForm(request.POST or None)
    person = nomination.person.name if nomination.person else ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conflicts.do_request_avoidance(
                acting_user=request.user,
                nomination_id=nomination.pk,
                expert_name=data["expert_name"],
                employer_name=data.get("employer_name") or "",
                kind=data["kind"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your request was passed to the program officers of the campaign, who keep "
                    "the expert list. You are not told who is on it."
                ),
            )
            return redirect("nominations:detail", pk=nomination.pk)
    return render(
        request,
        "reviews/conflicts/avoid.html",
        {
            "nomination": nomination,
            "form": form,
            "breadcrumbs": [
                {"label": _("Nominations"), "url": reverse("nominations:list")},
                {
                    "label": f"{nomination.number} {person}",
                    "url": reverse("nominations:detail", args=[nomination.pk]),
                },
                {"label": _("Experts to avoid")},
            ],
        },
    )


urlpatterns: list[URLPattern] = [
    path("campaigns/<int:pk>/conflicts/", conflicts_report, name="conflicts_report"),
    path("campaigns/<int:pk>/conflicts.xlsx", conflicts_export, name="conflicts_export"),
    path(
        "campaigns/<int:pk>/conflicts/recompute/", conflicts_recompute, name="conflicts_recompute"
    ),
    path("campaigns/<int:pk>/conflicts/record/", conflicts_record, name="conflicts_record"),
    path(
        "campaigns/<int:pk>/conflicts/<int:conflict_pk>/remove/",
        conflicts_remove,
        name="conflicts_remove",
    ),
    path("my/campaigns/<int:pk>/conflicts/", conflicts_mine, name="conflicts_mine"),
    path("nominations/<int:pk>/avoid/", conflicts_avoid, name="conflicts_avoid"),
]
