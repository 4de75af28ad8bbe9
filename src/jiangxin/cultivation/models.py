"""Publication (公布) and what it opens: the cohort of cultivation records, and the public
craftsman pages (工匠风采) built on the published craftsmen.

- `Publication`: the official announcement of a campaign's confirmed list (one per campaign),
  with its document number (发文字号), the portal article and the generated PDF and Excel.
- `CultivationRecord`: one per published nomination, the start of the craftsman's cultivation
  (培育); the cultivation issue builds its plans, reports and training on it.
- `CraftsmanProfile` and `ProfileHighlight`: what a public craftsman page shows besides the
  consented notice fields (a photo, stories, highlights per dimension), written by officers.

The publication lives here rather than in the notices app because it is the act that creates
the cohort; the notices app owns the public notice (公示) that comes before it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.programs.models import Tier


def _document_path(instance: Publication, filename: str) -> str:
    """Server-generated names in private storage (served only through the publication's
    download views)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"private/publications/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


def _photo_path(instance: CraftsmanProfile, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"private/craftsmen/{uuid.uuid4().hex}{suffix}"


class Publication(models.Model):
    """The publication (公布) of a campaign's confirmed list as an official announcement.

    Written in one transaction with the article, the nominations' new status and the cohort;
    the PDF and the Excel list are made afterwards by a background task (`documents_status`).
    """

    class DocumentStatus(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.OneToOneField(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="publication",
    )
    article = models.OneToOneField(
        "portal.Article",
        verbose_name=_("announcement"),
        on_delete=models.PROTECT,
        related_name="publication",
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, unique=True)
    addressees = models.TextField(_("addressees"))
    body = models.TextField(_("text"))
    signed_on = models.DateField(_("date of the document"))
    cohort_starts_on = models.DateField(_("cultivation starts on"))
    #: The published list as published (jiangxin.notices.publication_documents.ListRow as
    #: dicts, in stroke order), holding only the fields each person agreed to publish; the
    #: PDF, the Excel list and the article are made from it.
    rows = models.JSONField(_("published list"), default=list, blank=True, editable=False)
    #: Whether some field of the list is left blank because the person did not agree to it.
    withheld = models.BooleanField(default=False, editable=False)
    #: How many published craftsmen the public list names (those who consented to their name).
    listed_count = models.PositiveIntegerField(_("people on the public list"), default=0)
    cohort_size = models.PositiveIntegerField(_("cohort size"), default=0)

    pdf = models.FileField(
        _("PDF"), upload_to=_document_path, max_length=200, blank=True, editable=False
    )
    xlsx = models.FileField(
        _("Excel list"), upload_to=_document_path, max_length=200, blank=True, editable=False
    )
    documents_status = models.CharField(
        _("documents"),
        max_length=8,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PENDING,
    )
    documents_error = models.CharField(_("problem"), max_length=300, blank=True)
    documents_task_id = models.CharField(max_length=64, blank=True, editable=False)
    documents_ready_at = models.DateTimeField(_("documents ready at"), null=True, blank=True)
    #: The portal attachments (portal.ArticleAttachment ids) made of the documents last time.
    attachment_ids = models.JSONField(default=list, blank=True, editable=False)

    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(documents_status__in=["pending", "ready", "failed"]),
                name="publication_documents_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(documents_status="ready")
                | (~models.Q(pdf="") & ~models.Q(xlsx="")),
                name="publication_ready_has_files",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"


class CultivationRecord(models.Model):
    """A published craftsman's cultivation (培育): from the publication for the policy's months.

    One per published nomination (the database says so); the person's records across tiers
    and years are their timeline.
    """

    class Status(models.TextChoices):
        # The cultivation issue moves records on; publication only ever opens them.
        ACTIVE = "active", _("Being cultivated")
        FINAL_EVALUATION = "final_evaluation", _("Final evaluation")
        CERTIFIED = "certified", _("Certified")
        FAILED = "failed", _("Did not pass")
        TERMINATED = "terminated", _("Terminated")

    nomination = models.OneToOneField(
        "nominations.Nomination",
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="cultivation_record",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="cultivation_records",
    )
    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="cultivation_records",
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cultivation record")
        verbose_name_plural = _("cultivation records")
        ordering = ["campaign_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="cultivationrecord_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["active", "final_evaluation", "certified", "failed", "terminated"]
                ),
                name="cultivationrecord_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="cultivation_campaign_status"),
            models.Index(fields=["tier", "status"], name="cultivation_tier_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start_date}–{self.end_date}"


class CraftsmanProfile(models.Model):
    """The editable part of a published craftsman's public page (工匠风采).

    The page shows the consented notice fields of the person's latest published nomination;
    this adds what officers write: a photo (only with the person's agreement, its metadata
    stripped), stories (portal articles in "stories") and highlights per dimension. A story may
    feature several craftsmen (a team, a master and apprentice), hence many-to-many.
    """

    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="craftsman_profile",
    )
    photo = models.FileField(
        _("photo"), upload_to=_photo_path, max_length=200, blank=True, editable=False
    )
    photo_content_type = models.CharField(max_length=40, blank=True, editable=False)
    photo_consent_on = models.DateField(
        _("the craftsman agreed to the photo being published on"), null=True, blank=True
    )
    stories = models.ManyToManyField(
        "portal.Article",
        verbose_name=_("stories"),
        blank=True,
        related_name="craftsman_profiles",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("craftsman page")
        verbose_name_plural = _("craftsman pages")
        ordering = ["person_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo="") | models.Q(photo_consent_on__isnull=False),
                name="craftsmanprofile_photo_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class ProfileHighlight(models.Model):
    """One dimension's highlight on a craftsman page: the approved statement shortened, as the
    officer edited it (nothing appears before an officer has saved it)."""

    MAX_CHARS = 150

    profile = models.ForeignKey(
        CraftsmanProfile,
        verbose_name=_("craftsman page"),
        on_delete=models.CASCADE,
        related_name="highlights",
    )
    dimension = models.ForeignKey(
        "programs.Dimension",
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("from the nomination"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField(_("highlight"), max_length=MAX_CHARS)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        ordering = ["profile_id", "dimension__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "dimension"], name="profilehighlight_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text
