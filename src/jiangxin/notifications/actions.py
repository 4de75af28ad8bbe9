"""Writes to notifications. `notify` is called inside other actions' transactions; the email
copies are sent after commit by a background task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from jiangxin.notifications.kinds import KINDS
from jiangxin.notifications.models import Notification

if TYPE_CHECKING:
    from jiangxin.accounts.models import User


def notify(
    recipients: Iterable[User], kind: str, *, params: dict[str, Any], url: str = ""
) -> list[Notification]:
    """Create one notification per distinct active recipient and email them after commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, params=params, url=url))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:
        # Some backends do not return ids from bulk_create; look them up instead.
        ids = list(
            Notification.objects.filter(
                recipient_id__in=seen, kind=kind, emailed_at__isnull=True
            ).values_list("pk", flat=True)
        )
    if ids:
        from jiangxin.notifications.tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.enqueue(ids))
    return created


def do_mark_read(*, acting_user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=acting_user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
