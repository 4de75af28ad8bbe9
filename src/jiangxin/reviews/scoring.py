"""Writes of the online review (网审): the experts' score sheets, and the program officers'
reopening, reminders and closing of the online review.

- An expert acts only on their own active, conflict-free assignments
  (`selectors.assignments_for_expert`), while the campaign is in ONLINE_REVIEW.
- A sheet keeps whatever was typed as a draft (`ScoreSheet.draft`, valid or not, so nothing is
  lost); submitting checks every score against its dimension's range and asks for a comment on
  a top or bottom score (`sheet_problems`, shared with the form), writes the `Score` rows and
  locks the sheet. Only a program officer can reopen a submitted sheet, with a reason
  (audited; the expert is notified); the expert then submits it again.
- Reminders go to experts with sheets left to submit: 3 days and 1 day before
  `Campaign.review_ends` and every day after it (`send_review_reminders`, run daily), or when
  an officer asks; `ReminderLog` keeps each expert to one reminder of each kind a day.
- `do_close_online_review` moves the campaign to PANEL_MEETING once every active assignment has
  a submitted sheet; the audit event keeps the digest of the ranking it closed on.

Lock order: the campaign row (when taken), the assignment row, the sheet row; the audit chain
head comes last (taken by `record_event`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.nominations.checks import char_count
from jiangxin.nominations.models import Nomination
from jiangxin.notifications.actions import notify
from jiangxin.notifications.models import ReminderLog
from jiangxin.programs.models import Campaign
from jiangxin.reviews import calibration, rules, selectors
from jiangxin.reviews import scoring_selectors as reads
from jiangxin.reviews.models import Assignment, Score, ScoreSheet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from jiangxin.accounts.models import User
    from jiangxin.programs.models import Dimension

SheetStatus = ScoreSheet.Status

#: Longest comment on one dimension, and overall (characters without white space, 字数).
COMMENT_MAX_CHARS = 1000
OVERALL_MAX_CHARS = 2000
#: Longest value kept of one draft field (a draft keeps over-long text; submitting refuses it).
DRAFT_MAX_CHARS = 10_000
#: Days before `review_ends` on which experts with sheets left are reminded (and every day
#: after it, while the online review is open).
REMINDER_DAYS = (3, 1)
OVERALL_FIELD = "comment"


def score_field(dimension_id: int) -> str:
    return f"score_{dimension_id}"


def comment_field(dimension_id: int) -> str:
    return f"comment_{dimension_id}"


# --- Validation (shared by the form and the submit action) --------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a sheet cannot be submitted: the form field it concerns ("" for the sheet), the rule
    code and the translated message (naming the dimension); `field_message` says the same
    beside the field, whose label already names the dimension."""

    field: str
    rule: str
    message: str
    field_message: str = ""

    @property
    def for_field(self) -> str:
        return self.field_message or self.message


class SheetInvalid(DomainError):
    """Submission refused; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(
            problems[0].rule,
            _("The score sheet cannot be submitted yet: %(first)s")
            % {"first": problems[0].message},
        )
        self.problems = list(problems)


def _range_text(d: Dimension) -> dict[str, Any]:
    return {"dimension": d.name, "min": d.score_min, "max": d.score_max}


def sheet_problems(
    dimensions: Sequence[Dimension],
    *,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str],
    comment: str,
    skip: Iterable[str] = (),
) -> list[Problem]:
    """Every reason the sheet cannot be submitted as given (empty when it can). Fields in
    `skip` already have a problem (e.g. a score that is not a number) and are not re-checked."""
    skipped = set(skip)
    problems = []
    for d in dimensions:
        field = score_field(d.pk)
        value = scores.get(d.pk)
        note = (comments.get(d.pk) or "").strip()
        if field in skipped:
            pass
        elif value is None:
            problems.append(
                Problem(
                    field,
                    "scoring.score_missing",
                    str(_("%(dimension)s: give a score from %(min)s to %(max)s.") % _range_text(d)),
                    str(_("Give a score from %(min)s to %(max)s.") % _range_text(d)),
                )
            )
        elif not d.score_min <= value <= d.score_max:
            problems.append(
                Problem(
                    field,
                    "scoring.score_out_of_range",
                    str(
                        _("%(dimension)s: the score must be from %(min)s to %(max)s.")
                        % _range_text(d)
                    ),
                    str(_("The score must be from %(min)s to %(max)s.") % _range_text(d)),
                )
            )
        elif value in (d.score_min, d.score_max) and not note:
            problems.append(
                Problem(
                    comment_field(d.pk),
                    "scoring.comment_required",
                    str(
                        _(
                            "%(dimension)s: %(score)s is the top or the bottom of the range; "
                            "say in the comment why."
                        )
                        % {"dimension": d.name, "score": value}
                    ),
                    str(
                        _("%(score)s is the top or the bottom of the range; say here why.")
                        % {"score": value}
                    ),
                )
            )
        if char_count(note) > COMMENT_MAX_CHARS:
            problems.append(
                Problem(
                    comment_field(d.pk),
                    "scoring.comment_too_long",
                    str(
                        _("%(dimension)s: the comment is longer than %(max)s characters.")
                        % {"dimension": d.name, "max": COMMENT_MAX_CHARS}
                    ),
                    str(
                        _("The comment is longer than %(max)s characters.")
                        % {"max": COMMENT_MAX_CHARS}
                    ),
                )
            )
    if char_count(comment) > OVERALL_MAX_CHARS:
        problems.append(
            Problem(
                OVERALL_FIELD,
                "scoring.comment_too_long",
                str(
                    _("The overall comment is longer than %(max)s characters.")
                    % {"max": OVERALL_MAX_CHARS}
                ),
                str(
                    _("The comment is longer than %(max)s characters.") % {"max": OVERALL_MAX_CHARS}
                ),
            )
        )
    return problems


@dataclass(frozen=True)
class SheetInput:
    """A sheet's input parsed from form fields (scores that are whole numbers only)."""

    scores: dict[int, int]
    comments: dict[int, str]
    comment: str


def parse_score(raw: object) -> int | None:
    """A whole number as typed (full-width digits too, as a Chinese input method types them);
    None when empty or not a whole number. A stored score (an int, 0 included) reads as is."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def parse_sheet_input(
    dimensions: Sequence[Dimension], data: Mapping[str, Any]
) -> tuple[SheetInput, list[Problem]]:
    """Read form fields (or a stored draft) and check them as `do_submit_score_sheet` will."""
    scores: dict[int, int] = {}
    comments: dict[int, str] = {}
    problems: list[Problem] = []
    for d in dimensions:
        raw = str(data.get(score_field(d.pk)) or "").strip()
        value = parse_score(raw)
        if value is not None:
            scores[d.pk] = value
        elif raw:
            problems.append(
                Problem(
                    score_field(d.pk),
                    "scoring.score_not_integer",
                    str(
                        _("%(dimension)s: enter a whole number from %(min)s to %(max)s.")
                        % _range_text(d)
                    ),
                    str(_("Enter a whole number from %(min)s to %(max)s.") % _range_text(d)),
                )
            )
        comments[d.pk] = str(data.get(comment_field(d.pk)) or "").strip()
    comment = str(data.get(OVERALL_FIELD) or "").strip()
    problems += sheet_problems(
        dimensions,
        scores=scores,
        comments=comments,
        comment=comment,
        skip=[p.field for p in problems],
    )
    return SheetInput(scores, comments, comment), problems


def draft_fields(dimensions: Sequence[Dimension]) -> list[str]:
    """The names of a sheet's input fields, in form order."""
    names = []
    for d in dimensions:
        names += [score_field(d.pk), comment_field(d.pk)]
    return [*names, OVERALL_FIELD]


def clean_draft(dimensions: Sequence[Dimension], data: Mapping[str, Any]) -> dict[str, str]:
    """The sheet's own fields of `data` as typed (text only, each within `DRAFT_MAX_CHARS`)."""
    out = {}
    for name in draft_fields(dimensions):
        value = data.get(name)
        if isinstance(value, list):
            value = value[-1] if value else ""
        if value is None:
            continue
        out[name] = str(value)[:DRAFT_MAX_CHARS]
    return out


# --- Helpers ----------------------------------------------------------------------------------


def _lock_own_assignment(acting_user: User, assignment_id: int) -> Assignment:
    """Lock the acting expert's own active, conflict-free assignment."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__policy_version", "nomination", "expert")
        .filter(pk=assignment_id)
        .first()
    )
    if (
        assignment is None
        or not selectors.assignments_for_expert(acting_user).filter(pk=assignment_id).exists()
    ):
        raise PermissionDenied(
            "scoring.not_assigned", _("This nomination is not assigned to you for review.")
        )
    return assignment


def _require_open(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.ONLINE_REVIEW:
        raise DomainError(
            "scoring.closed",
            _("The online review of %(campaign)s is not open: score sheets cannot change now.")
            % {"campaign": campaign.name},
        )


def locked_message() -> StrOrPromise:
    return _(
        "This score sheet was submitted and is locked. If it must change, ask the program "
        "officer to reopen it."
    )


def _require_editable(sheet: ScoreSheet) -> None:
    if sheet.status == SheetStatus.SUBMITTED:
        raise DomainError("scoring.locked", locked_message())


def _lock_sheet(assignment: Assignment) -> ScoreSheet:
    """The assignment's sheet, created on first use (the caller holds the assignment lock)."""
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment)
    return sheet


def _dimensions(campaign: Campaign) -> list[Dimension]:
    return list(campaign.policy_version.dimensions.order_by("order"))


def _require_manager(acting_user: User | None, campaign: Campaign) -> None:
    if acting_user is None or not rules.can_manage_review(acting_user, campaign):
        raise PermissionDenied(
            "review.manage",
            _("Only a program officer of the issuing organization runs this review."),
        )


# --- The expert's acts --------------------------------------------------------------------------


@transaction.atomic
def do_save_score_draft(
    *, acting_user: User, assignment_id: int, data: Mapping[str, Any]
) -> ScoreSheet:
    """Keep the sheet's input as typed, valid or not (autosave and "save draft")."""
    assignment = _lock_own_assignment(acting_user, assignment_id)
    _require_open(assignment.campaign)
    sheet = _lock_sheet(assignment)
    _require_editable(sheet)
    started = sheet.status == SheetStatus.NOT_STARTED
    sheet.draft = clean_draft(_dimensions(assignment.campaign), data)
    if started:
        sheet.status = SheetStatus.DRAFT
    sheet.save()
    if started:
        record_event(
            "review.sheet_started",
            actor=acting_user,
            obj=sheet,
            summary={"assignment": assignment.pk, "nomination": assignment.nomination_id},
        )
    return sheet


@transaction.atomic
def do_submit_score_sheet(
    *,
    acting_user: User,
    assignment_id: int,
    scores: Mapping[int, int],
    comments: Mapping[int, str] | None = None,
    comment: str = "",
) -> ScoreSheet:
    """Submit the sheet: a whole-number score within range for every dimension (by id), a
    comment on each top or bottom score. The sheet is then locked."""
    assignment = _lock_own_assignment(acting_user, assignment_id)
    campaign = assignment.campaign
    _require_open(campaign)
    sheet = _lock_sheet(assignment)
    _require_editable(sheet)
    dimensions = _dimensions(campaign)
    unknown = set(scores) - {d.pk for d in dimensions}
    if unknown:
        raise ValueError(f"not dimensions of the campaign's policy: {sorted(unknown)}")
    notes = {d.pk: (comments or {}).get(d.pk, "").strip() for d in dimensions}
    comment = comment.strip()
    problems = sheet_problems(dimensions, scores=scores, comments=notes, comment=comment)
    if problems:
        raise SheetInvalid(problems)
    existing = {s.dimension_id: s for s in sheet.scores.all()}
    for d in dimensions:
        score = existing.get(d.pk)
        if score is None:
            Score.objects.create(sheet=sheet, dimension=d, value=scores[d.pk], comment=notes[d.pk])
        elif (score.value, score.comment) != (scores[d.pk], notes[d.pk]):
            score.value, score.comment = scores[d.pk], notes[d.pk]
            score.save(update_fields=["value", "comment"])
    resubmitted = sheet.status == SheetStatus.REOPENED
    sheet.status = SheetStatus.SUBMITTED
    sheet.comment = comment
    sheet.submitted_at = timezone.now()
    sheet.draft = {}
    sheet.save()
    specs = calibration.dimension_specs(campaign)
    record_event(
        "review.sheet_submitted",
        actor=acting_user,
        obj=sheet,
        summary={
            "assignment": assignment.pk,
            "nomination": assignment.nomination_id,
            "scores": {d.code: scores[d.pk] for d in dimensions},
            "total": calibration.sheet_total(scores, specs),
            "resubmitted": resubmitted,
        },
    )
    return sheet


# --- The program officer's acts -----------------------------------------------------------------


@transaction.atomic
def do_reopen_score_sheet(*, acting_user: User, assignment_id: int, reason: str) -> ScoreSheet:
    """Reopen a submitted sheet so its expert can change and submit it again (audited; the
    expert is notified). It leaves the ranking until it is submitted again."""
    assignment = Assignment.objects.select_related("campaign").get(pk=assignment_id)
    campaign = Campaign.objects.select_for_update().get(pk=assignment.campaign_id)
    _require_manager(acting_user, campaign)
    _require_open(campaign)
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("expert__user", "nomination__person", "campaign__policy_version")
        .get(pk=assignment_id)
    )
    sheet = ScoreSheet.objects.select_for_update().filter(assignment=assignment).first()
    if sheet is None or sheet.status != SheetStatus.SUBMITTED:
        raise DomainError(
            "scoring.not_submitted", _("Only a submitted score sheet can be reopened.")
        )
    if assignment.status != Assignment.Status.ACTIVE:
        raise DomainError(
            "scoring.assignment_ended",
            _("This assignment has ended; its score sheet no longer counts."),
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("scoring.reason_required", _("Give the reason for reopening the sheet."))
    sheet.status = SheetStatus.REOPENED
    sheet.reopened_at = timezone.now()
    sheet.reopened_by = acting_user
    sheet.reopen_reason = reason
    sheet.draft = {}
    sheet.save()
    record_event(
        "review.sheet_reopened",
        actor=acting_user,
        obj=sheet,
        acting_org=campaign.issuing_org,
        summary={
            "assignment": assignment.pk,
            "nomination": assignment.nomination_id,
            "expert": assignment.expert_id,
            "reason": reason,
        },
    )
    notify(
        [assignment.expert.user],
        "review.sheet_reopened",
        params={
            "nominee": reads.nominee_label(assignment.nomination, blind=reads.is_blind(campaign)),
            "campaign": campaign.name,
            "reason": reason,
        },
        url=reverse("reviews:scoring_sheet", args=[assignment.pk]),
    )
    return sheet


def _remind(
    campaign: Campaign, kind: str, log_kind: str, today: dt.date, expert_ids: set[int] | None
) -> list[int]:
    """Notify each expert with sheets left (once per `log_kind` a day); the ids reminded."""
    reminded = []
    for expert_id, (user, count) in reads.outstanding_by_expert(campaign).items():
        if expert_ids is not None and expert_id not in expert_ids:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    kind=log_kind,
                    subject_key=f"campaign:{campaign.pk}",
                    recipient=user,
                    sent_on=today,
                )
                notify(
                    [user],
                    kind,
                    params={
                        "campaign": campaign.name,
                        "ends": campaign.review_ends.isoformat(),
                        "days": (campaign.review_ends - today).days,
                        "count": count,
                    },
                    url=reverse("reviews:scoring_mine"),
                )
        except IntegrityError:
            continue  # already reminded today
        reminded.append(expert_id)
    return reminded


MANUAL_REMINDER = "review.scoring_reminder"


@transaction.atomic
def do_remind_experts(
    *, acting_user: User, campaign_id: int, expert_ids: Iterable[int] | None = None
) -> int:
    """Remind the experts (all, or those in `expert_ids`) who have sheets left to submit; each
    at most once a day. Returns how many were reminded."""
    campaign = Campaign.objects.select_related("issuing_org").get(pk=campaign_id)
    _require_manager(acting_user, campaign)
    _require_open(campaign)
    wanted = set(expert_ids) if expert_ids is not None else None
    today = timezone.localdate()
    reminded = _remind(campaign, MANUAL_REMINDER, MANUAL_REMINDER, today, wanted)
    record_event(
        "review.experts_reminded",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"experts": reminded, "asked_for": sorted(wanted) if wanted else "all"},
    )
    return len(reminded)


def send_review_reminders(today: dt.date) -> int:
    """The daily job: remind experts with sheets left 3 days and 1 day before the end of the
    online review, and every day once it is overdue. Idempotent within a day."""
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.ONLINE_REVIEW):
        days = (campaign.review_ends - today).days
        if days in REMINDER_DAYS:
            kind, log_kind = "review.scoring_due", f"review.scoring_due_in_{days}"
        elif days < 0:
            kind, log_kind = "review.scoring_overdue", "review.scoring_overdue"
        else:
            continue
        sent += len(_remind(campaign, kind, log_kind, today, None))
    return sent


@transaction.atomic
def do_close_online_review(*, acting_user: User, campaign_id: int) -> Campaign:
    """Close the online review once every accepted nomination has experts and every active
    assignment's sheet is submitted; the campaign moves to the panel meeting."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )
    _require_manager(acting_user, campaign)
    if campaign.status != Campaign.Status.ONLINE_REVIEW:
        raise DomainError(
            "online_review.not_open", _("The online review is not open in this campaign.")
        )
    unassigned = Nomination.objects.filter(
        campaign=campaign, status=Nomination.Status.ACCEPTED
    ).count()
    if unassigned:
        raise DomainError(
            "online_review.unassigned",
            _("%(count)s accepted nomination(s) have no experts assigned yet.")
            % {"count": unassigned},
        )
    missing = reads.unsubmitted_assignments(campaign).count()
    if missing:
        raise DomainError(
            "online_review.sheets_missing",
            _(
                "%(count)s score sheet(s) of active assignments are not submitted yet (not "
                "started, drafts or reopened). The online review closes once every one is "
                "submitted, or its expert replaced."
            )
            % {"count": missing},
        )
    unreviewed = reads.unreviewed_nominations(campaign).count()
    if unreviewed:
        raise DomainError(
            "online_review.unreviewed",
            _("%(count)s nomination(s) in review have no submitted score sheet.")
            % {"count": unreviewed},
        )
    ranking = calibration.campaign_ranking(campaign)
    campaign.status = Campaign.Status.PANEL_MEETING
    campaign.save(update_fields=["status", "updated_at"])
    record_event(
        "campaign.online_review_closed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={
            "after": {"status": campaign.status},
            "nominations": len(ranking),
            "sheets": sum(r.experts for r in ranking),
            "ranking_digest": calibration.ranking_digest(ranking),
        },
    )
    return campaign
