"""Public notices (公示) of final-approved lists, and objections (异议/举报) to listed nominees.

- A `PublicNotice` lists a campaign's approved nominees (or, for a promotion 递补, the one
  nominee who fills a disqualified nominee's slot). It opens on a working day and lasts the
  policy's working days; the list shows only the fields each nominee consented to, ordered by
  surname strokes (按姓氏笔画为序). `NoticeEntry` holds one nominee: the officer-approved deeds
  summary and, from the opening on, the snapshot of exactly the consented fields the public
  pages read (nothing else about the person ever reaches a public page).
- An `Objection` is filed on the public form against one listed nominee, by a person under
  their real name or by a unit under its seal. The complainant's identity is encrypted at rest
  and shown only to the handlers named for the campaign; the nominee's side never sees it.
  Handling: triage, assignment, notes and files, a request for a written explanation from the
  nominee's unit (`ExplanationRequest`), a conclusion with reasons, a reply to the complainant.
- `ObjectionDraft` keeps what a visitor typed on the public form between its pages (sealed),
  so an error or a wrong captcha never loses anything; it expires after a few hours.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.crypto import EncryptedTextField


class PublicNotice(models.Model):
    """The public notice of a campaign's approved list (or a short one for a promoted
    nominee, 递补): it opens on a working day and lasts the policy's working days."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Public notice of the approved list")
        PROMOTION = "promotion", _("Public notice of a promoted nominee")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="public_notices",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    #: The final approval the list was taken from (the main notice).
    approval = models.ForeignKey(
        "reviews.FinalApproval",
        verbose_name=_("final approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    approval_digest = models.CharField(max_length=64, blank=True, editable=False)
    #: A promotion notice fills the slot of this disqualified entry.
    replaces = models.ForeignKey(
        "NoticeEntry",
        verbose_name=_("fills the slot of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotion_notices",
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    #: The stated times: the first day's start and the end of the last day (Asia/Shanghai).
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("objections accepted until"), null=True, blank=True)
    introduction = models.TextField(_("notice text"), blank=True)
    objection_guide = models.TextField(_("how to object"), blank=True)
    contact = models.TextField(
        _("contact channels"),
        blank=True,
        help_text=_("Telephone, postal address and mailbox for objections, one per line."),
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
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(kind="main"),
                name="publicnotice_one_main_per_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="publicnotice_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "scheduled", "open", "closed"]),
                name="publicnotice_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(opens_at__isnull=False) & models.Q(closes_at__isnull=False)),
                name="publicnotice_scheduled_has_times",
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_at"], name="publicnotice_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def period_over(self) -> bool:
        """Whether the stated period has ended (objections after it are marked late)."""
        return self.closes_at is not None and timezone.now() >= self.closes_at

    @property
    def takes_objections(self) -> bool:
        """Open notices take objections; so do closed ones until publication (marked late)."""
        return self.status == self.Status.OPEN or (
            self.status == self.Status.CLOSED and self.campaign.status == "public_notice"
        )

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.CLOSED)

    def public_entries(self) -> models.QuerySet[NoticeEntry]:
        """The listed nominees in notice order (the consented fields only)."""
        return self.entries.order_by("position", "id")

    @property
    def disqualified_count(self) -> int:
        return self.entries.filter(disqualified_at__isnull=False).count()


class NoticeEntry(models.Model):
    """One nominee in a notice: the approved summary, what they consented to publish and,
    from the opening on, the snapshot of exactly those fields (`public_*`)."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="entries"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="notice_entries",
    )
    rank = models.PositiveIntegerField(_("rank in the approved list"))
    #: The notice fields the person agreed to publish (copied from the nomination; the
    #: officer may record a consent obtained later, with a note).
    consent_fields = models.JSONField(_("fields the person agreed to publish"), default=list)
    consent_note = models.TextField(_("consent recorded by the officer"), blank=True)
    approved_summary = models.TextField(_("deeds summary for the notice"), blank=True)
    summary_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("summary approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary_approved_at = models.DateTimeField(_("summary approved at"), null=True, blank=True)
    #: Place in the list by surname strokes, fixed when the notice opens.
    position = models.PositiveIntegerField(_("place in the list"), default=0)
    # The snapshot the public pages read: blank unless the person consented to the field.
    public_name = models.CharField(_("full name"), max_length=50, blank=True)
    public_gender = models.CharField(_("gender"), max_length=10, blank=True)
    public_unit = models.CharField(_("unit"), max_length=200, blank=True)
    public_occupation = models.CharField(
        _("occupation or type of work"), max_length=100, blank=True
    )
    public_summary = models.TextField(_("deeds summary"), blank=True)

    disqualified_at = models.DateTimeField(_("disqualified at"), null=True, blank=True)
    disqualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disqualified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disqualification_rule = models.CharField(_("rule cited"), max_length=60, blank=True)
    disqualification_reason = models.TextField(_("reason for disqualification"), blank=True)
    disqualifying_objection = models.ForeignKey(
        "Objection",
        verbose_name=_("founded objection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice entry")
        verbose_name_plural = _("notice entries")
        ordering = ["notice_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "nomination"], name="noticeentry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.nomination_id}"

    @property
    def is_disqualified(self) -> bool:
        return self.disqualified_at is not None

    @property
    def summary_approved(self) -> bool:
        return self.summary_approved_at is not None


def _objection_file_path(instance: ObjectionFile, filename: str) -> str:
    """Server-generated storage names in private storage: never the uploader's file name."""
    suffix = PurePosixPath(filename).suffix.lower()
    today = timezone.now()
    return f"private/objections/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Objection(models.Model):
    """An objection (异议/举报) to a listed nominee, received through the public form.

    The identity fields are sealed (AES-GCM) and read only on the pages of the handlers
    named for the campaign, each view audited. `__str__` is the receipt number, so audit rows
    and logs never carry the identity.
    """

    class ComplainantKind(models.TextChoices):
        PERSON = "person", _("A person, under their real name")
        UNIT = "unit", _("A unit, under its seal")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        INVESTIGATING = "investigating", _("Under investigation")
        NOT_ADMITTED = "not_admitted", _("Not admitted")
        CONCLUDED = "concluded", _("Concluded")

    class Conclusion(models.TextChoices):
        UNFOUNDED = "unfounded", _("Unfounded")
        PARTLY_FOUNDED = "partly_founded", _("Partly founded")
        FOUNDED = "founded", _("Founded")

    #: Statuses in which the objection still needs a decision (it blocks closing the notice).
    OPEN_STATUSES = ("received", "investigating")

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        NoticeEntry,
        verbose_name=_("nominee objected to"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=16, unique=True)
    #: SHA-256 of the private status link's token; the token is shown once, to the complainant.
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    complainant_kind = models.CharField(
        _("objection by"), max_length=10, choices=ComplainantKind.choices
    )
    # Identity (sealed). For a unit: its name, and the contact person's name.
    complainant_name = EncryptedTextField(_("name"))
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    phone = EncryptedTextField(_("telephone"))
    id_number = EncryptedTextField(_("ID number"), blank=True)
    facts = models.TextField(_("the facts"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    is_late = models.BooleanField(_("received after the notice period"), default=False)

    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    triage_note = models.TextField(_("triage note"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_objections",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=Conclusion.choices, blank=True
    )
    conclusion_reasons = models.TextField(_("reasons"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    reply = models.TextField(_("reply to the complainant"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["received", "investigating", "not_admitted", "concluded"]
                ),
                name="objection_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="concluded") | ~models.Q(conclusion=""),
                name="objection_concluded_has_conclusion",
            ),
            models.CheckConstraint(
                condition=models.Q(complainant_kind__in=["person", "unit"]),
                name="objection_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["notice", "status"], name="objection_notice_status")]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ObjectionDraft(models.Model):
    """What a visitor typed on the public objection form so far (sealed JSON), found by the
    hash of the token in their browser's cookie. Deleted once it expires."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        NoticeEntry, verbose_name=_("nominee"), on_delete=models.CASCADE, related_name="+"
    )
    payload = EncryptedTextField(default="{}")
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection filed"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("objection draft")
        verbose_name_plural = _("objection drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"


class ObjectionNote(models.Model):
    """An investigation note of a handler (with files, `ObjectionFile.note`)."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.PROTECT, related_name="notes"
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")
        ordering = ["objection_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class ExplanationRequest(models.Model):
    """A request for a written explanation (书面说明) from the nominee's unit. The unit sees
    only the handler's question, never the objection itself or who filed it."""

    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.PROTECT,
        related_name="explanation_requests",
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("unit asked"),
        on_delete=models.PROTECT,
        related_name="explanation_requests",
    )
    question = models.TextField(_("what the unit is asked to explain"))
    due_on = models.DateField(_("answer by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("written explanation"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("explanation request")
        verbose_name_plural = _("explanation requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"explanation {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ObjectionFile(models.Model):
    """A checked upload (size, type and content) of the objection process, in private storage:
    evidence and the seal letter from the complainant, handlers' files, the unit's answer."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence from the complainant")
        SEAL_LETTER = "seal_letter", _("Letter under the unit's seal")
        NOTE = "note", _("Investigation file")
        EXPLANATION = "explanation", _("File of the unit's explanation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    draft = models.ForeignKey(
        ObjectionDraft,
        verbose_name=_("draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="files",
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    note = models.ForeignKey(
        ObjectionNote,
        verbose_name=_("note"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    explanation = models.ForeignKey(
        ExplanationRequest,
        verbose_name=_("explanation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=_objection_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection file")
        verbose_name_plural = _("objection files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ObjectionEvent(models.Model):
    """The objection's own append-only history, shown to its handlers (never the identity)."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.PROTECT, related_name="events"
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
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection event")
        verbose_name_plural = _("objection events")
        ordering = ["objection_id", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.action}"
