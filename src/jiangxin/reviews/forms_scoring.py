"""Input parsing for the online review pages: the score sheet, reopening, the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm, style_widget
from jiangxin.programs.models import Dimension
from jiangxin.reviews import scoring
from jiangxin.reviews.calibration import METHODS
from jiangxin.reviews.models import ScoreSheet


class ScoreSheetForm(JiangxinForm):
    """One score and one comment per dimension of the campaign's policy, and an overall
    comment. Every field is text, so a draft keeps whatever was typed; validating (for
    submission) applies `scoring.parse_sheet_input`, the checks the submit action makes."""

    def __init__(self, *args: Any, dimensions: list[Dimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        self.parsed: scoring.SheetInput | None = None
        for d in dimensions:
            score = forms.CharField(
                label=_("Score for %(dimension)s") % {"dimension": d.name},
                required=False,
                strip=False,
                help_text=_(
                    "A whole number from %(min)s to %(max)s. A score of %(min)s or %(max)s "
                    "needs a comment."
                )
                % {"min": d.score_min, "max": d.score_max},
                widget=forms.NumberInput(
                    attrs={
                        "min": d.score_min,
                        "max": d.score_max,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "score-input",
                        "data-score-min": d.score_min,
                        "data-score-max": d.score_max,
                    }
                ),
            )
            comment = forms.CharField(
                label=_("Comment on %(dimension)s") % {"dimension": d.name},
                required=False,
                strip=False,
                widget=forms.Textarea(
                    attrs={"rows": 2, "data-char-limit": scoring.COMMENT_MAX_CHARS}
                ),
            )
            # Every score is needed to submit, and a comment for a top or bottom score (the
            # help text says so): neither is labelled "(optional)".
            score.optional_hidden = True  # type: ignore[attr-defined]
            comment.optional_hidden = True  # type: ignore[attr-defined]
            self.fields[scoring.score_field(d.pk)] = score
            self.fields[scoring.comment_field(d.pk)] = comment
        self.fields[scoring.OVERALL_FIELD] = forms.CharField(
            label=_("Overall comment"),
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 4, "data-char-limit": scoring.OVERALL_MAX_CHARS}),
        )
        for field in self.fields.values():  # added after the mixin styled the declared ones
            style_widget(field.widget)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed, problems = scoring.parse_sheet_input(self.dimensions, data)
        for problem in problems:
            self.add_error(
                problem.field or None, problem.for_field if problem.field else problem.message
            )
        self.parsed = parsed
        return data

    def add_problems(self, problems: list[scoring.Problem]) -> None:
        for problem in problems:
            self.add_error(
                problem.field or None, problem.for_field if problem.field else problem.message
            )


class ReopenForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The expert sees this reason in the notification."),
    )


class MyReviewsFilterForm(JiangxinForm):
    status = forms.ChoiceField(
        label=_("Sheet status"),
        required=False,
        choices=[("", _("All")), *ScoreSheet.Status.choices],
    )


class RankingFilterForm(JiangxinForm):
    order = forms.ChoiceField(
        label=_("Rank by"),
        required=False,
        choices=[
            ("z", _("z-score (per expert)")),
            ("robust", _("Robust (median and MAD)")),
            ("raw", _("Raw total")),
        ],
    )
    organization = forms.TypedChoiceField(
        label=_("Recommending organization"), required=False, coerce=int, empty_value=None
    )
    disagreement = forms.BooleanField(label=_("Disagreements only"), required=False)

    def __init__(self, *args: Any, organizations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("All")), *organizations]  # type: ignore[attr-defined]

    def values(self) -> tuple[str, int | None, bool]:
        """(method, organization id, disagreements only); invalid values filter nothing."""
        if not self.is_bound:
            return "z", None, False
        self.is_valid()
        data = self.cleaned_data
        method = data.get("order") or "z"
        return (
            method if method in METHODS else "z",
            data.get("organization"),
            bool(data.get("disagreement")),
        )


class ProgressFilterForm(JiangxinForm):
    missing = forms.BooleanField(label=_("Sheets missing only"), required=False)
