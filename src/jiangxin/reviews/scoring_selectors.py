"""Reads of the online review (网审): what an expert sees of a nominee, their list of reviews,
and the officers' progress figures.

What an expert sees of a nominee is what judging needs and nothing more: occupation, position,
skill level, industry and education; employer and name (not in blind review); the statements
under each dimension with their evidence; the record (work history, honours, contests,
achievements, projects, apprentices); the stored eligibility verdicts. Never the ID number,
phone, email, birth date, or who signed the attestation; every free text has its ID-like and
mobile-like numbers masked, and in blind review (`PolicyVersion.blind_review`) the nominee's
name and units are struck out of every text shown, the work history's employers are hidden,
and the nominee is called by a code of letters that says nothing (`nominee_code`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jiangxin.core.masking import mask_numbers_in
from jiangxin.nominations.eligibility import Verdict
from jiangxin.nominations.models import Evidence, Nomination
from jiangxin.notifications.models import ReminderLog
from jiangxin.people.sections import RecordSection, record_sections
from jiangxin.reviews import selectors
from jiangxin.reviews.models import Assignment, Conflict, ExpertProfile, ScoreSheet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat
    from jiangxin.people.models import Person
    from jiangxin.programs.models import Campaign, Dimension, RubricLevel

    AnyUser = User | AnonymousUser

SheetStatus = ScoreSheet.Status
#: Letters of a nominee code (no I or O, which read as digits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"
REDACTED = "■■"


# --- Who the nominee is called ------------------------------------------------------------------


def is_blind(campaign: Campaign) -> bool:
    return bool(campaign.policy_version.blind_review)


def nominee_code(nomination_id: int) -> str:
    """A stable code of six letters for a nomination, keyed with the site's secret so that it
    cannot be traced back to the nomination number (e.g. "KXT-BQM")."""
    digest = salted_hmac("jiangxin.reviews.nominee_code", str(nomination_id)).digest()
    letters = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:6])
    return f"{letters[:3]}-{letters[3:]}"


def nominee_label(nomination: Nomination, *, blind: bool) -> str:
    """How an expert's pages call the nominee: a code in blind review, else number and name."""
    if blind:
        return _("Nominee %(code)s") % {"code": nominee_code(nomination.pk)}
    name = nomination.person.name if nomination.person else ""
    return f"{nomination.number} {name}".strip()


class Redactor:
    """Masks ID-like and mobile-like numbers in free text and, in blind review, strikes out the
    nominee's name and the names of their units (longest first, so a union named after its
    enterprise goes whole)."""

    def __init__(self, terms: list[str]) -> None:
        kept = sorted(
            {t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len, reverse=True
        )
        self.pattern = re.compile("|".join(re.escape(t) for t in kept)) if kept else None

    def __call__(self, text: str | None) -> str:
        masked = mask_numbers_in(text)
        return self.pattern.sub(REDACTED, masked) if self.pattern else masked


def redactor_for(nomination: Nomination, *, blind: bool) -> Redactor:
    if not blind:
        return Redactor([])
    terms: list[str] = []
    person = nomination.person
    for org in (
        nomination.nominating_unit,
        person.employer if person else None,
        person.union if person else None,
    ):
        if org is not None:
            terms += [org.name, org.name_en]
    if person is not None:
        terms.append(person.name)
        terms += [w.employer_name for w in person.work_periods.all()]
    return Redactor(terms)


# --- Assignments of a campaign (officers) -------------------------------------------------------


def _conflicted() -> Exists:
    return Exists(
        Conflict.objects.filter(
            expert_id=OuterRef("expert_id"),
            nomination_id=OuterRef("nomination_id"),
            campaign_id=OuterRef("campaign_id"),
        )
    )


def active_assignments(campaign: Campaign) -> QuerySet[Assignment]:
    """The campaign's active assignments, each annotated `conflicted` (a conflict recorded
    since it was made: its expert no longer sees the nomination and must be replaced)."""
    return Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE).annotate(
        conflicted=_conflicted()
    )


def unsubmitted_assignments(campaign: Campaign) -> QuerySet[Assignment]:
    return active_assignments(campaign).exclude(sheet__status=SheetStatus.SUBMITTED)


def unreviewed_nominations(campaign: Campaign) -> QuerySet[Nomination]:
    """Nominations in review without any submitted sheet of an active assignment."""
    submitted = Assignment.objects.filter(
        nomination_id=OuterRef("pk"),
        status=Assignment.Status.ACTIVE,
        sheet__status=SheetStatus.SUBMITTED,
    )
    return Nomination.objects.filter(campaign=campaign, status=Nomination.Status.IN_REVIEW).exclude(
        Exists(submitted)
    )


def outstanding_by_expert(campaign: Campaign) -> dict[int, tuple[User, int]]:
    """{expert id: (their account, sheets left to submit)} over conflict-free active
    assignments, for reminders (a conflicted one is the officer's to replace)."""
    rows = (
        unsubmitted_assignments(campaign)
        .filter(~_conflicted(), expert__is_active=True)
        .values("expert_id")
        .annotate(n=Count("id"))
        .order_by("expert_id")
    )
    counts = {r["expert_id"]: r["n"] for r in rows}
    experts = ExpertProfile.objects.filter(pk__in=counts).select_related("user")
    return {e.pk: (e.user, counts[e.pk]) for e in experts}


@dataclass
class ExpertProgress:
    expert: ExpertProfile
    assigned: int
    submitted: int
    drafts: int
    reopened: int
    not_started: int
    conflicted: int
    last_activity: dt.datetime | None
    last_reminded: dt.date | None
    late: bool

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def expert_progress(campaign: Campaign, today: dt.date | None = None) -> list[ExpertProgress]:
    """One row per expert with active assignments in the campaign, in a fixed number of
    queries. An expert is late when sheets are left after `review_ends`."""
    today = today or timezone.localdate()
    S = SheetStatus
    rows = (
        active_assignments(campaign)
        .values("expert_id")
        .annotate(
            assigned=Count("id"),
            submitted=Count("id", filter=Q(sheet__status=S.SUBMITTED)),
            drafts=Count("id", filter=Q(sheet__status=S.DRAFT)),
            reopened=Count("id", filter=Q(sheet__status=S.REOPENED)),
            conflicts=Count("id", filter=Q(conflicted=True)),
            last_activity=Max("sheet__updated_at", filter=~Q(sheet__status=S.NOT_STARTED)),
        )
        .order_by("expert_id")
    )
    by_expert = {r["expert_id"]: r for r in rows}
    experts = ExpertProfile.objects.filter(pk__in=by_expert).select_related("user")
    users = {e.user_id: e.pk for e in experts}
    reminded: dict[int, dt.date] = {}
    for recipient_id, sent_on in (
        ReminderLog.objects.filter(
            subject_key=f"campaign:{campaign.pk}",
            kind__startswith="review.scoring",
            recipient_id__in=users,
        )
        .values("recipient_id")
        .annotate(last=Max("sent_on"))
        .values_list("recipient_id", "last")
    ):
        reminded[users[recipient_id]] = sent_on
    overdue = today > campaign.review_ends
    out = []
    for expert in experts:
        r = by_expert[expert.pk]
        not_started = r["assigned"] - r["submitted"] - r["drafts"] - r["reopened"]
        out.append(
            ExpertProgress(
                expert=expert,
                assigned=r["assigned"],
                submitted=r["submitted"],
                drafts=r["drafts"],
                reopened=r["reopened"],
                not_started=not_started,
                conflicted=r["conflicts"],
                last_activity=r["last_activity"],
                last_reminded=reminded.get(expert.pk),
                late=overdue and r["submitted"] < r["assigned"],
            )
        )
    return out


def nomination_progress(campaign: Campaign, *, missing_only: bool = False) -> QuerySet[Nomination]:
    """The campaign's nominations to review or reviewed, annotated with the counts of their
    active assignments (`assigned`, `submitted`, `missing`) and `has_conflict`; with
    `missing_only`, those with sheets missing."""
    active = Q(assignments__status=Assignment.Status.ACTIVE)
    assigned = Exists(Assignment.objects.filter(nomination_id=OuterRef("pk")))
    conflicted = Conflict.objects.filter(
        campaign_id=OuterRef("campaign_id"), nomination_id=OuterRef("pk")
    )
    qs = (
        Nomination.objects.filter(campaign=campaign)
        .filter(Q(status=Nomination.Status.ACCEPTED) | assigned)
        .select_related("person", "nominating_unit")
        .annotate(
            assigned=Count("assignments", filter=active, distinct=True),
            submitted=Count(
                "assignments",
                filter=active & Q(assignments__sheet__status=SheetStatus.SUBMITTED),
                distinct=True,
            ),
            has_conflict=Exists(conflicted),
        )
        .annotate(missing=F("assigned") - F("submitted"))
        .order_by("number")
    )
    return qs.filter(Q(missing__gt=0) | Q(assigned=0)) if missing_only else qs


# --- The expert's list ------------------------------------------------------------------------


@dataclass
class ReviewRow:
    assignment: Assignment
    label: str
    status: str
    status_label: str
    updated_at: dt.datetime | None
    occupation: str
    skill_level: str


@dataclass
class CampaignReviews:
    campaign: Campaign
    blind: bool
    is_open: bool
    rows: list[ReviewRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def deadline(self) -> dt.date:
        return self.campaign.review_ends

    @property
    def days_left(self) -> int:
        return (self.campaign.review_ends - timezone.localdate()).days

    @property
    def assigned(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return self.counts.get(SheetStatus.SUBMITTED, 0)

    @property
    def left(self) -> int:
        return self.assigned - self.submitted


def sheet_status(assignment: Assignment) -> str:
    sheet = getattr(assignment, "sheet", None)
    return sheet.status if sheet is not None else SheetStatus.NOT_STARTED


def my_reviews(
    user: AnyUser, *, status: str = "", campaign_id: int | None = None
) -> list[CampaignReviews]:
    """The expert's assignments grouped by campaign (nearest deadline first), in three
    queries whatever their number. `status` and `campaign_id` filter the rows shown; the
    counts are always over all of a campaign's assignments."""
    from jiangxin.programs.models import Campaign

    qs = (
        selectors.assignments_for_expert(user)
        .select_related("nomination__person__skill_level", "campaign__policy_version", "sheet")
        .order_by("campaign__review_ends", "campaign_id", "nomination__number")
    )
    labels = dict(SheetStatus.choices)
    groups: dict[int, CampaignReviews] = {}
    for a in qs:
        group = groups.get(a.campaign_id)
        if group is None:
            group = groups[a.campaign_id] = CampaignReviews(
                campaign=a.campaign,
                blind=is_blind(a.campaign),
                is_open=a.campaign.status == Campaign.Status.ONLINE_REVIEW,
            )
        current = sheet_status(a)
        group.counts[current] = group.counts.get(current, 0) + 1
        if status and current != status:
            continue
        person = a.nomination.person
        sheet = getattr(a, "sheet", None)
        group.rows.append(
            ReviewRow(
                assignment=a,
                label=nominee_label(a.nomination, blind=group.blind),
                status=current,
                status_label=str(labels[current]),
                # Executing the assignment creates empty sheets: an unopened one was never saved.
                updated_at=(
                    sheet.updated_at
                    if sheet is not None and current != SheetStatus.NOT_STARTED
                    else None
                ),
                occupation=person.occupation if person else "",
                skill_level=person.skill_level.name if person and person.skill_level else "",
            )
        )
    return list(groups.values())


# --- The score sheet page -----------------------------------------------------------------------


@dataclass
class EvidenceItem:
    evidence: Evidence
    name: str
    caption: str
    size_label: str
    type_label: str


@dataclass
class StatementBlock:
    dimension: Dimension
    text: str
    evidence: list[EvidenceItem]


@dataclass
class Material:
    """What the expert sees of the nominee (already masked and, in blind review, redacted)."""

    label: str
    blind: bool
    facts: list[tuple[str, str]]
    summary: str
    statements: list[StatementBlock]
    general_evidence: list[EvidenceItem]
    record: list[RecordSection]
    verdicts: list[dict[str, Any]]


def _evidence_item(e: Evidence, redact: Redactor, *, blind: bool, index: int) -> EvidenceItem:
    suffix = PurePosixPath(e.attachment.file.name).suffix.lower()
    name = _("Evidence %(n)s%(suffix)s") % {"n": index, "suffix": suffix} if blind else None
    return EvidenceItem(
        evidence=e,
        name=name or redact(e.attachment.original_name),
        caption=redact(e.caption),
        size_label=str(filesizeformat(e.attachment.size)),
        type_label=suffix.lstrip(".").upper(),
    )


def evidence_download_name(evidence: Evidence, assignment: Assignment) -> str | None:
    """The file name a blind reviewer downloads evidence under (None: the original name)."""
    if not is_blind(assignment.campaign):
        return None
    ids = list(
        Evidence.objects.filter(nomination_id=evidence.nomination_id)
        .order_by("dimension__order", "id")
        .values_list("pk", flat=True)
    )
    suffix = PurePosixPath(evidence.attachment.file.name).suffix.lower()
    index = ids.index(evidence.pk) + 1 if evidence.pk in ids else 0
    return f"{nominee_code(evidence.nomination_id)}-{index}{suffix}"


def _verdict_rows(nomination: Nomination) -> list[dict[str, Any]]:
    """The stored eligibility verdicts, without who signed the attestation."""
    from jiangxin.nominations.views import verdict_rows

    verdicts = []
    for data in nomination.eligibility:
        verdict = Verdict.from_dict(data)
        if verdict.message.startswith("attestation."):
            # Verdict.reason shows a message that is not a known key as it is.
            text = (
                _("The recommending unit's attestation is signed and dated.")
                if verdict.outcome == "pass"
                else _("The recommending unit's attestation is missing.")
            )
            verdict = replace(verdict, message=text, params={})
        verdicts.append(verdict)
    return verdict_rows(nomination, verdicts)


def _facts(person: Person | None, nomination: Nomination, *, blind: bool) -> list[tuple[str, str]]:
    if person is None:
        return []
    rows = []
    if not blind:
        rows += [
            (_("Name"), person.name),
            (_("Employer"), person.employer.display_name),
            (_("Nominating unit"), nomination.nominating_unit.display_name),
        ]
    rows += [
        (_("Occupation / type of work"), person.occupation),
        (_("Position"), person.position),
        (_("Skill level"), person.skill_level.name if person.skill_level else ""),
        (_("Industry"), person.industry.name if person.industry else ""),
        (_("Education"), str(person.get_education_display()) if person.education else ""),
    ]
    return [(label, mask_numbers_in(value)) for label, value in rows]


def _record(person: Person, redact: Redactor, *, blind: bool) -> list[RecordSection]:
    """The record as read-only blocks: the profile's own builders with editing off."""
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.people.sections import SectionOptions

    sections = record_sections(
        person, user=AnonymousUser(), options=SectionOptions(heading_level=3), state=(False, False)
    )
    for section in sections:
        for row in section.rows:
            cells = [redact(c) for c in row.cells]
            if blind and section.kind == "work":
                cells[1] = _("(not shown in blind review)")
            row.cells = cells
            row.label = ""
    return sections


def nominee_material(assignment: Assignment) -> Material:
    """Everything the score sheet page shows of the nominee (see the module docstring)."""
    nomination = (
        Nomination.objects.select_related(
            "campaign__policy_version",
            "nominating_unit",
            "person__employer",
            "person__union",
            "person__skill_level",
            "person__industry",
        )
        .prefetch_related("person__work_periods")
        .get(pk=assignment.nomination_id)
    )
    blind = is_blind(nomination.campaign)
    redact = redactor_for(nomination, blind=blind)
    person = nomination.person
    dimensions = list(nomination.campaign.policy_version.dimensions.order_by("order"))
    texts = {s.dimension_id: s.text for s in nomination.statements.all()}
    by_dimension: dict[int | None, list[EvidenceItem]] = defaultdict(list)
    evidence = nomination.evidence.select_related("attachment").order_by("dimension__order", "id")
    for index, e in enumerate(evidence, start=1):
        by_dimension[e.dimension_id].append(_evidence_item(e, redact, blind=blind, index=index))
    return Material(
        label=nominee_label(nomination, blind=blind),
        blind=blind,
        facts=_facts(person, nomination, blind=blind),
        summary=redact(nomination.deeds_summary),
        statements=[
            StatementBlock(d, redact(texts.get(d.pk, "")), by_dimension.get(d.pk, []))
            for d in dimensions
        ],
        general_evidence=by_dimension.get(None, []),
        record=_record(person, redact, blind=blind) if person else [],
        verdicts=_verdict_rows(nomination),
    )


# --- The score form's rubric ------------------------------------------------------------------


def band_of(levels: list[RubricLevel], value: int | None) -> RubricLevel | None:
    """The rubric level a score falls in (None when it falls in none)."""
    if value is None:
        return None
    for level in levels:
        if level.score_from <= value <= level.score_to:
            return level
    return None


def expert_stats(user: User) -> list[Stat]:
    """The expert's dashboard figures: sheets left to submit in open reviews, and submitted."""
    from django.urls import reverse

    from jiangxin.core.dashboard import Stat
    from jiangxin.programs.models import Campaign

    open_review = selectors.assignments_for_expert(user).filter(
        campaign__status=Campaign.Status.ONLINE_REVIEW
    )
    counts = open_review.aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(sheet__status=SheetStatus.SUBMITTED))
    )
    url = reverse("reviews:scoring_mine")
    return [
        Stat(_("Score sheets left to submit"), counts["total"] - counts["submitted"], url),
        Stat(_("Score sheets submitted (open reviews)"), counts["submitted"], url),
    ]
