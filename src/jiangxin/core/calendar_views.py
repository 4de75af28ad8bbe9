"""Officer-editable calendar of announced years (filled in by the calendar work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jiangxin.accounts import rules


def calendar_overview(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_calendar(request.user):
        raise Http404
    return render(request, "core/calendar.html", {})
