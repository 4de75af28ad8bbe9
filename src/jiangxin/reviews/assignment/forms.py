"""Input of the assignment pages (parsing and messages only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm
from jiangxin.reviews.assignment.problem import (
    INDUSTRY_ANY,
    INDUSTRY_DIVISION,
    INDUSTRY_SECTION,
)


class RunParamsForm(JiangxinForm):
    k = forms.IntegerField(
        label=_("Experts per nomination (k)"),
        min_value=1,
        max_value=50,
        help_text=_("The policy's number is filled in."),
    )
    default_max_load = forms.IntegerField(
        label=_("Nominations per expert at most (L)"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "For experts without a limit of their own (on the invitation or the expert's "
            "profile). Nominations they already review count against it."
        ),
    )
    outside_province = forms.BooleanField(
        label=_("At least one expert from outside the nominee's province"), required=False
    )
    industry_required = forms.ChoiceField(
        label=_("Require an industry match"),
        required=False,
        choices=[
            (INDUSTRY_ANY, _("No: a matching industry only raises the affinity")),
            (INDUSTRY_SECTION, _("The same industry section (门类)")),
            (INDUSTRY_DIVISION, _("The same industry division (大类)")),
        ],
    )
    use_text = forms.BooleanField(
        label=_("Compare the statements with the experts' expertise (text similarity)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Options with a default, not optional input: no "(optional)" mark.
        for name in ("outside_province", "industry_required", "use_text"):
            self.fields[name].optional_hidden = True  # type: ignore[attr-defined]


class PairForm(JiangxinForm):
    """Pin, forbid or release one pair of a preview."""

    OPS = ("pin", "forbid", "release")

    nomination = forms.CharField(label=_("Nomination number"), max_length=20)
    expert = forms.TypedChoiceField(label=_("Expert"), coerce=int)
    op = forms.ChoiceField(
        choices=[("pin", _("Pin")), ("forbid", _("Forbid")), ("release", _("Release"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, experts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "—"), *experts]  # type: ignore[attr-defined]

    def clean_nomination(self) -> str:
        return str(self.cleaned_data["nomination"]).strip().upper()


class ReasonForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the record; ID and phone numbers are masked."),
    )


class CurrentFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Number or name"), required=False, max_length=50)
    short = forms.BooleanField(label=_("Only nominations short of experts"), required=False)
