"""Session lifetime, second-factor and password-age enforcement (等保 level 3)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_STARTED = "jx_started"
SESSION_SEEN = "jx_seen"
#: Set at sign-in: how the session was opened ("password", "totp" or "backup_code").
SESSION_AUTH_METHOD = "jx_auth"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (which would swap the target page in)."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _login_url(request: HttpRequest) -> str:
    url = reverse(settings.LOGIN_URL)
    # Only a page that can be fetched again is worth coming back to.
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return url


class SessionTimeoutMiddleware:
    """End a session after 30 idle minutes or 12 hours in all (both configurable).

    The server-side session is flushed, not only the cookie dropped. A session opened through
    the sign-in pages also ends when its user now needs a second factor the session was not
    verified with (a two-factor role granted mid-session, or the device removed).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.JIANGXIN_SESSION_IDLE_SECONDS
            too_old = now - started > settings.JIANGXIN_SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                return self._end(
                    request,
                    "auth.session_expired",
                    {"reason": "idle" if idle else "absolute"},
                    _("Your session has expired. Please sign in again."),
                )
            if self._second_factor_missing(request):
                return self._end(
                    request,
                    "auth.session_ended",
                    {"reason": "second_factor_required"},
                    _("Your account now needs two-step verification. Please sign in again."),
                )
            request.session[SESSION_STARTED] = started
            # Write the last-seen time at most once a minute to spare the session table.
            if now - seen >= 60 or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _second_factor_missing(request: HttpRequest) -> bool:
        if SESSION_AUTH_METHOD not in request.session:
            return False
        from jiangxin.accounts import rules

        user: Any = request.user
        is_verified = getattr(user, "is_verified", None)
        return rules.requires_two_factor(user) and not (is_verified and is_verified())

    @staticmethod
    def _end(
        request: HttpRequest, action: str, summary: dict[str, str], message: str
    ) -> HttpResponse:
        from jiangxin.core.audit import record_event

        url = _login_url(request)
        record_event(action, actor=request.user, summary=summary)  # type: ignore[arg-type]
        logout(request)
        # MessageMiddleware runs after this one, so store the message on the response here.
        storage = default_storage(request)
        storage.add(messages.INFO, message)
        response = _redirect(request, url)
        storage.update(response)
        return response


class PasswordExpiryMiddleware:
    """Send a user whose password is older than the policy allows to the change-password page."""

    ALLOWED_URL_NAMES = {"accounts:password_change", "accounts:logout", "set_language"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and password_change_required(user):
            if request.path_info.startswith(settings.STATIC_URL):
                return self.get_response(request)
            try:
                match = resolve(request.path_info)
            except Resolver404:  # unknown URL: let the normal 404 happen
                return self.get_response(request)
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            if name not in self.ALLOWED_URL_NAMES:
                return _redirect(request, reverse("accounts:password_change"))
        return self.get_response(request)


def password_change_required(user: Any) -> bool:
    """Whether `user` must change the password before doing anything else."""
    if user.must_change_password:
        return True
    if user.password_changed_at is None:
        return False
    max_age = timedelta(days=settings.JIANGXIN_PASSWORD_MAX_AGE_DAYS)
    return bool(timezone.now() - user.password_changed_at > max_age)
