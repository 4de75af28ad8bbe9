"""The publication form: what the officer writes for the announcement (the action checks it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm


class PublicationForm(JiangxinForm):
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_(
            "The issuer's code, the year in 〔〕 and the serial number, e.g. 总工发〔2026〕12号."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    addressees = forms.CharField(
        label=_("Sent to"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The organizations the announcement is addressed to (主送机关)."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One paragraph a line. The list follows as the attachment."),
    )
    signed_on = forms.DateField(label=_("Date of the document"))
    cohort_starts_on = forms.DateField(
        label=_("Cultivation starts on"),
        required=False,
        help_text=_("Empty means the date of the document."),
    )

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "document_number": data["document_number"],
            "title": data["title"],
            "addressees": data["addressees"],
            "body": data["body"],
            "signed_on": data["signed_on"],
            "cohort_starts_on": data.get("cohort_starts_on"),
        }
