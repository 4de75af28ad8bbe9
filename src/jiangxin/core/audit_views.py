"""The audit administrator's view of the audit log (filled in by the audit work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jiangxin.accounts import rules


def audit_list(request: HttpRequest) -> HttpResponse:
    if not rules.can_read_audit_log(request.user):
        raise Http404
    return render(request, "core/audit_list.html", {})
