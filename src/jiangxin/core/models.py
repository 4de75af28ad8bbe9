"""Core models: the audit trail and the officer-maintained working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only audit row. Each row carries the HMAC of the previous row (a chain).

    Rows are never updated or deleted by the application; on PostgreSQL a trigger refuses
    UPDATE, and DELETE except by the retention purge for rows older than the retention period.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        DENIED = "denied", _("Denied")
        FAILURE = "failure", _("Failure")

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    acting_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("acting organization"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    summary = models.JSONField(_("before/after summary"), default=dict, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """Singleton row locked while appending, so the chain stays linear under concurrency."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_event_id} {self.last_hash[:12]}"


class AuditAnchor(models.Model):
    """Where the chain starts after a retention purge deleted its oldest rows.

    `prev_hash` is the hash of the last purged row, i.e. the `prev_hash` the first kept row
    (`first_kept_id`) carries. The anchor is itself HMAC'd (`hash`) so it cannot be forged
    without the audit key, and is append-only like the events.
    """

    created_at = models.DateTimeField(_("created at"))
    purged_before = models.DateTimeField(_("purged events older than"))
    purged_count = models.PositiveBigIntegerField(_("purged events"))
    first_kept_id = models.BigIntegerField(_("first kept event"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain anchor")
        verbose_name_plural = _("audit chain anchors")
        ordering = ["-first_kept_id"]

    def __str__(self) -> str:
        return f"{self.first_kept_id} ({self.purged_count})"


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule was entered by an officer.

    Years known to the `chinesecalendar` package need no row; a row here overrides the package
    for that year (for a newly announced schedule or a correction).
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(
        _("source document"),
        max_length=255,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕X号)"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("announced calendar year")
        verbose_name_plural = _("announced calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday in an announced year.

    Either an official holiday (a weekday off) or a make-up workday (a weekend day worked).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Official holiday (day off)")
        WORKDAY = "workday", _("Make-up workday (调休上班)")

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("festival"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendarday_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
