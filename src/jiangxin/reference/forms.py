"""GET filter forms for the reference browse pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.reference.models import Industry, Region


class SearchField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"class": "form-control", "placeholder": _("Code or name"), "type": "search"}
            ),
        )
        super().__init__(**kwargs)


class RegionFilterForm(forms.Form):
    province = forms.ChoiceField(
        label=_("Province"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *Region.Level.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = SearchField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
        province = cast(forms.ChoiceField, self.fields["province"])
        province.choices = [
            ("", _("All provinces")),
            *((p.code, f"{p.code} {p.name}") for p in provinces),
        ]


class IndustryFilterForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Section"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    q = SearchField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = Industry.objects.filter(level=Industry.Level.SECTION).order_by("code")
        section = cast(forms.ChoiceField, self.fields["section"])
        section.choices = [
            ("", _("All sections")),
            *((s.code, f"{s.code} {s.name}") for s in sections),
        ]
