"""Input parsing for the nomination pages: the form's steps, endorsement, withdrawal, the
format check and the list filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm, LabelledModelChoiceField
from jiangxin.nominations.checks import char_count
from jiangxin.nominations.models import ALL_NOTICE_FIELDS, FormatCheck, Nomination, NoticeField
from jiangxin.orgs.models import Organization
from jiangxin.people.models import Attachment
from jiangxin.programs.models import Campaign, Dimension, PolicyVersion


class StartForm(JiangxinForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    unit = LabelledModelChoiceField(
        label=_("Nominating unit"), queryset=Organization.objects.none()
    )

    def __init__(
        self, *args: Any, campaigns: Any, units: list[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Organization.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("path")


class CharLimitField(forms.CharField):
    """A text area whose limit is counted in characters without white space (字数)."""

    def __init__(self, *, max_chars: int, min_chars: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.max_chars = max_chars
        self.min_chars = min_chars
        self.widget.attrs["data-char-limit"] = str(max_chars)
        if min_chars:
            self.widget.attrs["data-char-min"] = str(min_chars)

    def validate(self, value: Any) -> None:
        super().validate(value)
        count = char_count(value or "")
        if count > self.max_chars:
            raise forms.ValidationError(
                _("This has %(count)s characters; at most %(max)s are allowed."),
                code="too_long",
                params={"count": count, "max": self.max_chars},
            )


class StatementsForm(JiangxinForm):
    """One text per assessment dimension of the campaign's policy. Too short is allowed while
    drafting (it is checked at submission); too long is refused."""

    def __init__(self, *args: Any, dimensions: list[Dimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dim in dimensions:
            self.fields[f"dim_{dim.pk}"] = CharLimitField(
                label=dim.name,
                required=False,
                max_chars=dim.statement_max_chars,
                min_chars=dim.statement_min_chars,
                help_text=_("%(min)s to %(max)s characters. %(description)s")
                % {
                    "min": dim.statement_min_chars,
                    "max": dim.statement_max_chars,
                    "description": dim.description,
                },
            )
        # Drafts may leave them short; every statement is needed for submission, so none is
        # marked "(optional)".
        for field in self.fields.values():
            field.required = False
            field.optional_hidden = True  # type: ignore[attr-defined]

    def texts(self) -> dict[int, str]:
        return {dim.pk: self.cleaned_data.get(f"dim_{dim.pk}") or "" for dim in self.dimensions}


class OpinionForm(JiangxinForm):
    deeds_summary = CharLimitField(
        label=_("Deeds summary for the public notice"), max_chars=300, required=True
    )
    unit_opinion = CharLimitField(label=_("Recommendation opinion of the unit"), max_chars=500)
    attestation_text = forms.CharField(
        label=_("Political quality attestation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The recommending unit attests the person's political quality (政治素质过硬)."),
    )
    attestation_signer = forms.CharField(label=_("Attested by"), max_length=100)
    attestation_date = forms.DateField(label=_("Attested on"))
    consent_fields = forms.MultipleChoiceField(
        label=_("Fields the person agrees to publish in the public notice"),
        choices=NoticeField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Only the ticked fields ever appear on a public page. The name is needed to list "
            "the person: without it the person cannot pass the public notice, and the program "
            "officer is told before the notice opens."
        ),
    )
    consent_given = forms.BooleanField(
        label=_("The person agrees to the publication of the ticked fields in the public notice"),
        required=True,
    )
    consent_date = forms.DateField(label=_("Consent given on"))

    def __init__(self, *args: Any, version: PolicyVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        summary = cast(CharLimitField, self.fields["deeds_summary"])
        summary.max_chars = version.summary_max_chars
        summary.widget.attrs["data-char-limit"] = str(version.summary_max_chars)
        summary.help_text = _("At most %(max)s characters; shown to the public.") % {
            "max": version.summary_max_chars
        }
        opinion = cast(CharLimitField, self.fields["unit_opinion"])
        opinion.max_chars = version.opinion_max_chars
        opinion.widget.attrs["data-char-limit"] = str(version.opinion_max_chars)
        # Every field is ticked until the person's consent says otherwise.
        if not self.initial.get("consent_fields") and not self.initial.get("consent_given"):
            self.initial["consent_fields"] = list(ALL_NOTICE_FIELDS)
        self.fields["consent_fields"].optional_hidden = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("attestation_date", "consent_date"):
            value = data.get(name)
            if value is not None and value > today:
                self.add_error(name, _("A signature cannot be dated in the future."))
        return data


class EvidenceForm(JiangxinForm):
    attachment = LabelledModelChoiceField(
        label=_("File"), queryset=Attachment.objects.none(), label_attr="original_name"
    )
    dimension = LabelledModelChoiceField(
        label=_("Evidence for"),
        queryset=Dimension.objects.none(),
        label_attr="name",
        required=False,
        empty_label=_("The nomination as a whole"),
    )
    caption = forms.CharField(label=_("What it shows"), max_length=200, required=False)

    def __init__(self, *args: Any, attachments: Any, dimensions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["attachment"]).queryset = attachments
        cast(forms.ModelChoiceField, self.fields["dimension"]).queryset = dimensions


class EndorseForm(JiangxinForm):
    opinion = forms.CharField(
        label=_("Endorsement opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        initial=_("Agreed; put forward."),
    )


class ReturnForm(JiangxinForm):
    comment = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class WithdrawForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class FormatCheckForm(JiangxinForm):
    complete = forms.BooleanField(
        label=FormatCheck._meta.get_field("complete").verbose_name, required=False
    )
    attachments_legible = forms.BooleanField(
        label=FormatCheck._meta.get_field("attachments_legible").verbose_name, required=False
    )
    attestation_present = forms.BooleanField(
        label=FormatCheck._meta.get_field("attestation_present").verbose_name, required=False
    )
    eligibility_confirmed = forms.BooleanField(
        label=FormatCheck._meta.get_field("eligibility_confirmed").verbose_name, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=FormatCheck.Decision.choices, widget=forms.RadioSelect
    )
    rule_code = forms.ChoiceField(label=_("Rule not met"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required to return or reject; the unit sees it."),
    )
    return_deadline = forms.DateField(
        label=_("Correct by"),
        required=False,
        help_text=_("A working day, before the format check ends."),
    )

    def __init__(self, *args: Any, rules: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule_code"]).choices = [("", "—"), *rules.items()]
        # The checklist is ticked as far as it goes; the rule, reason and deadline are needed
        # only to return or reject (their help says so): none of them is "optional".
        for name in (*self.CHECKLIST, "rule_code", "reason", "return_deadline"):
            self.fields[name].optional_hidden = True  # type: ignore[attr-defined]
        self.fields["rule_code"].help_text = _("Required to return or reject.")
        self.fields["return_deadline"].help_text = _(
            "Required to return: a working day, before the format check ends."
        )

    CHECKLIST = ("complete", "attachments_legible", "attestation_present", "eligibility_confirmed")

    def checklist(self) -> dict[str, bool]:
        return {
            name: bool(self.cleaned_data.get(name))
            for name in (
                "complete",
                "attachments_legible",
                "attestation_present",
                "eligibility_confirmed",
            )
        }


class NominationFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Number or name"), required=False, max_length=50)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("All campaigns"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    todo = forms.BooleanField(label=_("Needs my action"), required=False)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All statuses")),
            *Nomination.Status.choices,
        ]
