"""The audit administrator's view of the audit log: list, detail and Excel export.

Only the audit administrator may read the log (三员分立); everyone else gets 404, as for a
page that does not exist.

What reading the log itself leaves in the log: an export is audited ("audit.exported", with
the filters and the row count), because it takes the log out of the system. Browsing the list
and opening an event are not: one row per page view would flood the chain (every append takes
the chain-head lock) with entries of little value, and the audit administrator cannot change
what they read. Page views remain in the web server's access log.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiangxin.accounts import rules
from jiangxin.core.audit import compute_hash, record_event
from jiangxin.core.audit_export import (
    XLSX_CONTENT_TYPE,
    build_audit_workbook,
    export_filename,
    truncation_message,
)
from jiangxin.core.audit_selectors import (
    AuditFilters,
    audit_events_visible_to,
    filter_audit_events,
)
from jiangxin.core.forms_base import JiangxinForm
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.models import AuditEvent

PAGE_SIZE = 50


class AuditFilterForm(JiangxinForm):
    """The GET filters of the audit log (list and export share them)."""

    date_from = forms.DateField(label=gettext_lazy("From (date)"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To (date)"), required=False)
    actor = forms.CharField(
        label=gettext_lazy("Actor (username contains)"), max_length=150, required=False
    )
    action = forms.CharField(
        label=gettext_lazy("Action (starts with)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "role."}),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("All outcomes")), *AuditEvent.Outcome.choices],
    )
    object_type = forms.CharField(
        label=gettext_lazy("Object type"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "accounts.user"}),
    )
    object_id = forms.CharField(label=gettext_lazy("Object ID"), max_length=64, required=False)
    ip = forms.GenericIPAddressField(label=gettext_lazy("IP address"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters; a field with an error filters nothing (its error is shown)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()  # cleaned_data then holds only the fields without errors
        valid = self.cleaned_data
        return AuditFilters(
            date_from=valid.get("date_from"),
            date_to=valid.get("date_to"),
            actor=(valid.get("actor") or "").strip(),
            action=(valid.get("action") or "").strip().lower(),
            outcome=valid.get("outcome") or "",
            object_type=(valid.get("object_type") or "").strip().lower(),
            object_id=(valid.get("object_id") or "").strip(),
            ip=valid.get("ip") or "",
        )

    def filter_lines(self, filters: AuditFilters) -> list[tuple[str, str]]:
        """(label, value) pairs of the filters that are set, in the active language."""
        outcomes = dict(AuditEvent.Outcome.choices)
        lines = []
        for name, value in filters.as_summary().items():
            shown = str(outcomes.get(value, value)) if name == "outcome" else str(value)
            lines.append((str(self.fields[name].label), shown))
        return lines


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _list_crumb() -> dict[str, str]:
    return {"label": _("Audit log"), "url": reverse("core:audit_list")}


@require_GET
def audit_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_read_audit_log(request.user))
    filter_form = AuditFilterForm(request.GET or None)
    events = filter_audit_events(audit_events_visible_to(request.user), filter_form.filters())
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # htmx filters get the whole page too: the form selects #results and the export link
    # (hx-select-oob), so the link always carries the filters shown.
    response = render(
        request,
        "core/audit_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "export_url": reverse("core:audit_export"),
            "breadcrumbs": [{"label": _("Audit log")}],
        },
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
def audit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(audit_events_visible_to(request.user), pk=pk)
    summary = json.dumps(event.summary, ensure_ascii=False, indent=2, sort_keys=True)
    object_events_url = ""
    if event.object_type and event.object_id:
        query = urlencode({"object_type": event.object_type, "object_id": event.object_id})
        object_events_url = f"{reverse('core:audit_list')}?{query}"
    return render(
        request,
        "core/audit_detail.html",
        {
            "event": event,
            "summary_json": summary,
            "hash_ok": compute_hash(event) == event.hash,
            "object_events_url": object_events_url,
            "breadcrumbs": [
                _list_crumb(),
                {"label": _("Event %(id)s") % {"id": event.pk}},
            ],
        },
    )


@require_GET
def audit_export(request: AuthedHttpRequest) -> HttpResponseBase:
    _require(rules.can_read_audit_log(request.user))
    filter_form = AuditFilterForm(request.GET or None)
    if filter_form.is_bound and not filter_form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('core:audit_list')}?{request.GET.urlencode()}")
    filters = filter_form.filters()
    events = filter_audit_events(audit_events_visible_to(request.user), filters)
    export = build_audit_workbook(
        events,
        filter_lines=filter_form.filter_lines(filters),
        generated_by=request.user.get_username(),
    )
    record_event(
        "audit.exported",
        actor=request.user,
        summary={
            "filters": filters.as_summary(),
            "rows": export.rows,
            "truncated": export.truncated,
        },
    )
    if export.truncated:
        messages.warning(request, truncation_message(export.rows, export.total))
    return FileResponse(
        export.file,
        as_attachment=True,
        filename=export_filename(),
        content_type=XLSX_CONTENT_TYPE,
    )


# --- Chain verification as a background task ---------------------------------------------------


def _verification_context(result: Any) -> dict[str, Any]:
    from jiangxin.core.audit import ChainReport

    context: dict[str, Any] = {"result": result, "finished": result.is_finished}
    if result.is_finished and result.status == "SUCCESSFUL":
        data = result.return_value
        report = ChainReport(
            ok=data["ok"],
            checked=data["checked"],
            first_id=data["first_id"],
            last_id=data["last_id"],
            first_broken_id=data["first_broken_id"],
            problem=data["problem"],
        )
        context["report"] = report
    return context


def audit_verify(request: AuthedHttpRequest) -> HttpResponse:
    """POST: start verifying the whole chain in the background; show progress, then the verdict."""
    if not rules.can_read_audit_log(request.user):
        raise Http404
    if request.method != "POST":
        return redirect("core:audit_list")
    from jiangxin.core.tasks import verify_audit_chain_task

    result = verify_audit_chain_task.enqueue(requested_by_id=request.user.pk)
    if not result.is_finished:
        return redirect("core:audit_verify_status", result_id=result.id)
    return render(
        request,
        "core/audit_verify.html",
        {**_verification_context(result), "breadcrumbs": _verify_crumbs()},
    )


@require_GET
def audit_verify_status(request: AuthedHttpRequest, result_id: str) -> HttpResponse:
    """The verification's state; the page polls this (htmx) until the task has finished."""
    if not rules.can_read_audit_log(request.user):
        raise Http404
    from django_tasks.exceptions import TaskResultDoesNotExist

    from jiangxin.core.tasks import verify_audit_chain_task

    try:
        result = verify_audit_chain_task.get_result(result_id)
    except (TaskResultDoesNotExist, ValueError, NotImplementedError) as exc:
        raise Http404 from exc
    template = "core/audit_verify.html#verdict" if request.htmx else "core/audit_verify.html"
    return render(
        request, template, {**_verification_context(result), "breadcrumbs": _verify_crumbs()}
    )


def _verify_crumbs() -> list[dict[str, str]]:
    return [
        {"label": _("Audit log"), "url": reverse("core:audit_list")},
        {"label": _("Chain verification")},
    ]
