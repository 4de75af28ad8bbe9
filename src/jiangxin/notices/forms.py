"""Input parsing of the notice pages, the public objection form and the handling pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm
from jiangxin.core.idnumbers import validate_id_number
from jiangxin.core.masking import mask_id_number, mask_phone
from jiangxin.nominations.models import NoticeField
from jiangxin.notices.actions import FACTS_MAX_CHARS, NOTE_MAX_CHARS
from jiangxin.notices.captcha import captcha_field
from jiangxin.notices.models import Objection
from jiangxin.people.forms import KeptNumberInput
from jiangxin.people.uploads import ALLOWED, ALLOWED_LABEL, MAX_BYTES

#: A mainland mobile number, or a landline with its area code (0311-86012345).
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
ACCEPT = ",".join(ALLOWED)


def _upload_help() -> str:
    return str(
        _("%(types)s, at most %(mb)s MB.")
        % {"types": ALLOWED_LABEL, "mb": MAX_BYTES // 1024 // 1024}
    )


def _letter_help() -> str:
    letter = _("A scan or photo of the signed letter bearing the unit’s seal.")
    return f"{letter} {_upload_help()}"


def _facts_help() -> str:
    return str(
        _(
            "What happened, when and where, and how you know it. Concrete facts can be "
            "checked; an objection without them cannot be admitted. At most %(max)s characters."
        )
        % {"max": FACTS_MAX_CHARS}
    )


# Rendered in the reader's language when the form is shown, not at import.
UPLOAD_HELP = lazy(_upload_help, str)()
LETTER_HELP = lazy(_letter_help, str)()
FACTS_HELP = lazy(_facts_help, str)()


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _file_input() -> forms.ClearableFileInput:
    return forms.ClearableFileInput(attrs={"accept": ACCEPT})


# --- The notice (officers) ---------------------------------------------------------------------


class NoticeForm(JiangxinForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day"),
        help_text=_(
            "A working day. The last day follows from the policy's working days and the "
            "official holiday table."
        ),
    )
    introduction = forms.CharField(label=_("Notice text"), widget=_textarea(5), max_length=3000)
    objection_guide = forms.CharField(
        label=_("How to object"), widget=_textarea(5), max_length=3000
    )
    contact = forms.CharField(
        label=_("Contact channels"),
        widget=_textarea(4),
        max_length=1000,
        help_text=_("Telephone, postal address and mailbox for objections, one per line."),
    )


class SummaryForm(JiangxinForm):
    text = forms.CharField(label=_("Deeds summary for the notice"), widget=_textarea(4))


class ConsentForm(JiangxinForm):
    consent_fields = forms.MultipleChoiceField(
        label=_("Fields the person agrees to publish"),
        choices=NoticeField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("How the consent was given"),
        widget=_textarea(2),
        max_length=500,
        help_text=_("e.g. the signed form received from the unit on 10 September, kept in file."),
    )


class ReasonForm(JiangxinForm):
    reason = forms.CharField(label=_("Reason"), widget=_textarea(3), max_length=1000)


# --- The public objection form ------------------------------------------------------------------


class WhoForm(JiangxinForm):
    kind = forms.ChoiceField(
        label=_("Who is objecting?"),
        choices=Objection.ComplainantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you object as a person or as a unit.")},
    )


class _PhoneMixin:
    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        phone = "".join(str(self.cleaned_data.get("phone") or "").split())
        if not PHONE_RE.fullmatch(phone):
            raise ValidationError(
                _("Enter a mobile number (11 digits) or a landline with its area code.")
            )
        return phone


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Telephone"),
        max_length=20,
        widget=KeptNumberInput(mask=mask_phone, attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("We call this number if we need to ask you about the objection."),
        error_messages={"required": _("Enter a telephone number.")},
    )


class PersonDetailsForm(_PhoneMixin, JiangxinForm):
    name = forms.CharField(
        label=_("Your full name"),
        max_length=50,
        help_text=_("As on your ID card. Objections under a real name only."),
        error_messages={"required": _("Enter your full name.")},
    )
    phone = _phone_field()
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=KeptNumberInput(mask=mask_id_number),
        help_text=_("Kept encrypted; only the handlers of the objection can see it."),
        error_messages={"required": _("Enter your ID number.")},
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"]).number
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class UnitDetailsForm(_PhoneMixin, JiangxinForm):
    unit_name = forms.CharField(
        label=_("Name of the unit"),
        max_length=200,
        error_messages={"required": _("Enter the name of the unit.")},
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        error_messages={"required": _("Enter the name of the contact person.")},
    )
    phone = _phone_field()
    seal_letter = forms.FileField(
        label=_("Letter under the unit's seal"),
        required=False,
        widget=_file_input(),
        help_text=LETTER_HELP,
    )

    def __init__(self, *args: Any, has_letter: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_letter = has_letter
        if has_letter:
            self.fields["seal_letter"].label = _("Replace the letter under the unit's seal")
            self.fields["seal_letter"].optional_hidden = True  # type: ignore[attr-defined]
        else:
            self.fields["seal_letter"].optional_hidden = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_letter and not data.get("seal_letter"):
            self.add_error("seal_letter", _("Upload the letter under the unit's seal."))
        return data


class FactsForm(JiangxinForm):
    facts = forms.CharField(
        label=_("The facts of the objection"),
        widget=_textarea(10),
        max_length=FACTS_MAX_CHARS,
        help_text=FACTS_HELP,
        error_messages={"required": _("State the facts of the objection.")},
    )

    def clean_facts(self) -> str:
        facts: str = self.cleaned_data["facts"].strip()
        if len("".join(facts.split())) < 10:
            raise ValidationError(_("Describe the facts in at least 10 characters."))
        return facts


class EvidenceForm(JiangxinForm):
    file = forms.FileField(
        label=_("Add a file"),
        widget=_file_input(),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Choose a file to add.")},
    )


class CheckForm(JiangxinForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that what I have stated is true to the best of my knowledge. I know "
            "that a false accusation is my own responsibility."
        ),
        error_messages={"required": _("Tick the declaration to send the objection.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()


# --- Handling (signed in) ---------------------------------------------------------------------


class TriageForm(JiangxinForm):
    decision = forms.ChoiceField(
        label=_("Triage"),
        widget=forms.RadioSelect,
        choices=[
            ("admit", _("Admit for investigation")),
            (
                "not_admit",
                _("Do not admit (anonymous, no concrete facts, not about a listed nominee)"),
            ),
        ],
    )
    handler = forms.ChoiceField(label=_("Handler"), required=False)
    note = forms.CharField(
        label=_("Note"),
        widget=_textarea(3),
        required=False,
        max_length=2000,
        help_text=_("Required when the objection is not admitted; the reason is recorded."),
    )

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["handler"]).choices = [
            ("", _("Myself")),
            *((u.pk, u.full_name or u.username) for u in handlers),
        ]
        self.fields["handler"].optional_hidden = True  # type: ignore[attr-defined]
        self.fields["note"].optional_hidden = True  # type: ignore[attr-defined]


class AssignForm(JiangxinForm):
    handler = forms.ChoiceField(label=_("Give to"))

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["handler"]).choices = [
            (u.pk, u.full_name or u.username) for u in handlers
        ]


class NoteForm(JiangxinForm):
    text = forms.CharField(label=_("Note"), widget=_textarea(4), max_length=NOTE_MAX_CHARS)
    file = forms.FileField(
        label=_("File"), required=False, widget=_file_input(), help_text=UPLOAD_HELP
    )


class ExplanationRequestForm(JiangxinForm):
    question = forms.CharField(
        label=_("What the unit is asked to explain"),
        widget=_textarea(4),
        max_length=2000,
        help_text=_(
            "The unit sees only this text: never the objection, its facts or who filed it. "
            "Do not write anything that could identify the complainant."
        ),
    )
    due_on = forms.DateField(label=_("Answer by"))

    def clean_due_on(self) -> dt.date:
        due: dt.date = self.cleaned_data["due_on"]
        if due <= timezone.localdate():
            raise ValidationError(_("Give the unit a date after today."))
        return due


class ExplanationAnswerForm(JiangxinForm):
    answer = forms.CharField(
        label=_("Written explanation"), widget=_textarea(8), max_length=NOTE_MAX_CHARS
    )
    file = forms.FileField(
        label=_("File (e.g. the signed explanation)"),
        required=False,
        widget=_file_input(),
        help_text=UPLOAD_HELP,
    )


class ConclusionForm(JiangxinForm):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=Objection.Conclusion.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), widget=_textarea(5), max_length=NOTE_MAX_CHARS)


class ReplyForm(JiangxinForm):
    text = forms.CharField(
        label=_("Reply to the complainant"),
        widget=_textarea(5),
        max_length=NOTE_MAX_CHARS,
        help_text=_("The complainant reads it on the private status page of the objection."),
    )


class DisqualifyForm(JiangxinForm):
    rule_code = forms.ChoiceField(label=_("Rule cited"))
    reason = forms.CharField(label=_("Reason"), widget=_textarea(4), max_length=2000)

    def __init__(self, *args: Any, rules: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule_code"]).choices = [("", "—"), *rules.items()]


class ObjectionFilterForm(JiangxinForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Receipt number or nominee"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All statuses")),
            ("open", _("Not resolved")),
            *Objection.Status.choices,
        ]
