"""In-app notifications (with an unread count) and the log that keeps reminders from being
sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user that something needs them. The text is rendered from `kind`
    and `params` in the reader's language (see `notifications.kinds`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"


class ReminderLog(models.Model):
    """One reminder sent: (kind, subject, recipient, day) is unique, so a rerun of the
    scheduler never sends the same reminder twice."""

    kind = models.CharField(max_length=40)
    subject_key = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient", "sent_on"], name="reminderlog_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.recipient_id} {self.sent_on}"
