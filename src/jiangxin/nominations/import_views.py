"""The pages of the bulk import: download the template, upload a filled-in workbook, preview
every row's errors, then import (all or nothing) or discard. Thin views over imports.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiangxin.core.errors import DomainError
from jiangxin.core.excel import xlsx_response
from jiangxin.core.forms_base import JiangxinForm
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations import imports, rules, selectors
from jiangxin.nominations.models import NominationImport
from jiangxin.programs.models import Campaign

RECENT_BATCHES = 10


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("Nominations"), "url": reverse("nominations:list")},
        {"label": _("Import from Excel"), "url": reverse("nominations:import")},
        *extra,
    ]


class TemplateForm(JiangxinForm):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns


class UploadForm(JiangxinForm):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("Filled-in template"),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="upload", **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        self.fields["file"].help_text = gettext_lazy(
            "An Excel workbook (.xlsx) made from the template, at most %(mb)s MB."
        ) % {"mb": imports.MAX_BYTES // 1024 // 1024}


@require_http_methods(["GET", "POST"])
def import_start(request: AuthedHttpRequest) -> HttpResponse:
    """Step 1, the template; step 2, the upload; and the user's recent imports."""
    _require(rules.can_import_nominations(request.user))
    campaigns = selectors.open_campaigns_for(request.user).order_by("-year", "name")
    only = campaigns.first() if campaigns.count() == 1 else None
    initial = {"campaign": request.GET.get("campaign") or (only.pk if only else None)}
    template_form = TemplateForm(campaigns=campaigns, initial=initial)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        campaigns=campaigns,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.do_upload_import(
                acting_user=request.user,
                campaign_id=form.cleaned_data["campaign"].pk,
                name=upload.name or "",
                stream=upload,
                size=upload.size or 0,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if batch.error_count:
                messages.error(
                    request,
                    _(
                        "The file has %(count)s problem(s); nothing can be imported until they "
                        "are corrected. The list below says where each one is."
                    )
                    % {"count": batch.error_count},
                )
            else:
                messages.success(
                    request,
                    _("The file was checked: no errors. Review the rows, then import them."),
                )
            return redirect("nominations:import_preview", pk=batch.pk)
    recent = (
        selectors.imports_visible_to(request.user)
        .select_related("campaign")
        .order_by("-created_at", "-id")[:RECENT_BATCHES]
    )
    return render(
        request,
        "nominations/import_start.html",
        {
            "template_form": template_form,
            "form": form,
            "has_campaigns": campaigns.exists(),
            "recent": recent,
            "max_rows": imports.MAX_NOMINEES,
            "breadcrumbs": [*_crumbs()[:-1], {"label": _("Import from Excel")}],
        },
    )


@require_GET
def import_template(request: AuthedHttpRequest) -> HttpResponseBase:
    _require(rules.can_import_nominations(request.user))
    campaigns = selectors.open_campaigns_for(request.user)
    form = TemplateForm(request.GET, campaigns=campaigns)
    if not form.is_valid():
        messages.error(request, _("Choose a campaign whose recommendation is open."))
        return redirect("nominations:import")
    campaign = form.cleaned_data["campaign"]
    return xlsx_response(
        imports.template_workbook(campaign, request.user), imports.template_filename(campaign)
    )


def _batch(request: AuthedHttpRequest, pk: int) -> NominationImport:
    return get_object_or_404(
        selectors.imports_visible_to(request.user).select_related(
            "campaign", "campaign__policy_version"
        ),
        pk=pk,
    )


def _preview_context(request: AuthedHttpRequest, batch: NominationImport) -> dict[str, Any]:
    result = batch.result or {}
    errors = [
        {**e, "message": imports.localized(e.get("message", ""))} for e in result.get("errors", [])
    ]
    rows = [
        {**r, "notes": [imports.localized(n) for n in r.get("notes", [])]}
        for r in result.get("rows", [])
    ]
    created = [
        {**c, "url": reverse("nominations:detail", args=[c["nomination"]])}
        for c in result.get("created", [])
    ]
    summary = result.get("summary", {})
    return {
        "batch": batch,
        "summary": summary,
        "errors": errors,
        "errors_hidden": max(batch.error_count - len(errors), 0),
        "rows": rows,
        "created": created,
        "reuses_profiles": bool(summary.get("existing_profiles")),
        "can_execute": rules.can_execute_import(request.user, batch),
        "can_discard": rules.can_discard_import(request.user, batch),
        "breadcrumbs": _crumbs({"label": batch.original_name}),
    }


@require_http_methods(["GET", "POST"])
def import_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The preview of a checked file, its import or discard, and afterwards its result."""
    batch = _batch(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "execute":
            try:
                batch = imports.do_execute_import(acting_user=request.user, batch_id=batch.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                count = len(imports.imported_nominations(batch))
                messages.success(
                    request,
                    _(
                        "%(count)s draft nomination(s) were created. Check each one and submit "
                        "it from its own page."
                    )
                    % {"count": count},
                )
            return redirect("nominations:import_preview", pk=batch.pk)
        if action == "discard":
            try:
                imports.do_discard_import(acting_user=request.user, batch_id=batch.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("nominations:import_preview", pk=batch.pk)
            messages.success(request, _("The import was discarded."))
            return redirect("nominations:import")
        raise Http404
    return render(request, "nominations/import_preview.html", _preview_context(request, batch))
