"""Helpers shared by the authentication tests."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts.models import User
from tests.factories import PASSWORD

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:two_factor_verify")
ENROL_URL = reverse("accounts:two_factor_enrol")

_TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now.

    django-otp refuses a code at or before the last accepted time step, so tests that sign in
    twice within 30 seconds forget the last step first (a real phone would simply wait).
    """
    device.refresh_from_db()
    if device.last_t != -1:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        device.last_t = -1
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(current_code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def post_password(
    client: Client, username: str, password: str = PASSWORD, **extra: Any
) -> HttpResponse:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def pending_token(response: HttpResponse) -> str:
    match = _TOKEN_RE.search(response.content.decode())
    assert match, "no pending-login token on the page"
    return match.group(1)


def sign_in(client: Client, user: User, device: TOTPDevice | None = None) -> HttpResponse:
    """Sign in through the real pages (password, then the code when a device is given)."""
    response = post_password(client, user.username)
    if device is None:
        return response
    return client.post(VERIFY_URL, {"token": pending_token(response), "code": current_code(device)})


def english(client: Client) -> Client:
    client.cookies["jiangxin_language"] = "en"
    return client
