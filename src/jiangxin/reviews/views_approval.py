"""Final approval (审定) pages, for the program officers of the campaign's issuing
organization (404 for anyone else):

- the approval page: the panel's passed list against the quota, its balance by region,
  industry, gender and age (ECharts, each with a table), and the confirmation;
- the approval record: the frozen list, its digest (checked again on every view), who
  approved it and when;
- the Excel export of the approved list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations.models import Nomination
from jiangxin.programs.models import Campaign
from jiangxin.reviews import approval, rules
from jiangxin.reviews.forms_panel import ApprovalForm
from jiangxin.reviews.models import FinalApproval
from jiangxin.reviews.views_panel import campaign_crumbs, managed_campaign, nominee_label


def _approval(campaign: Campaign) -> FinalApproval | None:
    return FinalApproval.objects.filter(campaign=campaign).select_related("approved_by").first()


def _rows(entries: list[Any], facts: list[approval.Facts]) -> list[dict[str, Any]]:
    return [
        {"entry": e, "label": nominee_label(e), "facts": f}
        for e, f in zip(entries, facts, strict=True)
    ]


def _approval_page(
    request: AuthedHttpRequest, campaign: Campaign, form: ApprovalForm | None = None
) -> HttpResponse:
    lists = approval.approval_lists(campaign)
    record = _approval(campaign)
    facts = approval.nominee_facts(lists.approved, campaign.year)
    charts = approval.chart_data(approval.balance(facts))
    items = approval.frozen_items(lists.approved)
    digest = approval.list_digest(campaign.pk, items)
    can_approve = (
        rules.can_approve_final(request.user, campaign, record is not None)
        and lists.meeting is not None
    )
    others = [*lists.beyond_quota, *lists.failed]
    context = {
        "campaign": campaign,
        "lists": lists,
        "record": record,
        "approved_rows": _rows(lists.approved, facts),
        "other_rows": _rows(others, approval.nominee_facts(others, campaign.year)),
        "charts": [
            {
                **chart,
                "payload": {
                    k: chart[k] for k in ("kind", "title", "axis", "series", "labels", "values")
                },
                "json_id": f"{chart['id']}-data",
            }
            for chart in charts
        ],
        "passed_count": len(lists.approved) + len(lists.beyond_quota),
        "digest": digest,
        "can_approve": can_approve,
        "form": form or ApprovalForm(initial={"digest": digest}),
        "breadcrumbs": campaign_crumbs(campaign, {"label": _("Final approval")}),
    }
    return render(request, "reviews/approval/detail.html", context)


@require_GET
def approval_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _approval_page(request, managed_campaign(request, pk))


@require_POST
def approval_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    if _approval(campaign) is not None:  # e.g. a second click: the list is approved already
        return redirect("reviews:approval_record", pk=campaign.pk)
    if not rules.can_approve_final(request.user, campaign, approved=False):
        raise Http404
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            approval.do_approve_final(
                acting_user=request.user,
                campaign_id=campaign.pk,
                notes=form.cleaned_data["notes"],
                expected_digest=form.cleaned_data["digest"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The list is approved and frozen; the campaign moves to the public notice."),
            )
            return redirect("reviews:approval_record", pk=campaign.pk)
    campaign.refresh_from_db()
    return _approval_page(request, campaign, form)


@require_GET
def approval_record(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    record = _approval(campaign)
    if record is None:
        raise Http404
    nominations = {
        n.pk: n
        for n in Nomination.objects.filter(
            pk__in=[item["nomination"] for item in record.approved]
        ).select_related("person", "nominating_unit")
    }
    items = [
        {**item, "nomination_obj": nominations.get(item["nomination"])} for item in record.approved
    ]
    return render(
        request,
        "reviews/approval/record.html",
        {
            "campaign": campaign,
            "record": record,
            "items": items,
            "verified": approval.verify_approval(record),
            "breadcrumbs": campaign_crumbs(
                campaign,
                {"label": _("Final approval"), "url": _url("reviews:approval_detail", campaign)},
                {"label": _("Approval record")},
            ),
        },
    )


def _url(name: str, campaign: Campaign) -> str:
    from django.urls import reverse

    return reverse(name, args=[campaign.pk])


@require_GET
def approval_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    from jiangxin.core.excel import dated_filename, xlsx_response
    from jiangxin.reviews.panel_export import approved_workbook

    campaign = managed_campaign(request, pk)
    lists = approval.approval_lists(campaign)
    if lists.meeting is None:
        raise Http404
    file = approved_workbook(campaign, lists.approved)
    return xlsx_response(file, dated_filename(f"approved-list-{campaign.pk}"))


urlpatterns: list[URLPattern] = [
    path("approval/campaigns/<int:pk>/", approval_detail, name="approval_detail"),
    path("approval/campaigns/<int:pk>/confirm/", approval_confirm, name="approval_confirm"),
    path("approval/campaigns/<int:pk>/record/", approval_record, name="approval_record"),
    path("approval/campaigns/<int:pk>/export/", approval_export, name="approval_export"),
]
