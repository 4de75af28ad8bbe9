"""Input parsing for craftsman profiles: lists, the profile form, record rows, uploads.

Personal numbers (ID and mobile) are never echoed back to the browser in full, not even the
ones the user has just typed: `KeptNumberInput` shows them masked and carries the typed value,
sealed, in a hidden input, so a form sent back with errors keeps every answer without a full
number in the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.crypto import SealedValueError, keyring, open_sealed, seal, sealed_kid
from jiangxin.core.forms_base import JiangxinForm, JiangxinModelForm
from jiangxin.core.idnumbers import normalise_id_number, validate_id_number
from jiangxin.core.masking import mask_id_number, mask_phone
from jiangxin.orgs.models import Organization
from jiangxin.people.choices import Gender
from jiangxin.people.models import (
    Achievement,
    Apprentice,
    ContestResult,
    Honor,
    KeyProject,
    Person,
    WorkPeriod,
)
from jiangxin.people.uploads import ALLOWED, ALLOWED_LABEL, MAX_BYTES
from jiangxin.reference.models import Industry, OccupationGroup, SkillLevel

#: Suffix of the hidden input that carries a sealed personal number between submissions.
KEPT_SUFFIX = "__kept"
_KEPT_PURPOSE = "people.kept-input"

#: Something typed in a name search that is really an ID number (never put in an address).
ID_LIKE = re.compile(r"\d{14,17}[\dX]?")


def looks_like_id_number(value: str | None) -> bool:
    return bool(ID_LIKE.fullmatch(normalise_id_number(value)))


class KeptNumberInput(forms.TextInput):
    """A text input for a personal number that never sends the number back in full.

    Rendered with a value, it shows the value masked and adds a hidden input holding the value
    sealed (AES-GCM, like the database column). On submission, an unchanged masked value is
    replaced by the sealed one; anything else typed is taken as typed.
    """

    template_name = "people/widgets/kept_number_input.html"

    def __init__(self, *, mask: Callable[[str | None], str], attrs: dict[str, Any] | None = None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
        super().__init__(attrs={**defaults, **(attrs or {})})
        self.mask = mask

    def _token(self, name: str, value: str) -> str:
        return seal(f"{_KEPT_PURPOSE}:{name}:{value}")

    def _open(self, name: str, token: Any) -> str | None:
        if not token or not isinstance(token, str):
            return None
        try:
            if sealed_kid(token) not in keyring().keys:
                return None
            plain = open_sealed(token)
        except (SealedValueError, ValueError):  # tampered or not a sealed value at all
            return None
        prefix = f"{_KEPT_PURPOSE}:{name}:"
        return plain[len(prefix) :] if plain.startswith(prefix) else None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        real = "" if value is None else str(value)
        context = super().get_context(name, self.mask(real) if real else "", attrs)
        context["widget"]["kept_name"] = name + KEPT_SUFFIX
        context["widget"]["kept_token"] = self._token(name, real) if real else ""
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        typed = str(data.get(name) or "").strip()
        kept = self._open(name, data.get(name + KEPT_SUFFIX))
        if kept and typed == self.mask(kept):
            return kept
        return typed


def _year_bounds() -> tuple[int, int]:
    return 1950, timezone.localdate().year


# --- Lists ----------------------------------------------------------------------------------


class PersonFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Full name contains"), required=False, max_length=50)
    employer = forms.ModelChoiceField(
        label=_("Employer"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All employers"),
    )
    skill_level = forms.ModelChoiceField(
        label=_("Skill level"),
        queryset=SkillLevel.objects.order_by("rank"),
        required=False,
        empty_label=_("All skill levels"),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("All")), *Gender.choices]
    )

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers

    def filter_lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the filters set, for the export's notes."""
        if not self.is_bound or not self.is_valid():
            return []
        lines = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            shown = dict(Gender.choices).get(value, value) if name == "gender" else value
            lines.append((str(self.fields[name].label), str(shown)))
        return lines


class IdLookupForm(JiangxinForm):
    """Find one profile by its exact ID number (posted, so the number never enters a URL)."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=KeptNumberInput(mask=mask_id_number),
        help_text=_("The exact 18-character number; only profiles in your scope are found."),
    )

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"]).number
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class RevealForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason for seeing the full number"),
        max_length=200,
        min_length=4,
        help_text=_("Recorded in the audit log with your name."),
    )


# --- The profile ----------------------------------------------------------------------------

PHONE_FIELD_KW: dict[str, Any] = {
    "label": _("Mobile phone"),
    "regex": r"^1\d{10}$",
    "required": False,
    "widget": KeptNumberInput(mask=mask_phone, attrs={"inputmode": "tel"}),
    "error_messages": {"invalid": _("Enter an 11-digit mobile number starting with 1.")},
}


class _ProfileFieldsForm(JiangxinModelForm):
    """The optional fields of a profile, shared by the create and edit forms."""

    phone = forms.RegexField(**PHONE_FIELD_KW)

    class Meta:
        model = Person
        fields = [
            "name",
            "union",
            "ethnicity",
            "political_status",
            "education",
            "phone",
            "email",
            "position",
            "industry",
            "occupation_group",
            "occupation",
            "skill_level",
            "skill_certificate_no",
            "skill_certified_on",
        ]

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        union = cast(forms.ModelChoiceField, fields["union"])
        union.queryset = unions
        union.help_text = _("The enterprise union of the employer (or of one of its parts).")
        cast(forms.ModelChoiceField, fields["industry"]).queryset = Industry.objects.filter(
            level=Industry.Level.DIVISION
        )
        fields["industry"].label = _("Industry (GB/T 4754 division)")
        cast(
            forms.ModelChoiceField, fields["occupation_group"]
        ).queryset = OccupationGroup.objects.all()
        cast(forms.ModelChoiceField, fields["skill_level"]).queryset = SkillLevel.objects.order_by(
            "rank"
        )
        fields["name"].label = _("Full name")
        fields["name"].help_text = _("As on the ID card.")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_skill_certified_on(self) -> dt.date | None:
        value = self.cleaned_data.get("skill_certified_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def _post_clean(self) -> None:
        # The profile is written by the actions, which check the rest; a model instance
        # built here would lack the identity fields.
        return

    def profile_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("name", None)
        return data


#: The fieldsets of the profile form, in order: (legend, field names).
PROFILE_FIELDSETS: list[tuple[Any, list[str]]] = [
    (_("Identity"), ["id_number", "name", "ethnicity", "political_status", "education"]),
    (_("Contact"), ["phone", "email"]),
    (_("Employment"), ["employer", "union", "position", "industry", "occupation_group"]),
    (
        _("Occupation and skill"),
        ["occupation", "skill_level", "skill_certificate_no", "skill_certified_on"],
    ),
]


class PersonCreateForm(_ProfileFieldsForm):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=KeptNumberInput(mask=mask_id_number),
        help_text=_(
            "18 characters, as on the resident ID card. Gender and date of birth are taken from it."
        ),
    )
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Organization.objects.none())

    field_order = ["id_number", "name", "employer", "union"]

    def __init__(self, *args: Any, employers: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, unions=unions, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"]).number
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        employer, union = data.get("employer"), data.get("union")
        if employer and union and not union.path.startswith(employer.path):
            self.add_error("union", _("This union does not belong to the employer chosen above."))
        return data

    def profile_fields(self) -> dict[str, Any]:
        data = super().profile_fields()
        data.pop("id_number", None)
        data.pop("employer", None)
        return data


class PersonEditForm(_ProfileFieldsForm):
    """Change a profile (identity comes from the ID number; the employer changes by a move)."""

    def changes(self) -> dict[str, Any]:
        """Every profile field, as the action expects (it records only what changed)."""
        return dict(self.cleaned_data)


# --- Record rows ----------------------------------------------------------------------------


class _RecordForm(JiangxinModelForm):
    #: Fields holding a year, checked against a plausible range.
    year_fields: tuple[str, ...] = ()
    #: Where an action's refusal belongs: rule code → field.
    rule_fields: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = _year_bounds()
        for name in self.year_fields:
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Enter a year between %(min)s and %(max)s.") % {"min": low, "max": high},
                )
        return data

    def record_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields or ()}


class WorkPeriodForm(_RecordForm):
    rule_fields = {"people.period_order": "end", "people.period_future": "start"}

    class Meta:
        model = WorkPeriod
        fields = ["start", "end", "employer_name", "position", "is_frontline", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of a period cannot be before its start."))
        if start and start > timezone.localdate():
            self.add_error("start", _("A work period cannot start in the future."))
        return data


class HonorForm(_RecordForm):
    year_fields = ("year",)

    class Meta:
        model = Honor
        fields = ["year", "title", "level", "awarded_by"]


class ContestResultForm(_RecordForm):
    year_fields = ("year",)

    class Meta:
        model = ContestResult
        fields = ["year", "contest", "level", "result"]


class AchievementForm(_RecordForm):
    year_fields = ("year",)

    class Meta:
        model = Achievement
        fields = ["year", "kind", "title", "number"]


class KeyProjectForm(_RecordForm):
    year_fields = ("start_year", "end_year")
    rule_fields = {"people.years_order": "end_year"}

    class Meta:
        model = KeyProject
        fields = ["start_year", "end_year", "title", "role", "outcome"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start and "end_year" not in self.errors:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        return data


class ApprenticeForm(_RecordForm):
    year_fields = ("since_year",)

    class Meta:
        model = Apprentice
        fields = ["name", "since_year", "skill_level_reached", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["skill_level_reached"]
        ).queryset = SkillLevel.objects.order_by("rank")


RECORD_FORMS: dict[str, type[_RecordForm]] = {
    "work": WorkPeriodForm,
    "honor": HonorForm,
    "contest": ContestResultForm,
    "achievement": AchievementForm,
    "project": KeyProjectForm,
    "apprentice": ApprenticeForm,
}


# --- Attachments ----------------------------------------------------------------------------


class AttachmentForm(JiangxinForm):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ",".join(sorted(ALLOWED))}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What the file shows, e.g. 高级技师证书."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(mb)s MB.") % {
            "types": ALLOWED_LABEL,
            "mb": MAX_BYTES // 1024 // 1024,
        }
