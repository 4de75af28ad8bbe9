"""Context every page needs: the site name and the role-aware sidebar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jiangxin.core.navigation import nav_items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.JIANGXIN_SITE_NAME,
        "nav_items": nav_items_for(request),
        "unread_notifications": _unread(request),
    }


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from jiangxin.notifications.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
