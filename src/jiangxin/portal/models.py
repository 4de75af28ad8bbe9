"""Articles of the public portal. This first version stores the announcements other parts of
the system publish (a campaign's deployment notice); the portal's pages, channels, editor and
feeds build on the same model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    class Category(models.TextChoices):
        POLICY = "policy", _("Policy documents")
        NOTICE = "notice", _("Notices and announcements")
        PUBLIC_NOTICE = "public_notice", _("Public notices")
        RESULTS = "results", _("Results")
        STORIES = "stories", _("Craftsman stories")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
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
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
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
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status", "-published_at"], name="article_listing"),
        ]

    def __str__(self) -> str:
        return self.title
