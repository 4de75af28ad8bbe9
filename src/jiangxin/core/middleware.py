"""Request-wide middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jiangxin.core.request_context import RequestMeta, reset_request_meta, set_request_meta


def client_ip(request: HttpRequest) -> str | None:
    """The client address as seen by Django.

    Behind the production reverse proxy, REMOTE_ADDR is set from X-Forwarded-For by the proxy
    configuration (see README), never trusted from the header here.
    """
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Expose IP, user agent and acting organization to audit writes for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        acting_org_id = None
        if request.user.is_authenticated and hasattr(request, "session"):
            acting_org_id = request.session.get("acting_org_id")
        token = set_request_meta(
            RequestMeta(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
                acting_org_id=acting_org_id,
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)
