"""The user's own notifications."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiangxin.core.http import AuthedHttpRequest
from jiangxin.notifications.actions import do_mark_read
from jiangxin.notifications.kinds import render as render_kind
from jiangxin.notifications.models import Notification

PAGE_SIZE = 30


@require_http_methods(["GET"])
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "n": n,
            "title": render_kind(n.kind, n.params)[0],
            "body": render_kind(n.kind, n.params)[1],
        }
        for n in page_obj
    ]
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page_obj,
            "items": items,
            "only_unread": bool(request.GET.get("unread")),
            "breadcrumbs": [{"label": _("Notifications")}],
        },
    )


@require_POST
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (only ever inside the site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@require_POST
def notification_mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    do_mark_read(acting_user=request.user)
    return redirect("notifications:list")
