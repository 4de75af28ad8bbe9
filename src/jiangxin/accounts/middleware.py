"""Session lifetime and password-age enforcement (等保 level 3)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_STARTED = "jx_started"
SESSION_SEEN = "jx_seen"


class SessionTimeoutMiddleware:
    """End a session after 30 idle minutes or 12 hours in all (both configurable).

    The server-side session is flushed, not only the cookie dropped.
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
                from jiangxin.core.audit import record_event

                user = request.user
                record_event(
                    "auth.session_expired",
                    actor=user,  # type: ignore[arg-type]
                    summary={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[SESSION_STARTED] = started
            # Write the last-seen time at most once a minute to spare the session table.
            if now - seen >= 60 or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Send a user whose password is older than the policy allows to the change-password page."""

    ALLOWED_URL_NAMES = {"accounts:password_change", "accounts:logout", "set_language"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and password_change_required(user):  # type: ignore[arg-type]
            match = getattr(request, "resolver_match", None)
            from django.urls import resolve

            try:
                match = resolve(request.path_info)
            except Exception:  # noqa: BLE001 - unknown URL: let the normal 404 happen
                match = None
            name = f"{match.namespace}:{match.url_name}" if match and match.namespace else (
                match.url_name if match else None
            )
            if name not in self.ALLOWED_URL_NAMES and not request.path_info.startswith(
                settings.STATIC_URL
            ):
                return redirect("accounts:password_change")
        return self.get_response(request)


def password_change_required(user) -> bool:  # type: ignore[no-untyped-def]
    if user.must_change_password:
        return True
    if user.password_changed_at is None:
        return False
    max_age = timedelta(days=settings.JIANGXIN_PASSWORD_MAX_AGE_DAYS)
    return timezone.now() - user.password_changed_at > max_age
