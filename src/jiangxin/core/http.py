"""Request types for views.

`LoginRequiredMiddleware` answers every view not marked `login_not_required` with a redirect to
the login page, so those views always receive a signed-in `User`; `AuthedHttpRequest` says so to
the type checker instead of a cast in each view. Public views keep plain `HttpRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from jiangxin.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
