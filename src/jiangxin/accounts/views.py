"""Signing in and out, the second factor, passwords and the "my account security" page.

The pending-login design (no session before every factor is verified) is described in
`jiangxin.accounts.login_flow`.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts import login_flow, rules
from jiangxin.accounts.actions import do_change_password
from jiangxin.accounts.forms import (
    ConfirmDeviceForm,
    EnrolForm,
    LoginForm,
    PasswordChangeForm,
    ReauthenticateForm,
    SecondFactorForm,
)
from jiangxin.accounts.middleware import password_change_required
from jiangxin.accounts.models import User
from jiangxin.core.audit import record_event
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.models import AuditEvent

#: One answer for a wrong password, an unknown username and a deactivated account.
LOGIN_FAILED = gettext_lazy("The username or password is not correct.")
CODE_FAILED = gettext_lazy("The code is not correct or has expired. Enter the current code.")
#: A device being set up from the security page must be confirmed within this time.
PENDING_DEVICE_MAX_AGE = 10 * 60
RECENT_LOGINS = 10
#: "Too Many Requests", as django-axes answers by default.
LOCKOUT_STATUS = 429

_LOCKOUT_ATTR = "_jx_lockout_response"


def _lock_message() -> str:
    return _(
        "Too many failed sign-in attempts. Signing in with this username is locked for "
        "%(minutes)d minutes. Try again later, or ask your security administrator to unlock it."
    ) % {"minutes": login_flow.cooloff_minutes()}


# --- Password step ---------------------------------------------------------------------------


def _render_login(request: HttpRequest, form: LoginForm, *, status: int = 200) -> HttpResponse:
    return render(request, "accounts/login.html", {"form": form}, status=status)


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return redirect(login_flow.safe_next(request, next_url) or settings.LOGIN_REDIRECT_URL)
    if request.method != "POST":
        return _render_login(request, LoginForm(initial={"next": next_url}))
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _render_login(request, form)
    username: str = form.cleaned_data["username"]
    already_locked = login_flow.is_locked_out(request, username)
    user = authenticate(request=request, username=username, password=form.cleaned_data["password"])
    if user is None:
        # An attempt on a username that was already locked is audited as "auth.locked_out"
        # by lockout_response: the axes middleware replaces this page with the lockout page.
        if not already_locked:
            record_event(
                "auth.login_failed",
                actor_label=username,
                outcome=AuditEvent.Outcome.FAILURE,
                summary={"stage": "password"},
            )
        form.add_error(None, LOGIN_FAILED)
        return _render_login(request, form)
    if not isinstance(user, User):  # pragma: no cover - only our user model authenticates
        raise TypeError(type(user))
    next_url = form.cleaned_data["next"]
    if not login_flow.needs_second_factor(user):
        login_flow.complete_login(request, user)
        return _after_login(request, user, next_url)
    if login_flow.has_confirmed_device(user):
        token = login_flow.issue_token(user, stage=login_flow.STAGE_VERIFY, next_url=next_url)
        return _render_verify(request, SecondFactorForm(initial={"token": token}))
    device = login_flow.start_totp_enrolment(user)
    token = login_flow.issue_token(user, stage=login_flow.STAGE_ENROL, next_url=next_url)
    return _render_enrol(request, EnrolForm(initial={"token": token}), device)


def _after_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    if password_change_required(user):
        messages.warning(
            request, _("Your password has expired or must be changed. Choose a new one now.")
        )
        return redirect("accounts:password_change")
    return redirect(login_flow.safe_next(request, next_url) or settings.LOGIN_REDIRECT_URL)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | dict[str, Any] | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a locked username (called by django-axes and by our own views).

    The same page, message and status (429) whether or not the username exists. Audited once
    per request as "auth.locked_out".
    """
    cached = getattr(request, _LOCKOUT_ATTR, None)
    if cached is not None:
        return cached
    if isinstance(original_response, dict) and credentials is None:
        credentials = original_response  # axes' two-argument fallback call
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")
    username = username[:150]
    record_event(
        "auth.locked_out",
        actor_label=username,
        outcome=AuditEvent.Outcome.DENIED,
        summary={"path": request.path},
    )
    form = LoginForm.refused(username, _lock_message())
    response = _render_login(request, form, status=LOCKOUT_STATUS)
    setattr(request, _LOCKOUT_ATTR, response)
    return response


# --- Second factor during sign-in ------------------------------------------------------------


def _render_verify(request: HttpRequest, form: SecondFactorForm) -> HttpResponse:
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _render_enrol(request: HttpRequest, form: EnrolForm, device: TOTPDevice) -> HttpResponse:
    context = {"form": form, **login_flow.totp_setup_context(device)}
    return render(request, "accounts/two_factor_enrol.html", context)


def _restart(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Your sign-in has expired. Enter your username and password again."))
    return redirect("accounts:login")


def _second_factor_failed(request: HttpRequest, user: User, stage: str) -> None:
    record_event(
        "auth.second_factor_failed",
        actor=user,
        outcome=AuditEvent.Outcome.FAILURE,
        summary={"stage": stage},
    )
    login_flow.count_failure(request, user.get_username())


@login_not_required
@sensitive_post_parameters("token", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":  # e.g. after the language switch: the token travels by POST only
        return redirect("accounts:login")
    pending = login_flow.redeem_token(request.POST.get("token", ""), stage=login_flow.STAGE_VERIFY)
    if pending is None:
        return _restart(request)
    user = pending.user
    if login_flow.is_locked_out(request, user.get_username()):
        return lockout_response(request, None, {"username": user.get_username()})
    form = SecondFactorForm(request.POST)
    if form.is_valid():
        device = login_flow.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            login_flow.complete_login(request, user, device)
            return _after_login(request, user, pending.next_url)
        _second_factor_failed(request, user, login_flow.STAGE_VERIFY)
        form.add_error("code", CODE_FAILED)
    return _render_verify(request, form)


@login_not_required
@sensitive_post_parameters("token", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":  # e.g. after the language switch: the token travels by POST only
        return redirect("accounts:login")
    pending = login_flow.redeem_token(request.POST.get("token", ""), stage=login_flow.STAGE_ENROL)
    # An enrolment token never adds a device next to a confirmed one: that would let someone
    # who knows only the password bypass the existing second factor.
    if pending is None or login_flow.has_confirmed_device(pending.user):
        return _restart(request)
    user = pending.user
    device = login_flow.pending_totp_device(user)
    if device is None:
        return _restart(request)
    if login_flow.is_locked_out(request, user.get_username()):
        return lockout_response(request, None, {"username": user.get_username()})
    form = EnrolForm(request.POST)
    if form.is_valid():
        confirmed = login_flow.confirm_totp_device(device=device, code=form.cleaned_data["code"])
        if confirmed is not None:
            record_event("auth.second_factor_enrolled", actor=user, obj=confirmed)
            login_flow.complete_login(request, user, confirmed)
            messages.success(
                request,
                _(
                    "Two-step verification is set up. Create backup codes on the account "
                    "security page in case you lose your phone."
                ),
            )
            return _after_login(request, user, pending.next_url)
        _second_factor_failed(request, user, login_flow.STAGE_ENROL)
        form.add_error("code", CODE_FAILED)
    device.refresh_from_db()
    return _render_enrol(request, form, device)


# --- Signing out -----------------------------------------------------------------------------


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event("auth.logout", actor=request.user)
        logout(request)
        messages.success(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- Re-authentication inside a session ------------------------------------------------------


def _reauthenticate(
    request: AuthedHttpRequest, form: ReauthenticateForm | PasswordChangeForm
) -> bool:
    """Check the current password (and code, when the form asks one) of the signed-in user.

    Failures count toward the same axes lock as sign-in failures: a stolen session cannot be
    used to guess the password or the code.
    """
    user = request.user
    username = user.get_username()
    password_field = "old_password" if "old_password" in form.fields else "password"
    password = form.cleaned_data[password_field]
    already_locked = login_flow.is_locked_out(request, username)
    if authenticate(request=request, username=username, password=password) is None:
        if not already_locked:
            record_event(
                "auth.reauthentication_failed",
                actor=user,
                outcome=AuditEvent.Outcome.FAILURE,
                summary={"factor": "password"},
            )
        form.add_error(password_field, _("The current password is not correct."))
        return False
    if "code" in form.fields and login_flow.verify_code(user, form.cleaned_data["code"]) is None:
        _second_factor_failed(request, user, "reauthenticate")
        form.add_error("code", CODE_FAILED)
        return False
    return True


def _locked_while_signed_in(request: AuthedHttpRequest) -> HttpResponse:
    """The username got locked by failures inside a session: end the session too."""
    username = request.user.get_username()
    logout(request)
    return lockout_response(request, None, {"username": username})


# --- Password change -------------------------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            if not _reauthenticate(request, form):
                if getattr(request, "axes_locked_out", False):
                    return _locked_while_signed_in(request)
            else:
                try:
                    changed = do_change_password(
                        user_id=user.pk,
                        new_password=form.cleaned_data["new_password1"],
                        acting_user=user,
                    )
                except ValidationError as exc:
                    form.add_error("new_password1", exc)
                else:
                    # Keeps this session (with a new key); the user's other sessions end.
                    update_session_auth_hash(request, changed)
                    messages.success(request, _("Your password has been changed."))
                    return redirect("accounts:security")
    else:
        form = PasswordChangeForm()
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": password_change_required(user),
            "must_change": user.must_change_password,
            "max_age_days": settings.JIANGXIN_PASSWORD_MAX_AGE_DAYS,
            "breadcrumbs": [
                {"label": _("My account security"), "url": _security_url()},
                {"label": _("Change password")},
            ],
        },
    )


def _security_url() -> str:
    return reverse("accounts:security")


# --- My account security ---------------------------------------------------------------------


@require_http_methods(["GET"])
def security(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    totp_devices = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"))
    backup_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    has_backup = StaticDevice.objects.filter(user=user, confirmed=True).exists()
    logins = list(
        AuditEvent.objects.filter(actor=user, action="auth.login").order_by("-id")[:RECENT_LOGINS]
    )
    return render(
        request,
        "accounts/security.html",
        {
            "two_factor_required": rules.requires_two_factor(user),
            "totp_devices": totp_devices,
            "has_backup_codes": has_backup,
            "backup_codes_left": backup_left,
            "logins": logins,
            "password_changed_at": user.password_changed_at,
            "max_age_days": settings.JIANGXIN_PASSWORD_MAX_AGE_DAYS,
            "breadcrumbs": [{"label": _("My account security")}],
        },
    )


def _pending_setup_device(request: AuthedHttpRequest, user: User) -> TOTPDevice | None:
    data = request.session.get(login_flow.SESSION_PENDING_TOTP)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_DEVICE_MAX_AGE:
        request.session.pop(login_flow.SESSION_PENDING_TOTP, None)
        return None
    return login_flow.pending_totp_device(user, device_id=int(data.get("id", 0)))


@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthedHttpRequest) -> HttpResponse:
    """Set up or replace the authenticator app: password and current code first, then scan."""
    user = request.user
    had_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    require_code = login_flow.has_confirmed_device(user)
    breadcrumbs = [
        {"label": _("My account security"), "url": _security_url()},
        {"label": _("Set up the authenticator app")},
    ]
    step = request.POST.get("step", "")
    device = _pending_setup_device(request, user)

    if request.method == "POST" and step == "confirm" and device is not None:
        confirm_form = ConfirmDeviceForm(request.POST)
        if confirm_form.is_valid():
            confirmed = login_flow.confirm_totp_device(
                device=device, code=confirm_form.cleaned_data["code"]
            )
            if confirmed is not None:
                request.session.pop(login_flow.SESSION_PENDING_TOTP, None)
                record_event(
                    "auth.second_factor_reset" if had_device else "auth.second_factor_enrolled",
                    actor=user,
                    obj=confirmed,
                )
                # This session is now verified by the new device (the old one is gone).
                django_otp.login(request, confirmed)
                messages.success(request, _("Your authenticator app is set up."))
                return redirect("accounts:security")
            confirm_form.add_error("code", CODE_FAILED)
            device.refresh_from_db()
        return render(
            request,
            "accounts/two_factor_setup.html",
            {
                "form": confirm_form,
                "stage": "confirm",
                "breadcrumbs": breadcrumbs,
                **login_flow.totp_setup_context(device),
            },
        )

    if request.method == "POST" and step == "reauthenticate":
        form = ReauthenticateForm(request.POST, require_code=require_code)
        if form.is_valid():
            if _reauthenticate(request, form):
                device = login_flow.start_totp_enrolment(user)
                request.session[login_flow.SESSION_PENDING_TOTP] = {
                    "id": device.pk,
                    "at": int(time.time()),
                }
                return render(
                    request,
                    "accounts/two_factor_setup.html",
                    {
                        "form": ConfirmDeviceForm(),
                        "stage": "confirm",
                        "breadcrumbs": breadcrumbs,
                        **login_flow.totp_setup_context(device),
                    },
                )
            if getattr(request, "axes_locked_out", False):
                return _locked_while_signed_in(request)
    else:
        form = ReauthenticateForm(require_code=require_code)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "stage": "reauthenticate",
            "had_device": had_device,
            "breadcrumbs": breadcrumbs,
        },
    )


@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request: AuthedHttpRequest) -> HttpResponse:
    """Create a new set of backup codes (the old ones stop working); shown once."""
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("Set up the authenticator app first."))
        return redirect("accounts:security")
    breadcrumbs = [
        {"label": _("My account security"), "url": _security_url()},
        {"label": _("Backup codes")},
    ]
    if request.method == "POST":
        form = ReauthenticateForm(request.POST)
        if form.is_valid():
            if _reauthenticate(request, form):
                was_backup = isinstance(getattr(user, "otp_device", None), StaticDevice)
                device, codes = login_flow.regenerate_backup_codes(user)
                if was_backup:
                    django_otp.login(request, device)
                record_event("auth.backup_codes_generated", actor=user, obj=device)
                return render(
                    request,
                    "accounts/backup_codes.html",
                    {"codes": codes, "breadcrumbs": breadcrumbs},
                )
            if getattr(request, "axes_locked_out", False):
                return _locked_while_signed_in(request)
    else:
        form = ReauthenticateForm()
    return render(request, "accounts/backup_codes.html", {"form": form, "breadcrumbs": breadcrumbs})
