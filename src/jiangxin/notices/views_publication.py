"""Pages of the publication (公布) for the program officers: the form (with a PDF preview), and
the publication's result: the announcement, its documents as they are made, and the cohort.

The public downloads are the article's attachments on the portal (portal:attachment).
Include `urlpatterns` in the notices URLconf (namespace "notices").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.cultivation import consent
from jiangxin.cultivation import rules as cultivation_rules
from jiangxin.cultivation.models import CultivationRecord, Publication
from jiangxin.notices import publication as pub
from jiangxin.notices.forms_publication import PublicationForm
from jiangxin.programs.models import Campaign
from jiangxin.programs.selectors import campaigns_visible_to

COHORT_PAGE_SIZE = 50


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _crumbs(campaign: Campaign, last: str) -> list[dict[str, str]]:
    return [
        {"label": _("Campaigns"), "url": reverse("programs:campaign_list")},
        {"label": campaign.name, "url": reverse("programs:campaign_detail", args=[campaign.pk])},
        {"label": last},
    ]


def publication_link_for(user: Any, campaign: Campaign) -> dict[str, str] | None:
    """For the campaign page: where its publication is (or may be made), or None."""
    if not cultivation_rules.can_view_publication(user, campaign):
        return None
    publication = Publication.objects.filter(campaign=campaign).only("pk").first()
    if publication is not None:
        return {
            "url": reverse("notices:publication_detail", args=[publication.pk]),
            "label": _("Publication and cohort"),
        }
    if cultivation_rules.can_publish_results(user, campaign):
        return {
            "url": reverse("notices:publication_start", args=[campaign.pk]),
            "label": _("Publish the results"),
        }
    return None


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def publication_start(request: AuthedHttpRequest, campaign_pk: int) -> HttpResponseBase:
    """GET: the form with a first draft; POST "preview": the PDF as it would be; POST: publish."""
    campaign = get_object_or_404(
        campaigns_visible_to(request.user).select_related("issuing_org", "policy_version"),
        pk=campaign_pk,
    )
    _require(cultivation_rules.can_view_publication(request.user, campaign))
    existing = Publication.objects.filter(campaign=campaign).first()
    if existing is not None:
        return redirect("notices:publication_detail", existing.pk)
    _require(cultivation_rules.can_publish_results(request.user, campaign))
    confirmed = pub.confirmed_nominations(campaign)
    unnamed = sum(1 for n in confirmed if not consent.may_be_named(n))
    blocked = ""
    try:
        pub.check_publishable(campaign, request.user)
    except DomainError as exc:
        blocked = str(exc.message)
    form = PublicationForm(
        request.POST or None,
        initial=pub.suggested_input(campaign, timezone.localdate()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                content = pub.preview_document(
                    acting_user=request.user, campaign=campaign, **form.action_kwargs()
                )
                return _pdf_response(content, "preview.pdf")
            publication = pub.do_publish_results(
                acting_user=request.user, campaign_id=campaign.pk, **form.action_kwargs()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The list has been published and %(n)s cultivation records opened. The "
                    "PDF and the Excel list are being made."
                )
                % {"n": publication.cohort_size},
            )
            return redirect("notices:publication_detail", publication.pk)
    return render(
        request,
        "notices/publication/form.html",
        {
            "campaign": campaign,
            "form": form,
            "confirmed_count": len(confirmed),
            "unnamed_count": unnamed,
            "blocked": blocked,
            "months": campaign.policy_version.cultivation_months,
            "breadcrumbs": _crumbs(campaign, _("Publish the results")),
        },
    )


def _visible_publication(request: AuthedHttpRequest, pk: int) -> Publication:
    publication = get_object_or_404(
        Publication.objects.filter(campaign__in=campaigns_visible_to(request.user)).select_related(
            "campaign", "campaign__issuing_org", "article", "published_by"
        ),
        pk=pk,
    )
    _require(cultivation_rules.can_view_publication(request.user, publication.campaign))
    return publication


def _documents_context(request: AuthedHttpRequest, publication: Publication) -> dict[str, Any]:
    from jiangxin.portal.models import ArticleAttachment

    attachments = list(
        ArticleAttachment.objects.filter(
            pk__in=publication.attachment_ids, article_id=publication.article_id
        ).order_by("pk")
    )
    return {
        "publication": publication,
        "attachments": [
            {
                "name": a.original_name,
                "size": a.size,
                "url": reverse("portal:attachment", args=[publication.article_id, a.pk]),
            }
            for a in attachments
        ],
        "pending": publication.documents_status == Publication.DocumentStatus.PENDING,
        "can_remake": cultivation_rules.can_manage_publication(request.user, publication)
        and publication.documents_status != Publication.DocumentStatus.PENDING,
    }


@require_GET
def publication_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    publication = _visible_publication(request, pk)
    cohort = CultivationRecord.objects.filter(campaign=publication.campaign)
    # In surname stroke order, like the list: sort the names, then load one page of records.
    order = sorted(cohort.values_list("pk", "person__name"), key=lambda row: stroke_key(row[1]))
    page_obj = Paginator([pk for pk, _name in order], COHORT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    by_pk = cohort.select_related("person", "person__employer").in_bulk(page_obj.object_list)
    records = [by_pk[pk] for pk in page_obj.object_list]
    first = cohort.first()
    return render(
        request,
        "notices/publication/detail.html",
        {
            **_documents_context(request, publication),
            "campaign": publication.campaign,
            "article_url": reverse("portal:article", args=[publication.article_id]),
            "page_obj": page_obj,
            "records": records,
            "cohort_start": first.start_date if first else None,
            "cohort_end": first.end_date if first else None,
            "craftsmen_url": reverse("portal:craftsmen_manage")
            if cultivation_rules.can_edit_craftsman_pages(request.user)
            else "",
            "breadcrumbs": _crumbs(publication.campaign, publication.document_number),
        },
    )


@require_GET
def publication_documents(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The documents' state (the page polls it with htmx while they are being made)."""
    publication = _visible_publication(request, pk)
    response = render(
        request,
        "notices/publication/detail.html#documents",
        _documents_context(request, publication),
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
def publication_remake(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    publication = _visible_publication(request, pk)
    _require(cultivation_rules.can_manage_publication(request.user, publication))
    try:
        pub.do_remake_documents(acting_user=request.user, publication_id=publication.pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The documents are being made again."))
    return redirect("notices:publication_detail", publication.pk)


urlpatterns = [
    path(
        "publication/campaign/<int:campaign_pk>/",
        publication_start,
        name="publication_start",
    ),
    path("publication/<int:pk>/", publication_detail, name="publication_detail"),
    path(
        "publication/<int:pk>/documents/",
        publication_documents,
        name="publication_documents",
    ),
    path("publication/<int:pk>/remake/", publication_remake, name="publication_remake"),
]
