"""Input parsing for organization and user management."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import Role
from jiangxin.core.forms_base import JiangxinForm
from jiangxin.orgs.models import Organization
from jiangxin.reference.models import Industry, Region


class OrganizationFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("All kinds")),
            *Organization.Kind.choices,
        ]


class OrganizationForm(JiangxinForm):
    kind = forms.ChoiceField(label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    industry = forms.ModelChoiceField(
        label=_("Industry (GB/T 4754 division)"),
        queryset=Industry.objects.filter(level=Industry.Level.DIVISION),
        required=False,
    )
    credit_code = forms.RegexField(
        label=_("Unified social credit code"),
        regex=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        required=False,
        error_messages={"invalid": _("Enter the 18-character unified social credit code.")},
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is None:
            del self.fields["kind"]
        else:
            labels = dict(Organization.Kind.choices)
            cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, labels[k]) for k in kinds]


class UserFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Username or name contains"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("All roles")), *Role.choices]


class UserCreateForm(JiangxinForm):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.-]{3,150}$",
        max_length=150,
        help_text=_("3–150 letters, digits, dots, hyphens or underscores."),
        error_messages={"invalid": _("Use 3–150 letters, digits, dots, hyphens or underscores.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("Enter an 11-digit mobile number starting with 1.")},
    )
    password = forms.CharField(
        label=_("Temporary password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_(
            "At least 8 characters with 3 of: lower-case, upper-case, digits, symbols. "
            "The person must change it at first sign-in."
        ),
    )


class GrantForm(JiangxinForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, organizations: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        labels = dict(Role.choices)
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r, labels[r]) for r in roles]


class RevealForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason for revealing the full value"),
        max_length=200,
        min_length=4,
        help_text=_("Recorded in the audit log."),
    )
