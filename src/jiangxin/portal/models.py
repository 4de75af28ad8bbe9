"""Articles of the public portal (门户网站): channels, policy-document headers, attachments.

Other parts of the system publish articles too (a campaign's deployment notice, a public
notice's page); the portal's editors write theirs in the rich-text editor. `body_format` says
how `body` is stored: plain text (what the other apps write, shown with its line breaks) or
HTML that went through the sanitiser (`jiangxin.portal.sanitize`) before it was saved.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: 发文字号: the issuing organ's code, the year in 〔〕 brackets, the serial number, 号
#: (e.g. 总工发〔2025〕7号). Square brackets and ASCII variants are refused on purpose: GB/T
#: 9704-2012 prescribes the hexagonal brackets.
DOCUMENT_NUMBER_RE = r"^[\u4e00-\u9fff]{1,12}〔(19|20)\d{2}〕[1-9]\d{0,4}号$"


class Article(models.Model):
    class Category(models.TextChoices):
        POLICY = "policy", _("Policy documents")
        NOTICE = "notice", _("Notices and announcements")
        PUBLIC_NOTICE = "public_notice", _("Public notices")
        RESULTS = "results", _("Results")
        STORIES = "stories", _("Craftsman stories")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled for publication")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class BodyFormat(models.TextChoices):
        TEXT = "text", _("Plain text")
        HTML = "html", _("Sanitised HTML")

    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    #: Plain text unless an editor wrote it (see the module docstring); the apps that create
    #: articles with Article.objects.create() keep the default.
    body_format = models.CharField(
        _("text format"), max_length=4, choices=BodyFormat.choices, default=BodyFormat.TEXT
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    #: A public notice shown on this article (its name list and the objection entry).
    notice = models.OneToOneField(
        "notices.PublicNotice",
        verbose_name=_("public notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="article",
    )
    # The policy-document header block (公文要素) shown on articles of the policy channel.
    index_number = models.CharField(_("index number"), max_length=50, blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    document_number = models.CharField(
        _("document number"),
        max_length=50,
        blank=True,
        validators=[
            RegexValidator(
                DOCUMENT_NUMBER_RE,
                _("Write the document number as code〔year〕number号, e.g. 总工发〔2025〕7号."),
                code="document_number",
            )
        ],
    )
    written_on = models.DateField(_("date written"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    #: Set once, when the article is first published (or the moment it is scheduled for);
    #: never changed after publication, not even by a withdrawal and republication.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    #: Views counted so far; the counter in jiangxin.portal.views_counter adds to it in batches.
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["published", "scheduled"])
                | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status", "-published_at"], name="article_listing"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Visible on the portal now: published, or scheduled for a moment that has come."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_policy_document(self) -> bool:
        return self.category == self.Category.POLICY


def _attachment_path(instance: ArticleAttachment, filename: str) -> str:
    """Server-generated storage names: never the uploader's file name."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"portal/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ArticleAttachment(models.Model):
    """A file attached to an article (checked like every upload: size, extension, content).

    Public once its article is: served by `portal:attachment`, which finds the article through
    the public selector first."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")
        ordering = ["article_id", "id"]

    def __str__(self) -> str:
        return self.original_name
