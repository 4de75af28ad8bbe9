"""Input parsing for signing in, the second factor and passwords. No decisions here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm


class LoginForm(JiangxinForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    @classmethod
    def refused(cls, username: str, message: str) -> LoginForm:
        """An empty form (username kept) that shows only `message` in its error summary."""
        form = cls(initial={"username": username})
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # unbound: no validation
        form.cleaned_data = {}
        form.add_error(None, message)
        return form


class CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Verification code"))
        kwargs.setdefault(
            "help_text",
            _("The 6-digit code shown in your authenticator app, or one of your backup codes."),
        )
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(**kwargs)


class SecondFactorForm(JiangxinForm):
    """The verification step of a pending login (the token proves the password step)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    code = CodeField()


class EnrolForm(JiangxinForm):
    """The first set-up of an authenticator app during a pending login."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    code = CodeField(
        help_text=_("Enter the 6-digit code your authenticator app now shows for Jiangxin.")
    )


class ReauthenticateForm(JiangxinForm):
    """Current password and, for users with a device, a current code: asked before changing
    the second factor from the security page."""

    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeField()

    def __init__(self, *args: Any, require_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not require_code:
            del self.fields["code"]


class ConfirmDeviceForm(JiangxinForm):
    code = CodeField(
        help_text=_("Enter the 6-digit code your authenticator app now shows for Jiangxin.")
    )


class PasswordChangeForm(JiangxinForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Confirm the new password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new1 = cleaned.get("new_password1")
        new2 = cleaned.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("The two new passwords do not match."))
        return cleaned
