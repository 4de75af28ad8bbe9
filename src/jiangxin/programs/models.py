"""Policy versions (the rules as data) and campaigns (遴选批次) with their quotas.

Every number and list of the policy lives in a `PolicyVersion` and its rows; a campaign is
pinned to the version it was deployed under, and a version used by any campaign is read-only.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The three tiers of the craftsman program, lowest first in `TIER_RANK`."""

    NATIONAL = "national", _("Great Country Craftsman (national)")
    PROVINCIAL = "provincial", _("Provincial or ministerial craftsman")
    MUNICIPAL = "municipal", _("Municipal craftsman")


#: The talent pipeline 5000 → 1000 → 200: a higher rank is a higher tier.
TIER_RANK = {Tier.MUNICIPAL: 1, Tier.PROVINCIAL: 2, Tier.NATIONAL: 3}


class Bilingual(models.Model):
    """A Chinese name with its English counterpart; `name` follows the active language."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class PolicyVersion(Bilingual):
    """One version of the program's measures, with every rule and number as data.

    A draft is edited freely; publishing makes it available to new campaigns; once any
    campaign is pinned to it, it can never change again (copy it to make a new version).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    document_title = models.CharField(_("policy document"), max_length=200)
    issuing_body = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    source_note = models.TextField(_("source and interpretation notes"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    # Selection
    recommendation_ratio = models.DecimalField(
        _("recommendation ratio"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        help_text=_("Each organization may put forward up to this multiple of its allocation."),
    )
    summary_max_chars = models.PositiveSmallIntegerField(
        _("deeds summary limit (characters)"), default=300
    )
    opinion_max_chars = models.PositiveSmallIntegerField(
        _("recommendation opinion limit (characters)"), default=500
    )
    # Review stages
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("experts per nomination (online review)"), default=5
    )
    max_nominations_per_expert = models.PositiveSmallIntegerField(
        _("nominations per expert at most"), default=30
    )
    shortlist_ratio = models.DecimalField(
        _("shortlist ratio (panel meeting)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.20"),
        help_text=_("The panel meeting considers this multiple of the quota."),
    )
    panel_pass_numerator = models.PositiveSmallIntegerField(
        _("panel pass threshold: numerator"), default=2
    )
    panel_pass_denominator = models.PositiveSmallIntegerField(
        _("panel pass threshold: denominator"), default=3
    )
    blind_review = models.BooleanField(
        _("blind online review"),
        default=False,
        help_text=_("Experts do not see the nominee's name or unit while they score."),
    )
    # Notice and cultivation
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=5
    )
    # What happens to a slot whose nominee is disqualified during the notice (递补): the
    # next-ranked nominee is promoted with a notice of their own, or the slot stays empty.
    promote_on_disqualification = models.BooleanField(
        _("promote the next-ranked nominee on disqualification"),
        default=True,
        help_text=_(
            "When a listed nominee is disqualified, the next-ranked nominee is put forward in "
            "a public notice of their own; otherwise the slot stays empty."
        ),
    )
    promotion_notice_working_days = models.PositiveSmallIntegerField(
        _("public notice of a promoted nominee (working days)"), default=5
    )
    cultivation_months = models.PositiveSmallIntegerField(_("cultivation (months)"), default=24)
    report_interval_months = models.PositiveSmallIntegerField(
        _("progress report every (months)"), default=6
    )

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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="policyversion_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation_ratio__gte=1),
                name="policyversion_ratio_at_least_one",
            ),
            models.CheckConstraint(
                condition=models.Q(shortlist_ratio__gte=1),
                name="policyversion_shortlist_at_least_one",
            ),
            models.CheckConstraint(
                condition=models.Q(panel_pass_denominator__gt=0)
                & models.Q(panel_pass_numerator__lte=models.F("panel_pass_denominator")),
                name="policyversion_pass_threshold_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(notice_working_days__gt=0)
                & models.Q(reviewers_per_nomination__gt=0)
                & models.Q(max_nominations_per_expert__gt=0),
                name="policyversion_positive_settings",
            ),
            models.CheckConstraint(
                condition=models.Q(promotion_notice_working_days__gt=0),
                name="policyversion_promotion_notice_positive",
            ),
        ]


class PolicyTier(models.Model):
    """A tier as a policy version defines it: its yearly target."""

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.CASCADE,
        related_name="tiers",
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    yearly_target = models.PositiveIntegerField(_("yearly target"))

    class Meta:
        verbose_name = _("tier target")
        verbose_name_plural = _("tier targets")
        ordering = ["version_id", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="policytier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.yearly_target}"


class Dimension(Bilingual):
    """An assessment dimension (one of the 工匠五力) with its weight and score range."""

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.CASCADE,
        related_name="dimensions",
    )
    code = models.SlugField(_("code"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=20)
    statement_min_chars = models.PositiveSmallIntegerField(
        _("statement at least (characters)"), default=100
    )
    statement_max_chars = models.PositiveSmallIntegerField(
        _("statement at most (characters)"), default=800
    )

    class Meta:
        verbose_name = _("assessment dimension")
        verbose_name_plural = _("assessment dimensions")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="dimension_code_unique"),
            models.UniqueConstraint(fields=["version", "order"], name="dimension_order_unique"),
            models.CheckConstraint(
                condition=models.Q(score_max__gt=models.F("score_min")),
                name="dimension_score_range",
            ),
            models.CheckConstraint(
                condition=models.Q(statement_max_chars__gte=models.F("statement_min_chars")),
                name="dimension_statement_range",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="dimension_weight_pos"),
        ]

    @property
    def description(self) -> str:
        lang = get_language() or "zh-hans"
        return (
            self.description_en
            if lang.startswith("en") and self.description_en
            else self.description_zh
        )


class RubricLevel(models.Model):
    """A level of a dimension's rubric: a score band and what a nominee at that level shows."""

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.CASCADE, related_name="levels"
    )
    label_zh = models.CharField(_("level (Chinese)"), max_length=20)
    label_en = models.CharField(_("level (English)"), max_length=40, blank=True)
    score_from = models.PositiveSmallIntegerField(_("from score"))
    score_to = models.PositiveSmallIntegerField(_("to score"))
    descriptor_zh = models.TextField(_("descriptor (Chinese)"))
    descriptor_en = models.TextField(_("descriptor (English)"), blank=True)

    class Meta:
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        ordering = ["dimension_id", "-score_to"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_to__gte=models.F("score_from")),
                name="rubriclevel_band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score_from}–{self.score_to})"

    @property
    def label(self) -> str:
        lang = get_language() or "zh-hans"
        return self.label_en if lang.startswith("en") and self.label_en else self.label_zh

    @property
    def descriptor(self) -> str:
        lang = get_language() or "zh-hans"
        return (
            self.descriptor_en
            if lang.startswith("en") and self.descriptor_en
            else self.descriptor_zh
        )


class EligibilityRule(models.Model):
    """One eligibility rule of a policy version: a rule kind (implemented by the engine in
    `nominations.eligibility`) with its parameters, severity and the policy text it cites."""

    class Kind(models.TextChoices):
        FRONTLINE_EXPERIENCE = "frontline_experience", _("Front-line production experience")
        POLITICAL_ATTESTATION = "political_attestation", _("Political quality attestation")
        SKILL_OR_HONORS = "skill_or_honors", _("Skill level or equivalent honours")
        INDUSTRY_PREFERENCE = "industry_preference", _("Industry preference")

    class Severity(models.TextChoices):
        HARD = "hard", _("Required (blocks submission)")
        ADVISORY = "advisory", _("Advisory (shown, does not block)")

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("rule kind"), max_length=30, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    tiers = models.JSONField(
        _("tiers"), default=list, blank=True, help_text=_("Empty means every tier.")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    article = models.CharField(
        _("article"),
        max_length=50,
        blank=True,
        help_text=_("The article of the policy text, where the text numbers one (e.g. 第六条)."),
    )
    basis = models.TextField(
        _("policy text"), blank=True, help_text=_("The wording of the policy this rule applies.")
    )

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="eligibilityrule_code_unique"),
            models.CheckConstraint(
                condition=models.Q(severity__in=["hard", "advisory"]),
                name="eligibilityrule_severity_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        lang = get_language() or "zh-hans"
        return self.title_en if lang.startswith("en") and self.title_en else self.title_zh

    @property
    def citation(self) -> str:
        """How a verdict cites this rule: the document, the article when numbered, the title."""
        parts = [self.version.document_title]
        if self.article:
            parts.append(self.article)
        return " ".join(parts) + f"「{self.title_zh}」"

    def applies_to(self, tier: str) -> bool:
        return not self.tiers or tier in self.tiers


class Campaign(models.Model):
    """A selection campaign (遴选批次) of one tier and year, run by its issuing organization."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DEPLOYED = "deployed", _("Deployed: recommendation open")
        RECOMMENDATION_CLOSED = "recommendation_closed", _("Recommendation closed")
        FORMAT_CHECK = "format_check", _("Format check")
        ONLINE_REVIEW = "online_review", _("Online review")
        PANEL_MEETING = "panel_meeting", _("Panel meeting")
        FINAL_APPROVAL = "final_approval", _("Final approval")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        PUBLISHED = "published", _("Published")
        CULTIVATING = "cultivating", _("Cultivating")
        CLOSED = "closed", _("Closed")

    #: The phase dates, in the order they must fall.
    PHASE_FIELDS = (
        "recommendation_opens",
        "recommendation_closes",
        "format_check_ends",
        "review_ends",
        "notice_starts",
        "publication_date",
    )

    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    issuing_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issuing organization"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    target = models.PositiveIntegerField(_("target (people to select)"))
    recommendation_ratio = models.DecimalField(
        _("recommendation ratio"), max_digits=4, decimal_places=2
    )
    description = models.TextField(_("deployment notice text"), blank=True)

    recommendation_opens = models.DateField(_("recommendation opens"))
    recommendation_closes = models.DateField(_("recommendation closes"))
    format_check_ends = models.DateField(_("format check ends"))
    review_ends = models.DateField(_("expert review ends"))
    notice_starts = models.DateField(_("public notice starts"))
    publication_date = models.DateField(_("publication"))
    #: Phase fields whose year has no known holiday schedule yet (dates are provisional).
    provisional_dates = models.JSONField(_("provisional dates"), default=list, blank=True)

    next_number = models.PositiveIntegerField(default=1, editable=False)
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
    deployed_at = models.DateTimeField(_("deployed at"), null=True, blank=True)
    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deployed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "tier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "year", "issuing_org"], name="campaign_one_per_tier_year_issuer"
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation_closes__gte=models.F("recommendation_opens"))
                & models.Q(format_check_ends__gt=models.F("recommendation_closes"))
                & models.Q(review_ends__gt=models.F("format_check_ends"))
                & models.Q(notice_starts__gt=models.F("review_ends"))
                & models.Q(publication_date__gt=models.F("notice_starts")),
                name="campaign_phase_order",
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation_ratio__gte=1), name="campaign_ratio_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuotaAllocation(models.Model):
    """Slots given to a recommending organization in a campaign (名额分配).

    Top-level allocations (no parent) go from the issuing organization to the recommending
    organizations; a recommending organization may split its own allocation among the
    organizations under it (a sub-allocation, `parent` set). `cap` is how many nominations
    the organization may put forward: floor(slots × the campaign's recommendation ratio).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="allocations"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    weight = models.DecimalField(
        _("weight"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    suggested = models.PositiveIntegerField(_("suggested slots"), null=True, blank=True)
    slots = models.PositiveIntegerField(_("slots"))
    cap = models.PositiveIntegerField(_("may put forward at most"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quota allocation")
        verbose_name_plural = _("quota allocations")
        ordering = ["campaign_id", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="quotaallocation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(cap__gte=models.F("slots")), name="quotaallocation_cap_gte_slots"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.slots}"


class CampaignStaff(models.Model):
    """A person a program officer named for a duty in one campaign (e.g. the format check)."""

    class Duty(models.TextChoices):
        FORMAT_CHECK = "format_check", _("Format check")
        OBJECTION_HANDLER = "objection_handler", _("Objection handling")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="campaign_duties",
    )
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign staff")
        verbose_name_plural = _("campaign staff")
        ordering = ["campaign_id", "duty", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user", "duty"], name="campaignstaff_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.user_id} ({self.duty})"
