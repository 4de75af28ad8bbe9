"""Forms of the craftsman pages: the public list's filters and the officers' editor."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm, style_widget
from jiangxin.cultivation.models import ProfileHighlight
from jiangxin.portal.craftsmen import CraftsmanFilters
from jiangxin.portal.models import Article
from jiangxin.programs.models import Tier


class CraftsmanFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Full name"), max_length=50, required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=50, required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        options: list[tuple[str, Any]]
        for name, options in (
            ("tier", list(Tier.choices)),
            ("year", choices["years"]),
            ("province", choices["provinces"]),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = everything + options

    def filters(self) -> CraftsmanFilters:
        """The valid filters; a field with an error filters nothing."""
        if not self.is_bound:
            return CraftsmanFilters()
        self.is_valid()
        data = self.cleaned_data
        year = data.get("year") or ""
        return CraftsmanFilters(
            tier=data.get("tier") or "",
            year=int(year) if year.isdigit() else None,
            province=data.get("province") or "",
            occupation=" ".join((data.get("occupation") or "").split()),
            q=" ".join((data.get("q") or "").split()),
        )


class PhotoForm(JiangxinForm):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPG or PNG. Its metadata (where and when it was taken) is removed."),
    )
    consent_on = forms.DateField(
        label=_("The craftsman agreed to the photo being published on"),
    )


class HighlightsForm(JiangxinForm):
    """One text per dimension (`dimension_<id>`); empty removes that highlight."""

    def __init__(self, *args: Any, drafts: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drafts = drafts
        for draft in drafts:
            dimension = draft["dimension"]
            self.fields[f"dimension_{dimension.pk}"] = forms.CharField(
                label=dimension.name,
                required=False,
                max_length=ProfileHighlight.MAX_CHARS,
                initial=draft["text"],
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("At most %(n)s characters. Empty: not shown.")
                % {"n": ProfileHighlight.MAX_CHARS},
            )
            style_widget(self.fields[f"dimension_{dimension.pk}"].widget)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {**draft, "field": self[f"dimension_{draft['dimension'].pk}"]} for draft in self.drafts
        ]

    def texts(self) -> dict[int, str]:
        return {
            draft["dimension"].pk: self.cleaned_data.get(f"dimension_{draft['dimension'].pk}", "")
            for draft in self.drafts
        }


class StoryLinkForm(JiangxinForm):
    article = forms.ModelChoiceField(
        label=_("Story"),
        queryset=Article.objects.none(),
        help_text=_("An article of the craftsman stories channel."),
    )

    def __init__(self, *args: Any, queryset: QuerySet[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["article"])
        field.queryset = queryset
