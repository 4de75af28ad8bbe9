"""National reference data (shipped as data files with their source named; see data/README.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese unless English is active)."""
        lang = get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class Region(BilingualName):
    """GB/T 2260 administrative division: a province-level or prefecture-level unit."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province-level")
        PREFECTURE = "prefecture", _("Prefecture-level")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("administrative region")
        verbose_name_plural = _("administrative regions")
        ordering = ["code"]


class Industry(BilingualName):
    """GB/T 4754-2017 industry classification: a section (门类, A-T) or a division (大类, 01-97)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        DIVISION = "division", _("Division")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    section = models.ForeignKey(
        "self",
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="divisions",
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OccupationGroup(BilingualName):
    """A major group (大类) of the 中华人民共和国职业分类大典 (2022)."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)

    class Meta:
        verbose_name = _("occupation major group")
        verbose_name_plural = _("occupation major groups")
        ordering = ["code"]


class SkillLevel(BilingualName):
    """One of the eight vocational skill levels (学徒工 … 首席技师), ranked low to high."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        ordering = ["rank"]
