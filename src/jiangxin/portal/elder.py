"""Elder mode (长辈模式/适老化): larger text, higher contrast, larger targets, one column.

The choice lives in a cookie (no login, no session); the toggle is a plain link, so it works
without JavaScript. Pages read it when they render, and the portal's page cache keeps one copy
per mode.
"""

from __future__ import annotations

from django.http import HttpRequest

COOKIE_NAME = "jiangxin_elder"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def is_elder_mode(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE_NAME) == "1"
