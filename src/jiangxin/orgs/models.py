"""The one organization tree: ACFTU at the root, federations, unions and enterprises below."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Organization(MP_Node):
    """A node of the tree. A role granted on an organization reaches its whole subtree.

    The materialized path (`path`, from django-treebeard) makes "this subtree" a single
    indexed prefix query.
    """

    class Kind(models.TextChoices):
        ACFTU = "acftu", _("All-China Federation of Trade Unions")
        PROVINCIAL_FEDERATION = "provincial_federation", _("Provincial federation of trade unions")
        INDUSTRIAL_UNION = "industrial_union", _("National industrial union")
        CENTRAL_ENTERPRISE_UNION = "central_enterprise_union", _("Central-enterprise union")
        CITY_FEDERATION = "city_federation", _("City federation of trade unions")
        ENTERPRISE = "enterprise", _("Enterprise")
        ENTERPRISE_UNION = "enterprise_union", _("Enterprise union")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, help_text=_("(optional)")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    node_order_by = None

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "acftu",
                        "provincial_federation",
                        "industrial_union",
                        "central_enterprise_union",
                        "city_federation",
                        "enterprise",
                        "enterprise_union",
                    ]
                ),
                name="organization_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        lang = get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name
