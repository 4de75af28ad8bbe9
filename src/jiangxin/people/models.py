"""Craftsman profiles: one `Person` however many nominations, with their record.

A person is found by ID number through its keyed blind index (`id_index`), never by the
ciphertext. Gender and birth date come from the ID number. The record (work history, honours,
contests, achievements, projects, apprentices, attachments) carries over from one nomination
to the next, and from one tier to the one above it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.crypto import EncryptedTextField
from jiangxin.people.choices import (
    AchievementKind,
    Education,
    Ethnicity,
    Gender,
    PoliticalStatus,
    RecognitionLevel,
)


class Person(models.Model):
    """A craftsman (or candidate): identity, contact, employment and skill."""

    name = models.CharField(_("full name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"))
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(
        _("ethnic group"), max_length=2, choices=Ethnicity.choices, blank=True
    )
    political_status = models.CharField(
        _("political status"), max_length=2, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=2, choices=Education.choices, blank=True
    )
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)

    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    union = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("trade union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation_group = models.ForeignKey(
        "reference.OccupationGroup",
        verbose_name=_("occupation group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.CharField(
        _("occupation / type of work"), max_length=100, blank=True, help_text=_("e.g. 焊工, 钳工")
    )
    skill_level = models.ForeignKey(
        "reference.SkillLevel",
        verbose_name=_("skill level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    skill_certificate_no = models.CharField(
        _("skill certificate number"), max_length=50, blank=True
    )
    skill_certified_on = models.DateField(_("skill certified on"), null=True, blank=True)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("own account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
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

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gender__in=["male", "female"]), name="person_gender_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonRecord(models.Model):
    """Common fields of the rows of a person's record."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class WorkPeriod(PersonRecord):
    """A period of employment; `is_frontline` marks front-line production work (一线生产现场)."""

    employer_name = models.CharField(_("employer"), max_length=200)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("employer in the system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.CharField(_("position or type of work"), max_length=100)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty means to date."))
    is_frontline = models.BooleanField(_("front-line production work"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("work period")
        verbose_name_plural = _("work history")
        ordering = ["person_id", "start", "id"]
        default_related_name = "work_periods"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="workperiod_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end or '…'} {self.employer_name}"


class Honor(PersonRecord):
    title = models.CharField(_("honour or award"), max_length=200)
    level = models.CharField(_("level"), max_length=14, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    awarded_by = models.CharField(_("awarded by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours and awards")
        ordering = ["person_id", "-year", "id"]
        default_related_name = "honors"

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class ContestResult(PersonRecord):
    contest = models.CharField(_("contest"), max_length=200)
    level = models.CharField(_("level"), max_length=14, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=100, help_text=_("e.g. 一等奖, 第1名"))

    class Meta:
        verbose_name = _("contest result")
        verbose_name_plural = _("contest results")
        ordering = ["person_id", "-year", "id"]
        default_related_name = "contest_results"

    def __str__(self) -> str:
        return f"{self.year} {self.contest} {self.result}"


class Achievement(PersonRecord):
    """A patent, an advanced work method (先进操作法), a standard or an innovation."""

    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("number"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("patents, work methods and other achievements")
        ordering = ["person_id", "-year", "id"]
        default_related_name = "achievements"

    def __str__(self) -> str:
        return self.title


class KeyProject(PersonRecord):
    """A key technical problem tackled (攻关项目)."""

    title = models.CharField(_("project"), max_length=200)
    role = models.CharField(_("role"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects tackled")
        ordering = ["person_id", "-start_year", "id"]
        default_related_name = "key_projects"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="keyproject_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Apprentice(PersonRecord):
    """An apprentice trained (传承)."""

    name = models.CharField(_("apprentice"), max_length=50)
    since_year = models.PositiveSmallIntegerField(_("since year"))
    skill_level_reached = models.ForeignKey(
        "reference.SkillLevel",
        verbose_name=_("skill level reached"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("achievements"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("apprentice")
        verbose_name_plural = _("apprentices trained")
        ordering = ["person_id", "since_year", "id"]
        default_related_name = "apprentices"

    def __str__(self) -> str:
        return self.name


def _attachment_path(instance: Attachment, filename: str) -> str:
    """Server-generated storage names: never the uploader's file name."""
    suffix = PurePosixPath(filename).suffix.lower()
    today = timezone.now()
    return f"private/attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(PersonRecord):
    """A checked upload (size, extension and content) kept outside the static web root.

    Files are served only through views that first find the owning record with a scoped
    selector.
    """

    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["person_id", "-created_at", "-id"]
        default_related_name = "attachments"

    def __str__(self) -> str:
        return self.original_name
