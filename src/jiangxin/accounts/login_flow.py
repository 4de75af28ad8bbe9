"""Signing in: the pending login between the password and the second factor, and its end.

No session exists until every factor required of the user has been verified. After the password
step the browser receives a short-lived signed token (in a hidden form field, never in a URL)
instead of a session cookie. The token names the user and the stage ("verify" a confirmed device,
or "enrol" a first one) and carries a fingerprint of the password hash and of the last login, so
it dies when the password changes, when the account is deactivated, and as soon as it has been
used (a successful login updates `last_login`). It expires after five minutes.

Wrong second-factor codes are counted by django-axes on the same per-username counter as wrong
passwords (we send Django's `user_login_failed` signal, which axes listens to), so the password
and the code share one budget of five failures per 30 minutes, whatever token is replayed.
django-otp's own exponential throttling on each device stays on as a second brake.
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts import rules
from jiangxin.accounts.middleware import SESSION_AUTH_METHOD, SESSION_SEEN, SESSION_STARTED
from jiangxin.accounts.models import User
from jiangxin.core.audit import record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

TOKEN_SALT = "jiangxin.accounts.pending-login"  # noqa: S105 - a signing namespace
TOKEN_MAX_AGE_SECONDS = 5 * 60
STAGE_VERIFY = "verify"
STAGE_ENROL = "enrol"
#: The session key under which the acting organization is kept.
SESSION_ACTING_ORG = "acting_org_id"
#: Session key of a TOTP device being set up from the security page (not yet confirmed).
SESSION_PENDING_TOTP = "jx_pending_totp"
#: Login always goes through this backend once the factors are checked (axes has already run).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


@dataclass(frozen=True)
class PendingLogin:
    """A user who passed the password step and still owes a second factor."""

    user: User
    stage: str
    next_url: str


# --- The pending-login token -----------------------------------------------------------------


def _fingerprint(user: User) -> str:
    last_login = user.last_login.isoformat() if user.last_login else ""
    material = f"{user.pk}|{user.password}|{last_login}|{int(user.is_active)}"
    return salted_hmac(f"{TOKEN_SALT}.fingerprint", material, algorithm="sha256").hexdigest()


def issue_token(user: User, *, stage: str, next_url: str = "") -> str:
    """A signed, timestamped token proving that `user` just gave the right password."""
    payload = {"u": user.pk, "f": _fingerprint(user), "s": stage, "n": next_url}
    return signing.dumps(payload, salt=TOKEN_SALT)


def redeem_token(token: str, *, stage: str) -> PendingLogin | None:
    """The pending login named by `token`, or None if it is forged, expired, used or stale."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("s") != stage or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        return None
    return PendingLogin(user=user, stage=stage, next_url=str(data.get("n") or ""))


# --- Second factor ---------------------------------------------------------------------------


def needs_second_factor(user: User) -> bool:
    """Required by role (administrators, program officers), or chosen by the user."""
    return rules.requires_two_factor(user) or django_otp.user_has_device(user)


def has_confirmed_device(user: User) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def normalize_code(code: str) -> str:
    return "".join(code.split()).lower()


def verify_code(user: User, code: str) -> Device | None:
    """The confirmed device (TOTP or backup code) that accepts `code`, or None.

    Rows are locked while verifying so one TOTP code or backup code cannot be used twice
    concurrently; a TOTP code is never accepted twice (django-otp keeps `last_t`).
    """
    code = normalize_code(code)
    if not code:
        return None
    with transaction.atomic():
        for device in django_otp.devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def is_locked_out(request: HttpRequest, username: str) -> bool:
    """Whether axes currently refuses this username (failures of either factor)."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def count_failure(request: HttpRequest, username: str) -> bool:
    """Count a failed factor against `username` the way a wrong password counts.

    Returns True when this failure locked the username (axes then marks the request and its
    middleware answers with the lockout page).
    """
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def start_totp_enrolment(user: User) -> TOTPDevice:
    """A fresh unconfirmed TOTP device for `user`; earlier unconfirmed ones are discarded."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def pending_totp_device(user: User, device_id: int | None = None) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user, confirmed=False)
    if device_id is not None:
        qs = qs.filter(pk=device_id)
    return qs.order_by("-id").first()


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, code: str) -> TOTPDevice | None:
    """Check `code` against the unconfirmed `device`; on success confirm it and return it.

    The confirmed device replaces every other TOTP device of its user (one authenticator app
    per person), so a reset also retires a lost phone.
    """
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
    if locked is None or not locked.verify_token(normalize_code(code)):
        return None
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=locked.user_id).exclude(pk=locked.pk).delete()
    return locked


@transaction.atomic
def regenerate_backup_codes(user: User) -> tuple[StaticDevice, list[str]]:
    """Replace the user's backup codes with new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return device, codes


def totp_setup_context(device: TOTPDevice) -> dict[str, Any]:
    """What the set-up page shows: the QR code as inline SVG and the secret in groups of four."""
    qr = segno.make(device.config_url, error="m")
    # segno writes the SVG itself from the URL; nothing user-controlled reaches it unescaped.
    svg = qr.svg_inline(scale=5, border=4, title=_("QR code for your authenticator app"))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return {
        "qr_svg": mark_safe(svg),  # noqa: S308
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


def device_kind(device: Device | None) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, StaticDevice):
        return "backup_code"
    return ""


# --- Ending the sign-in ----------------------------------------------------------------------


def safe_next(request: HttpRequest, next_url: str) -> str | None:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


def complete_login(request: HttpRequest, user: User, device: Device | None = None) -> None:
    """Create the session: log in, bind the verified device, start the timeout clocks."""
    login(request, user, backend=MODEL_BACKEND)
    if device is not None:
        django_otp.login(request, device)
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    grants = rules.active_grants(user)
    acting_org = grants[0].organization if grants else None
    request.session[SESSION_ACTING_ORG] = acting_org.pk if acting_org else None
    request.session[SESSION_AUTH_METHOD] = device_kind(device) or "password"
    record_event(
        "auth.login",
        actor=user,
        acting_org=acting_org,
        summary={"second_factor": device_kind(device) or None},
    )


def user_label(user: User | AnonymousUser) -> str:
    return user.get_username() if user.is_authenticated else ""


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else 0
