"""The officer-editable working-day calendar: known years, announced years, corrections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiangxin.accounts import rules
from jiangxin.core import calendar
from jiangxin.core.actions import do_enter_calendar_year
from jiangxin.core.errors import DomainError
from jiangxin.core.forms import CalendarYearForm, format_days
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.models import CalendarDay, CalendarYear


def _require_calendar_manager(request: AuthedHttpRequest) -> None:
    if not rules.can_manage_calendar(request.user):
        raise Http404


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("Dashboard"), "url": reverse("core:dashboard")},
        {"label": _("Working-day calendar"), "url": reverse("core:calendar")},
        *extra,
    ]


@require_GET
def calendar_overview(request: AuthedHttpRequest) -> HttpResponse:
    _require_calendar_manager(request)
    package = calendar.package_years()
    entered = CalendarYear.objects.select_related("entered_by").annotate(
        holidays=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
        workdays=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
    )
    known = calendar.known_years()
    next_year = timezone.localdate().year + 1
    return render(
        request,
        "core/calendar.html",
        {
            "package_first": package[0],
            "package_last": package[-1],
            "entered": entered,
            "next_year": next_year,
            "known_years": known,
            "next_year_known": next_year in known,
            "breadcrumbs": _crumbs(),
        },
    )


@require_GET
def calendar_year_detail(request: AuthedHttpRequest, year: int) -> HttpResponse:
    _require_calendar_manager(request)
    try:
        schedule = calendar.load_year(year)
    except calendar.CalendarUnknownError:
        raise Http404 from None
    entered = CalendarYear.objects.select_related("entered_by").filter(year=year).first()
    days = sorted(
        [(d, CalendarDay.Kind.HOLIDAY.label, name) for d, name in schedule.holidays.items()]
        + [(d, CalendarDay.Kind.WORKDAY.label, name) for d, name in schedule.workdays.items()]
    )
    return render(
        request,
        "core/calendar_year.html",
        {
            "year": year,
            "schedule": schedule,
            "entered": entered,
            "days": [{"date": d, "kind": kind, "name": name} for d, kind, name in days],
            "breadcrumbs": _crumbs({"label": str(year), "url": ""}),
        },
    )


@require_http_methods(["GET", "POST"])
def calendar_year_new(request: AuthedHttpRequest) -> HttpResponse:
    _require_calendar_manager(request)
    return _calendar_year_form(request, year=None)


@require_http_methods(["GET", "POST"])
def calendar_year_edit(request: AuthedHttpRequest, year: int) -> HttpResponse:
    _require_calendar_manager(request)
    return _calendar_year_form(request, year=year)


def _calendar_year_form(request: AuthedHttpRequest, *, year: int | None) -> HttpResponse:
    """Shared body of the new/correct pages. `year` None lets the officer choose the year."""
    if request.method == "POST":
        form = CalendarYearForm(request.POST, fixed_year=year)
        if form.is_valid():
            try:
                row = do_enter_calendar_year(
                    acting_user=request.user,
                    year=form.cleaned_data["year"],
                    source=form.cleaned_data["source"],
                    days=form.cleaned_data["parsed_days"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The holiday schedule for %(year)s has been saved.") % {"year": row.year},
                )
                return redirect("core:calendar_year", year=row.year)
    else:
        form = CalendarYearForm(initial=_initial_for(year), fixed_year=year)
    if year is None:
        crumbs = _crumbs({"label": _("Enter an announced year"), "url": ""})
    else:
        crumbs = _crumbs(
            {"label": str(year), "url": reverse("core:calendar_year", args=[year])},
            {"label": _("Correct"), "url": ""},
        )
    context: dict[str, Any] = {"form": form, "year": year, "breadcrumbs": crumbs}
    return render(request, "core/calendar_form.html", context)


def _initial_for(year: int | None) -> dict[str, Any]:
    """Prefill a correction with the schedule in force (entered, else packaged)."""
    if year is None:
        return {}
    try:
        schedule = calendar.load_year(year)
    except calendar.CalendarUnknownError:
        return {"year": year}
    days = [(d, CalendarDay.Kind.HOLIDAY.value, n) for d, n in schedule.holidays.items()]
    days += [(d, CalendarDay.Kind.WORKDAY.value, n) for d, n in schedule.workdays.items()]
    entered = CalendarYear.objects.filter(year=year).first()
    return {"year": year, "source": entered.source if entered else "", "days": format_days(days)}
