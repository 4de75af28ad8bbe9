"""The style guide: every component of the shell on one page, and the form pattern at work.

It is also the page the browser accessibility checks scan: POSTing the example form empty
re-renders it with the error summary, the "Error:" title prefix and everything typed kept.
The example forms live here rather than in a forms.py because they exist only for this page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jiangxin.core.forms_base import JiangxinForm

PAGE_SIZE = 10

TRADES = [
    ("fitter", gettext_lazy("Fitter")),
    ("welder", gettext_lazy("Welder")),
    ("turner", gettext_lazy("Lathe operator")),
    ("electrician", gettext_lazy("Electrician")),
    ("toolmaker", gettext_lazy("Tool and die maker")),
]

CONTACT_CHOICES = [
    ("phone", gettext_lazy("Telephone")),
    ("email", gettext_lazy("Email")),
    ("post", gettext_lazy("Letter")),
]


class ExampleForm(JiangxinForm):
    """Every kind of field the product uses, required and optional."""

    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=50,
        help_text=gettext_lazy("As shown on the resident identity card."),
    )
    workplace = forms.CharField(
        label=gettext_lazy("Workplace"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The enterprise or unit where the candidate works."),
    )
    trade = forms.ChoiceField(
        label=gettext_lazy("Trade"),
        choices=[("", gettext_lazy("Choose a trade")), *TRADES],
    )
    started_on = forms.DateField(
        label=gettext_lazy("Date started in the trade"),
        help_text=gettext_lazy("The date cannot be in the future."),
    )
    contact = forms.ChoiceField(
        label=gettext_lazy("Preferred way to be contacted"),
        choices=CONTACT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirmed = forms.BooleanField(
        label=gettext_lazy("I confirm that the information above is accurate"),
        error_messages={"required": gettext_lazy("Confirm that the information is accurate.")},
    )

    def clean_started_on(self) -> datetime.date:
        started_on: datetime.date = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return started_on


class ExampleFilterForm(JiangxinForm):
    q = forms.CharField(label=gettext_lazy("Name contains"), required=False, max_length=50)
    trade = forms.ChoiceField(
        label=gettext_lazy("Trade"),
        required=False,
        choices=[("", gettext_lazy("All trades")), *TRADES],
    )


@dataclass(frozen=True)
class SampleRow:
    number: int
    name: str
    trade: str
    trade_label: str
    organization: str
    recommended: bool


_SURNAMES = "王李张刘陈杨赵黄周吴"
_GIVEN = ["建国", "志强", "秀英", "海峰", "立新", "红梅", "国栋", "丽娟", "德胜"]
_ORGS = [
    "石家庄钢铁有限责任公司",
    "郑州煤矿机械集团股份有限公司",
    "中国第一重型机械集团有限公司",
    "河北省建设投资集团有限责任公司",
]


def sample_rows() -> list[SampleRow]:
    """Forty-seven made-up rows, the same on every call."""
    trades = dict(TRADES)
    rows = []
    for i in range(47):
        trade = TRADES[i % len(TRADES)][0]
        rows.append(
            SampleRow(
                number=i + 1,
                name=_SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)],
                trade=trade,
                trade_label=str(trades[trade]),
                organization=_ORGS[(i * 3) % len(_ORGS)],
                recommended=i % 3 == 0,
            )
        )
    return rows


def _sample_page(request: HttpRequest) -> tuple[ExampleFilterForm, Any]:
    filter_form = ExampleFilterForm(request.GET or None)
    rows = sample_rows()
    if filter_form.is_valid():
        q = filter_form.cleaned_data["q"].strip()
        trade = filter_form.cleaned_data["trade"]
        if q:
            rows = [row for row in rows if q in row.name]
        if trade:
            rows = [row for row in rows if row.trade == trade]
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return filter_form, page_obj


@require_http_methods(["GET", "POST"])
def styleguide(request: HttpRequest) -> HttpResponse:
    """Show the components; validate the example form; pretend to delete."""
    if request.method == "POST" and request.POST.get("demo_action") == "delete":
        messages.success(request, _("Nothing was deleted: this is a demonstration."))
        return redirect(reverse("core:styleguide"))

    if request.method == "POST":
        form = ExampleForm(request.POST)
        if form.is_valid():
            messages.success(request, _("The example form was submitted without errors."))
            return redirect(reverse("core:styleguide"))
    else:
        form = ExampleForm()

    filter_form, page_obj = _sample_page(request)
    context = {
        "form": form,
        "filter_form": filter_form,
        "page_obj": page_obj,
        "breadcrumbs": [
            {"label": _("Dashboard"), "url": reverse("core:dashboard")},
            {"label": _("Style guide")},
        ],
    }
    template = "core/styleguide.html"
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "results" and not htmx.history_restore_request:
        template = "core/styleguide.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
