"""Email copies of notifications (console backend in the demo, SMTP in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jiangxin.notifications.kinds import render
from jiangxin.notifications.models import Notification


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Send each not-yet-emailed notification to its recipient's address; return the count."""
    sent = 0
    rows = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    with translation.override(settings.LANGUAGE_CODE):
        site = _("Jiangxin")
        for row in rows:
            address = row.recipient.email
            if not address:
                continue
            title, body = render(row.kind, row.params)
            link = f"\n\n{settings.JIANGXIN_SITE_URL}{row.url}" if row.url else ""
            send_mail(
                subject=f"[{site}] {title}",
                message=body + link,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
            Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent
