"""Input parsing for the panel meeting and final approval pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm


class MeetingDetailsForm(JiangxinForm):
    held_on = forms.DateField(label=_("Held on"), required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair = forms.TypedChoiceField(label=_("Chair"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, chairs: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chairs:
            cast(forms.ChoiceField, self.fields["chair"]).choices = [
                ("", _("Not named yet")),
                *chairs,
            ]
        else:
            del self.fields["chair"]


class AddEntryForm(JiangxinForm):
    nomination = forms.TypedChoiceField(label=_("Flagged nomination"), coerce=int)
    reason = forms.CharField(
        label=_("Why the panel should discuss it"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, candidates: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["nomination"]).choices = list(candidates)


class AddMemberForm(JiangxinForm):
    user = forms.TypedChoiceField(
        label=_("Member"),
        coerce=int,
        help_text=_("Experts of the pool and program officers of the issuing organization."),
    )

    def __init__(self, *args: Any, candidates: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = list(candidates)


class PresenceForm(JiangxinForm):
    present = forms.TypedMultipleChoiceField(
        label=_("Members present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = list(members)


class RecusalForm(JiangxinForm):
    entry = forms.TypedChoiceField(label=_("Nominee"), coerce=int)
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def __init__(
        self,
        *args: Any,
        entries: Sequence[tuple[int, str]],
        members: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["entry"]).choices = list(entries)
        cast(forms.ChoiceField, self.fields["member"]).choices = list(members)


class MinutesForm(JiangxinForm):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50_000,
        help_text=_("Plain text: the agenda, how each nominee was discussed, any objection."),
    )


class ApprovalForm(JiangxinForm):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
