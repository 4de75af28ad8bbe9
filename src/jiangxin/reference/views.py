"""Read-only browse pages for the national reference data (any signed-in user)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxin.reference.forms import IndustryFilterForm, RegionFilterForm
from jiangxin.reference.models import Industry, OccupationGroup, Region, SkillLevel

PAGE_SIZE = 50


def _page(request: HttpRequest, items: QuerySet[Any] | list[Any]) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [{"label": _("Reference data"), "url": reverse("reference:index")}]
    crumbs += [{"label": label, "url": url} for label, url in trail]
    return crumbs


def _search(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(code__istartswith=text) | Q(name_zh__icontains=text) | Q(name_en__icontains=text)
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    sections = [
        {
            "title": _("Administrative regions"),
            "source": _("GB/T 2260 administrative division codes: provinces and prefectures"),
            "count": Region.objects.count(),
            "url": reverse("reference:regions"),
        },
        {
            "title": _("Industries"),
            "source": _("GB/T 4754-2017 industrial classification: sections and divisions"),
            "count": Industry.objects.count(),
            "url": reverse("reference:industries"),
        },
        {
            "title": _("Occupation major groups"),
            "source": _("Occupational Classification of the People's Republic of China (2022)"),
            "count": OccupationGroup.objects.count(),
            "url": reverse("reference:occupations"),
        },
        {
            "title": _("Skill levels"),
            "source": _("The eight vocational skill levels, from apprentice to chief technician"),
            "count": SkillLevel.objects.count(),
            "url": reverse("reference:skill_levels"),
        },
    ]
    context = {
        "sections": sections,
        "breadcrumbs": [{"label": _("Reference data"), "url": reverse("reference:index")}],
    }
    return render(request, "reference/index.html", context)


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    form = RegionFilterForm(request.GET or None)
    regions = Region.objects.select_related("parent").order_by("code")
    if form.is_bound and form.is_valid():
        province = form.cleaned_data["province"]
        if province:
            regions = regions.filter(Q(code=province) | Q(parent_id=province))
        if form.cleaned_data["level"]:
            regions = regions.filter(level=form.cleaned_data["level"])
        regions = _search(regions, form.cleaned_data["q"])
    elif form.is_bound:
        regions = regions.none()
    context = {
        "filter_form": form,
        "page_obj": _page(request, regions),
        "breadcrumbs": _crumbs((_("Administrative regions"), reverse("reference:regions"))),
    }
    return render(request, "reference/region_list.html", context)


@require_GET
def industry_list(request: HttpRequest) -> HttpResponse:
    form = IndustryFilterForm(request.GET or None)
    industries = Industry.objects.select_related("section").order_by("code")
    if form.is_bound and form.is_valid():
        section = form.cleaned_data["section"]
        if section:
            industries = industries.filter(Q(code=section) | Q(section_id=section))
        industries = _search(industries, form.cleaned_data["q"])
    elif form.is_bound:
        industries = industries.none()
    # Each section, then its divisions (codes sort digits before letters).
    rows = sorted(
        industries, key=lambda i: (i.section_id or i.code, i.section_id is not None, i.code)
    )
    context = {
        "filter_form": form,
        "page_obj": _page(request, rows),
        "breadcrumbs": _crumbs((_("Industries"), reverse("reference:industries"))),
    }
    return render(request, "reference/industry_list.html", context)


@require_GET
def occupation_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page_obj": _page(request, OccupationGroup.objects.order_by("code")),
        "breadcrumbs": _crumbs((_("Occupation major groups"), reverse("reference:occupations"))),
    }
    return render(request, "reference/occupation_list.html", context)


@require_GET
def skill_level_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page_obj": _page(request, SkillLevel.objects.order_by("rank")),
        "breadcrumbs": _crumbs((_("Skill levels"), reverse("reference:skill_levels"))),
    }
    return render(request, "reference/skill_level_list.html", context)
