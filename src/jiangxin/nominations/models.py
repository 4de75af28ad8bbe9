"""Nominations (推荐): the person put forward, the statements, the evidence, the opinion and
attestation, the endorsement chain above the nominating unit, and the format check (形审)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeField(models.TextChoices):
    """The fields of a public notice (公示) a nominee may consent to publish, in notice order.
    Without the name the nominee cannot be listed at all."""

    NAME = "name", _("Full name")
    GENDER = "gender", _("Gender")
    UNIT = "unit", _("Unit")
    OCCUPATION = "occupation", _("Occupation or type of work")
    SUMMARY = "summary", _("Deeds summary")


#: Every notice field, as `consent_fields` holds them when the person agreed to all.
ALL_NOTICE_FIELDS = [f.value for f in NoticeField]


class Nomination(models.Model):
    """One person nominated in one campaign by one unit.

    `current_level` is the organization that must act next: an endorsing level of the chain
    while the nomination is submitted, the campaign's issuing organization once every level
    has endorsed it, and empty while the unit holds it (draft, or returned by the chain).
    Quota counting relies on it: a nomination has been put forward past an organization X
    of its chain exactly when `current_level` is a proper ancestor of X.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting endorsement")
        ENDORSED = "endorsed", _("Endorsed: awaiting format check")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted in the format check")
        REJECTED = "rejected", _("Rejected in the format check")
        IN_REVIEW = "in_review", _("In expert review")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        IN_NOTICE = "in_notice", _("In public notice")
        CONFIRMED = "confirmed", _("Confirmed")
        DISQUALIFIED = "disqualified", _("Disqualified")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ReturnStage(models.TextChoices):
        CHAIN = "chain", _("Endorsement")
        FORMAT_CHECK = "format_check", _("Format check")

    class Step(models.TextChoices):
        """The steps of the nomination form, in order."""

        PERSON = "person", _("The person")
        RECORD = "record", _("Work history and record")
        STATEMENTS = "statements", _("Deeds under each dimension")
        EVIDENCE = "evidence", _("Evidence")
        OPINION = "opinion", _("Opinion, attestation and consent")
        REVIEW = "review", _("Check and submit")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    number = models.CharField(_("nomination number"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominating_unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("nominating unit"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    current_level = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain_round = models.PositiveSmallIntegerField(default=0, editable=False)

    # The unit's part
    deeds_summary = models.TextField(_("deeds summary (for the public notice)"), blank=True)
    unit_opinion = models.TextField(_("recommendation opinion of the unit"), blank=True)
    attestation_text = models.TextField(_("political quality attestation"), blank=True)
    attestation_signer = models.CharField(_("attested by"), max_length=100, blank=True)
    attestation_date = models.DateField(_("attested on"), null=True, blank=True)
    consent_given = models.BooleanField(
        _("the person consents to the publication of the notice fields"), default=False
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    #: The notice fields (`NoticeField` codes) the person agreed to publish; only these ever
    #: appear on a public page.
    consent_fields = models.JSONField(
        _("fields the person agreed to publish"), default=list, blank=True
    )

    #: Raw input of each form step as typed (not yet valid), so nothing typed is ever lost.
    draft_data = models.JSONField(default=dict, blank=True, editable=False)
    furthest_step = models.CharField(
        max_length=12, choices=Step.choices, default=Step.PERSON, editable=False
    )
    #: The verdicts of the eligibility engine at the last evaluation (a list of dicts).
    eligibility = models.JSONField(_("eligibility verdicts"), default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)

    returned_by = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_stage = models.CharField(
        max_length=14, choices=ReturnStage.choices, blank=True, editable=False
    )
    return_comment = models.TextField(_("comments on return"), blank=True)
    return_deadline = models.DateField(_("correct by"), null=True, blank=True)

    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("format check decided at"), null=True, blank=True)
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
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same person is nominated at most once in a campaign (a withdrawn nomination
            # does not count, so a mistake can be corrected).
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(person__isnull=False) & ~models.Q(status="withdrawn"),
                name="nomination_one_per_person_and_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(status="draft"),
                name="nomination_person_required_after_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "endorsed",
                        "returned",
                        "accepted",
                        "rejected",
                        "in_review",
                        "shortlisted",
                        "selected",
                        "not_selected",
                        "in_notice",
                        "confirmed",
                        "disqualified",
                        "published",
                        "withdrawn",
                    ]
                ),
                name="nomination_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="nomination_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person.name if self.person else ''}".strip()

    @property
    def consent_field_labels(self) -> list[str]:
        """The labels of the notice fields the person agreed to publish, in notice order."""
        labels = dict(NoticeField.choices)
        return [str(labels[c]) for c in ALL_NOTICE_FIELDS if c in (self.consent_fields or [])]


class Statement(models.Model):
    """The nominee's deeds under one assessment dimension (one of the 工匠五力)."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    dimension = models.ForeignKey(
        "programs.Dimension",
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("statement"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["nomination_id", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "dimension"], name="statement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}/{self.dimension_id}"


class Evidence(models.Model):
    """An attachment of the person's record offered as evidence, under a dimension or in
    general (no dimension)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="evidence"
    )
    attachment = models.ForeignKey(
        "people.Attachment",
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    dimension = models.ForeignKey(
        "programs.Dimension",
        verbose_name=_("dimension"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    caption = models.CharField(_("what it shows"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["nomination_id", "dimension__order", "id"]
        constraints = [
            # A file is linked once per dimension, and once to the nomination as a whole.
            models.UniqueConstraint(
                fields=["nomination", "attachment", "dimension"],
                condition=models.Q(dimension__isnull=False),
                name="evidence_unique_per_dimension",
            ),
            models.UniqueConstraint(
                fields=["nomination", "attachment"],
                condition=models.Q(dimension__isnull=True),
                name="evidence_unique_general",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.attachment)


class EndorsementStep(models.Model):
    """One level of the endorsement chain for one round of submission."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Not yet reached")
        PENDING = "pending", _("Awaiting endorsement")
        APPROVED = "approved", _("Endorsed")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    position = models.PositiveSmallIntegerField(_("position"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        related_name="endorsement_steps",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acted_at = models.DateTimeField(_("at"), null=True, blank=True)

    class Meta:
        verbose_name = _("endorsement step")
        verbose_name_plural = _("endorsement steps")
        ordering = ["nomination_id", "round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "round", "position"], name="endorsementstep_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="endorsementstep_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} r{self.round} {self.organization_id} {self.status}"


class FormatCheck(models.Model):
    """The format check (形审) of a nomination: a checklist and a decision. A nomination
    returned for correction is checked again in a new round."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        RETURN = "return", _("Return for correction")
        REJECT = "reject", _("Reject")

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="format_checks",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    complete = models.BooleanField(_("every required part is filled in"), default=False)
    attachments_legible = models.BooleanField(_("the attachments are legible"), default=False)
    attestation_present = models.BooleanField(
        _("the political quality attestation is signed and dated"), default=False
    )
    eligibility_confirmed = models.BooleanField(
        _("the eligibility verdicts were checked against the evidence"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    rule_code = models.CharField(_("rule cited"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    return_deadline = models.DateField(_("correct by"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("format check")
        verbose_name_plural = _("format checks")
        ordering = ["nomination_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "round"], name="formatcheck_unique"),
            models.CheckConstraint(
                condition=~models.Q(decision="return") | models.Q(return_deadline__isnull=False),
                name="formatcheck_return_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} r{self.round} {self.decision or '-'}"


class NominationEvent(models.Model):
    """The nomination's own append-only history, shown as its timeline (the audit log keeps
    the same acts for the audit administrator)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination event")
        verbose_name_plural = _("nomination events")
        ordering = ["nomination_id", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.action}"


def _import_file_path(instance: NominationImport, filename: str) -> str:
    """Server-generated storage names in private storage: never the uploader's file name."""
    import uuid

    return f"private/imports/{uuid.uuid4().hex}.xlsx"


class NominationImport(models.Model):
    """A bulk import of nominations from an Excel workbook: parsed and validated on upload
    (`result` holds every row, every error and the counts), then executed all-or-nothing.

    `result` never holds a full ID or phone number: rows carry masked numbers only, and the
    execution reads the numbers again from the stored file, which is deleted once the batch is
    imported or discarded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Not imported yet")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=_import_file_path, max_length=200, blank=True, editable=False
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    #: {"rows": [...], "errors": [...], "summary": {...}, "created": [...]} (see imports.py).
    result = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    executed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination import")
        verbose_name_plural = _("nomination imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "imported", "discarded"]),
                name="nominationimport_status_valid",
            ),
            # All or nothing: a batch with errors is never imported.
            models.CheckConstraint(
                condition=~models.Q(status="imported")
                | (models.Q(error_count=0) & models.Q(executed_at__isnull=False)),
                name="nominationimport_imported_clean",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "status"], name="nominationimport_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
