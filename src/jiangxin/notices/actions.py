"""Every write of the public notice and the objections. Each act locks what it changes,
checks its guard (naming the rule that refuses), writes, records the audit event (and the
objection's or nomination's own timeline entry) and notifies after commit.

Lock order: the campaign row (when taken), the notice row, the entry or objection rows, then
the nominations; the audit chain head is taken by the first `record_event`, so it comes last.

Acts with `acting_user=None` are the system's (the daily scheduler, a deferred task, or — for
`do_file_objection` — a visitor of the public site, who has no account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import User
from jiangxin.core import calendar
from jiangxin.core.audit import record_event
from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_numbers_in
from jiangxin.nominations.actions import _log as log_nomination
from jiangxin.nominations.actions import _preparers_of, citable_rules
from jiangxin.nominations.models import ALL_NOTICE_FIELDS, Nomination, NoticeField
from jiangxin.notices import rules
from jiangxin.notices.models import (
    ExplanationRequest,
    NoticeEntry,
    Objection,
    ObjectionDraft,
    ObjectionEvent,
    ObjectionFile,
    ObjectionNote,
    PublicNotice,
)
from jiangxin.notifications.actions import notify
from jiangxin.people.uploads import check_upload
from jiangxin.programs.models import Campaign, CampaignStaff
from jiangxin.programs.selectors import program_officers_of

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

N = Nomination.Status
NS = PublicNotice.Status
OS = Objection.Status

#: Receipt numbers: "YY-" and 8 characters without 0/O, 1/I/L (read out over the phone).
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 8
#: How long a visitor's unfinished objection is kept.
DRAFT_HOURS = 4
FACTS_MAX_CHARS = 5000
NOTE_MAX_CHARS = 5000

#: Rules a disqualification may cite besides the policy's eligibility and format rules.
NOTICE_RULES: dict[str, _StrPromise] = {
    "notice.facts_untrue": _("The deeds or facts stated were found untrue during the notice"),
    "notice.misconduct": _("Violations of law or discipline were found during the notice"),
    "notice.ethics": _("Serious breaches of professional ethics were found during the notice"),
}


# --- Helpers ----------------------------------------------------------------------------------


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def stated_times(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The notice opens at the start of its first day and takes objections until the end of
    its last day (Asia/Shanghai)."""
    opens = dt.datetime.combine(starts_on, dt.time(0, 0), tzinfo=_tz())
    closes = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=_tz())
    return opens, closes


def period_end(starts_on: dt.date, working_days: int) -> dt.date:
    """The last day of a notice of `working_days` starting on `starts_on` (the official
    holiday table; raises when the first day is not a working day or the year is unknown)."""
    return calendar.working_period_end(starts_on, working_days)


def first_working_day_from(day: dt.date) -> dt.date:
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def _require_manager(acting_user: User, campaign: Campaign) -> None:
    if not rules.can_manage_notices(acting_user, campaign):
        raise PermissionDenied(
            "notice.manage",
            _("Only a program officer of the issuing organization manages this notice."),
        )


def _lock_notice(notice_id: int) -> PublicNotice:
    return (
        PublicNotice.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__policy_version", "campaign__issuing_org")
        .get(pk=notice_id)
    )


def _lock_entry(entry_id: int) -> NoticeEntry:
    return (
        NoticeEntry.objects.select_for_update(of=("self",))
        .select_related(
            "notice",
            "notice__campaign",
            "notice__campaign__policy_version",
            "notice__campaign__issuing_org",
            "nomination",
            "nomination__person",
            "nomination__nominating_unit",
        )
        .get(pk=entry_id)
    )


def _lock_objection(objection_id: int) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related(
            "notice",
            "notice__campaign",
            "notice__campaign__policy_version",
            "entry",
            "entry__nomination",
            "entry__nomination__person",
            "entry__nomination__nominating_unit",
        )
        .get(pk=objection_id)
    )


def _audit_notice(notice: PublicNotice, action: str, actor: User | None, **summary: Any) -> None:
    record_event(
        f"notice.{action}",
        actor=actor,
        actor_label="" if actor else "scheduler",
        obj=notice,
        acting_org=notice.campaign.issuing_org,
        summary={"status": notice.status, **summary},
    )


def _log_objection(
    objection: Objection,
    action: str,
    *,
    actor: User | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The objection's timeline entry and the audit event (never the complainant's identity)."""
    ObjectionEvent.objects.create(
        objection=objection, action=action, actor=actor, comment=comment, data=data or {}
    )
    record_event(
        f"objection.{action}",
        actor=actor,
        actor_label="" if actor else "public",
        obj=objection,
        summary={"status": objection.status, "notice": objection.notice_id, **(data or {})},
    )


def handlers_of(campaign: Campaign) -> list[User]:
    return [
        s.user
        for s in CampaignStaff.objects.filter(
            campaign=campaign, duty=CampaignStaff.Duty.OBJECTION_HANDLER
        ).select_related("user")
    ]


def _objection_url(objection: Objection) -> str:
    return reverse("notices:objection_detail", args=[objection.pk])


def _store_upload(
    stored: list[str], kind: str, name: str, stream: IO[bytes], size: int, **links: Any
) -> ObjectionFile:
    """Check an upload (size, extension, content) and store it under a server name; the name
    goes into `stored` so that `_kept_on_success` deletes it again if the act fails."""
    checked = check_upload(name, stream, size)
    row = ObjectionFile(
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        **links,
    )
    row.file.save(f"upload{checked.extension}", File(stream), save=False)
    stored.append(row.file.name)
    row.save(force_insert=True)
    return row


@contextmanager
def _kept_on_success() -> Iterator[list[str]]:
    """Files stored inside the block are deleted again if it raises (nothing half-saved)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


Upload = tuple[str, IO[bytes], int]


# --- Preparing the notice ---------------------------------------------------------------------


def _default_texts(campaign: Campaign, kind: str) -> dict[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        if kind == PublicNotice.Kind.PROMOTION:
            title = _("Public notice of the promoted nominee of the %(campaign)s")
        else:
            title = _("Public notice of the nominees proposed by the %(campaign)s")
        return {
            "title": str(title % {"campaign": campaign.name})[:200],
            "introduction": str(
                _(
                    "Following recommendation, the format check, the expert review and the "
                    "final approval of the %(campaign)s, the nominees below are proposed. "
                    "They are made public for comment, listed in the order of the strokes of "
                    "their surnames."
                )
                % {"campaign": campaign.name}
            ),
            "objection_guide": str(
                _(
                    "Anyone with an objection to a listed nominee may raise it during the "
                    "notice period: a person under their real name, with a telephone number; "
                    "a unit with a letter under its seal. State the facts and give evidence "
                    "where you can. The identity of whoever objects is kept strictly "
                    "confidential. Anonymous objections and objections without concrete "
                    "facts cannot be admitted."
                )
            ),
        }


def _default_start(campaign: Campaign) -> dt.date:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return first_working_day_from(max(campaign.notice_starts, tomorrow))


def _new_entry(notice: PublicNotice, nomination: Nomination, rank: int) -> NoticeEntry:
    return NoticeEntry.objects.create(
        notice=notice,
        nomination=nomination,
        rank=rank,
        consent_fields=list(nomination.consent_fields or []),
        approved_summary=nomination.deeds_summary,
    )


@transaction.atomic
def do_create_notice(
    *, acting_user: User, campaign_id: int, starts_on: dt.date | None = None
) -> PublicNotice:
    """Draft the public notice of a campaign's final-approved list: one entry per approved
    nomination, in the approval's order, the deeds summary prefilled for the officer."""
    from jiangxin.reviews.models import FinalApproval

    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("policy_version", "issuing_org")
        .get(pk=campaign_id)
    )
    _require_manager(acting_user, campaign)
    if campaign.status != Campaign.Status.PUBLIC_NOTICE:
        raise DomainError(
            "notice.campaign_not_ready",
            _("The public notice follows the final approval of the list."),
        )
    approval = FinalApproval.objects.filter(campaign=campaign).first()
    if approval is None or not approval.approved:
        raise DomainError("notice.no_approval", _("The campaign has no final-approved list."))
    if PublicNotice.objects.filter(campaign=campaign, kind=PublicNotice.Kind.MAIN).exists():
        raise DomainError("notice.exists", _("This campaign already has its public notice."))
    starts_on = starts_on or _default_start(campaign)
    days = campaign.policy_version.notice_working_days
    ends_on = period_end(starts_on, days)
    notice = PublicNotice.objects.create(
        campaign=campaign,
        kind=PublicNotice.Kind.MAIN,
        approval=approval,
        approval_digest=approval.digest,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=days,
        created_by=acting_user,
        **_default_texts(campaign, PublicNotice.Kind.MAIN),
    )
    rows = sorted(approval.approved, key=lambda r: r["rank"])
    nominations = Nomination.objects.in_bulk([r["nomination"] for r in rows])
    skipped = []
    for row in rows:
        nomination = nominations.get(row["nomination"])
        if nomination is None or nomination.status != N.SELECTED:
            skipped.append(row["nomination"])
            continue
        _new_entry(notice, nomination, row["rank"])
    _audit_notice(
        notice,
        "created",
        acting_user,
        entries=notice.entries.count(),
        skipped=skipped,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
        digest=approval.digest,
    )
    return notice


NOTICE_FIELDS = ("title", "starts_on", "introduction", "objection_guide", "contact")


@transaction.atomic
def do_update_notice(*, acting_user: User, notice_id: int, changes: dict[str, Any]) -> PublicNotice:
    """Change a draft notice's texts or first day (the last day follows from the calendar)."""
    notice = _lock_notice(notice_id)
    _require_manager(acting_user, notice.campaign)
    if notice.status != NS.DRAFT:
        raise DomainError(
            "notice.not_draft", _("Only a draft notice can change; take it off the schedule.")
        )
    unknown = set(changes) - set(NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"not notice fields: {sorted(unknown)}")
    before: dict[str, Any] = {}
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(notice, name) != value:
            before[name] = str(getattr(notice, name))
            setattr(notice, name, value)
    if "starts_on" in before:
        if notice.starts_on < timezone.localdate():
            raise DomainError("notice.start_past", _("The first day cannot be in the past."))
        notice.ends_on = period_end(notice.starts_on, notice.working_days)
    if not notice.title:
        raise DomainError("notice.title_required", _("Give the notice a title."))
    notice.save()
    if before:
        _audit_notice(
            notice,
            "updated",
            acting_user,
            before=before,
            after={k: str(getattr(notice, k)) for k in before},
        )
    return notice


def _require_draft_entry(entry: NoticeEntry, acting_user: User) -> None:
    _require_manager(acting_user, entry.notice.campaign)
    if entry.notice.status != NS.DRAFT:
        raise DomainError(
            "notice.not_draft", _("Only a draft notice can change; take it off the schedule.")
        )


@transaction.atomic
def do_approve_summary(*, acting_user: User, entry_id: int, text: str) -> NoticeEntry:
    """Approve (after editing, if need be) the deeds summary published for one nominee."""
    entry = _lock_entry(entry_id)
    _require_draft_entry(entry, acting_user)
    text = text.strip()
    limit = entry.notice.campaign.policy_version.summary_max_chars
    count = len("".join(text.split()))
    if not text:
        raise DomainError("notice.summary_required", _("Write the deeds summary."))
    if count > limit:
        raise DomainError(
            "notice.summary_too_long",
            _("The summary has %(count)s characters; at most %(max)s are allowed.")
            % {"count": count, "max": limit},
        )
    changed = text != entry.nomination.deeds_summary
    entry.approved_summary = text
    entry.summary_approved_by = acting_user
    entry.summary_approved_at = timezone.now()
    entry.save()
    _audit_notice(
        entry.notice,
        "summary_approved",
        acting_user,
        entry=entry.pk,
        nomination=entry.nomination_id,
        edited=changed,
    )
    return entry


@transaction.atomic
def do_record_consent(
    *, acting_user: User, entry_id: int, fields: Sequence[str], note: str
) -> NoticeEntry:
    """Record a consent to publication obtained after the nomination (e.g. a signed form the
    unit sent in), with a note saying where it is kept."""
    entry = _lock_entry(entry_id)
    _require_draft_entry(entry, acting_user)
    note = note.strip()
    if len(note) < 4:
        raise DomainError(
            "notice.consent_note_required",
            _("Say how the consent was given and where the signed form is kept."),
        )
    unknown = set(fields) - set(ALL_NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"not notice fields: {sorted(unknown)}")
    before = list(entry.consent_fields)
    entry.consent_fields = [c for c in ALL_NOTICE_FIELDS if c in set(fields)]
    entry.consent_note = note
    entry.save(update_fields=["consent_fields", "consent_note"])
    _audit_notice(
        entry.notice,
        "consent_recorded",
        acting_user,
        entry=entry.pk,
        before=before,
        after=entry.consent_fields,
        note=note,
    )
    return entry


@transaction.atomic
def do_withdraw_from_notice(*, acting_user: User, entry_id: int, reason: str) -> Nomination:
    """Take a nominee off a draft notice (e.g. the person does not agree to be named): the
    nomination is withdrawn, and the slot may be filled as after a disqualification."""
    entry = _lock_entry(entry_id)
    _require_draft_entry(entry, acting_user)
    reason = reason.strip()
    if not reason:
        raise DomainError("notice.reason_required", _("Give the reason."))
    nomination = Nomination.objects.select_for_update().get(pk=entry.nomination_id)
    before = nomination.status
    nomination.status = N.WITHDRAWN
    nomination.withdrawal_reason = reason
    nomination.save(update_fields=["status", "withdrawal_reason", "updated_at"])
    log_nomination(
        nomination,
        "withdrawn",
        actor=acting_user,
        org=entry.notice.campaign.issuing_org,
        comment=reason,
        data={"before": before, "notice": entry.notice_id},
    )
    notice = entry.notice
    entry.delete()
    _audit_notice(notice, "entry_withdrawn", acting_user, nomination=nomination.pk, reason=reason)
    return nomination


def notice_problems(notice: PublicNotice) -> list[tuple[str, str]]:
    """What still keeps a draft notice from being scheduled (code, message)."""
    problems: list[tuple[str, str]] = []
    entries = list(notice.entries.select_related("nomination__person"))
    if not entries:
        problems.append(("notice.empty", str(_("The notice lists nobody."))))
    for entry in entries:
        name = entry.nomination.person.name if entry.nomination.person else entry.nomination.number
        if NoticeField.NAME not in entry.consent_fields:
            problems.append(
                (
                    "notice.name_not_consented",
                    str(
                        _(
                            "%(name)s has not agreed to the publication of the name, and "
                            "cannot be listed without it. Record a consent given since, or "
                            "take the nominee off the notice."
                        )
                        % {"name": name}
                    ),
                )
            )
        if not entry.summary_approved:
            problems.append(
                (
                    "notice.summary_not_approved",
                    str(_("Approve the deeds summary of %(name)s.") % {"name": name}),
                )
            )
    if not notice.contact.strip():
        problems.append(
            ("notice.contact_required", str(_("Give the contact channels for objections.")))
        )
    if notice.starts_on < timezone.localdate():
        problems.append(("notice.start_past", str(_("The first day cannot be in the past."))))
    return problems


def _enqueue_transitions(notice: PublicNotice) -> None:
    """Deferred tasks for the stated times, where the task backend can defer (the database
    backend can; the daily scheduler `open_and_close_notices` covers any other)."""
    from jiangxin.notices import tasks

    backend = tasks.open_notice_task.get_backend()
    if not backend.supports_defer:
        return
    notice_id = notice.pk
    opens, closes = notice.opens_at, notice.closes_at
    if opens is not None:
        tasks.open_notice_task.using(run_after=opens).enqueue(notice_id)
    if closes is not None:
        tasks.close_notice_task.using(run_after=closes).enqueue(notice_id)


@transaction.atomic
def do_schedule_notice(*, acting_user: User, notice_id: int) -> PublicNotice:
    """Fix the notice and its stated times; it opens by itself at the start of its first
    day (at once when that is today) and asks to be closed at the end of its last day."""
    notice = _lock_notice(notice_id)
    _require_manager(acting_user, notice.campaign)
    if notice.status != NS.DRAFT:
        raise DomainError("notice.not_draft", _("This notice is already scheduled."))
    problems = notice_problems(notice)
    if problems:
        raise DomainError(problems[0][0], problems[0][1])
    # The table may have changed since the draft was made (a newly announced year).
    notice.ends_on = period_end(notice.starts_on, notice.working_days)
    notice.opens_at, notice.closes_at = stated_times(notice.starts_on, notice.ends_on)
    notice.status = NS.SCHEDULED
    notice.scheduled_by = acting_user
    notice.scheduled_at = timezone.now()
    notice.save()
    _audit_notice(
        notice,
        "scheduled",
        acting_user,
        opens_at=notice.opens_at.isoformat(),
        closes_at=notice.closes_at.isoformat(),
        working_days=notice.working_days,
    )
    if notice.opens_at <= timezone.now():
        _open(notice, acting_user)
    else:
        transaction.on_commit(lambda: _enqueue_transitions(notice))
    return notice


@transaction.atomic
def do_unschedule_notice(*, acting_user: User, notice_id: int) -> PublicNotice:
    """Take a scheduled notice back to draft before it opens (to correct it)."""
    notice = _lock_notice(notice_id)
    _require_manager(acting_user, notice.campaign)
    if notice.status != NS.SCHEDULED:
        raise DomainError(
            "notice.not_scheduled", _("Only a notice not yet open can be taken back.")
        )
    notice.status = NS.DRAFT
    notice.opens_at = notice.closes_at = None
    notice.save()
    _audit_notice(notice, "unscheduled", acting_user)
    return notice


def _snapshot(entry: NoticeEntry) -> None:
    """Copy exactly the consented fields into the public snapshot (everything else blank).
    Labels are taken in the site's language: the notice is published in Chinese, whatever
    language the officer who schedules it reads (`get_gender_display` renders at once)."""
    person = entry.nomination.person
    consented = set(entry.consent_fields)
    entry.public_name = person.name if person and NoticeField.NAME in consented else ""
    with translation.override(settings.LANGUAGE_CODE):
        entry.public_gender = (
            person.get_gender_display() if person and NoticeField.GENDER in consented else ""
        )
    entry.public_unit = (person.employer.name if person and NoticeField.UNIT in consented else "")[
        :200
    ]
    entry.public_occupation = (
        (person.occupation or person.position)
        if person and NoticeField.OCCUPATION in consented
        else ""
    )[:100]
    entry.public_summary = entry.approved_summary if NoticeField.SUMMARY in consented else ""


def _publish_article(notice: PublicNotice, actor: User | None) -> None:
    from jiangxin.portal.models import Article

    now = timezone.now()
    article = Article.objects.filter(notice=notice).first() or Article(notice=notice)
    article.category = Article.Category.PUBLIC_NOTICE
    article.title = notice.title
    article.body = notice.introduction
    article.source = notice.campaign.issuing_org.name
    article.source_org = notice.campaign.issuing_org
    article.campaign = notice.campaign
    article.status = Article.Status.PUBLISHED
    article.published_at = article.published_at or now
    article.created_by = article.created_by or actor
    article.save()
    _refresh_public_pages()


def _refresh_public_pages() -> None:
    """The portal caches anonymous pages: show the changed notice at once."""
    from jiangxin.portal.cache import invalidate_portal_cache_on_commit

    invalidate_portal_cache_on_commit()


def _open(notice: PublicNotice, actor: User | None) -> None:
    """Open a locked, scheduled notice: fix the list, publish it, put the nominees in notice."""
    entries = list(
        notice.entries.select_for_update(of=("self",)).select_related(
            "nomination", "nomination__person", "nomination__person__employer"
        )
    )
    for entry in entries:
        _snapshot(entry)
    ordered = sorted(
        entries,
        key=lambda e: stroke_key(e.nomination.person.name if e.nomination.person else ""),
    )
    for position, entry in enumerate(ordered, start=1):
        entry.position = position
        entry.save()
    nominations = Nomination.objects.select_for_update().filter(
        pk__in=[e.nomination_id for e in entries], status=N.SELECTED
    )
    for nomination in nominations:
        nomination.status = N.IN_NOTICE
        nomination.save(update_fields=["status", "updated_at"])
        log_nomination(
            nomination,
            "in_notice",
            actor=actor,
            org=notice.campaign.issuing_org,
            data={"notice": notice.pk},
        )
    notice.status = NS.OPEN
    notice.opened_at = timezone.now()
    notice.save()
    _publish_article(notice, actor)
    _audit_notice(notice, "opened", actor, entries=len(entries))


@transaction.atomic
def do_open_notice(
    *, acting_user: User | None, notice_id: int, now: dt.datetime | None = None
) -> PublicNotice:
    """Open a scheduled notice at its stated time. Called by the scheduler and the deferred
    task (`acting_user` None); never early."""
    notice = _lock_notice(notice_id)
    if acting_user is not None:
        _require_manager(acting_user, notice.campaign)
    now = now or timezone.now()
    if notice.status != NS.SCHEDULED:
        raise DomainError("notice.not_scheduled", _("This notice is not waiting to open."))
    if notice.opens_at is None or now < notice.opens_at:
        raise DomainError("notice.not_yet", _("The notice opens at its stated time."))
    _open(notice, acting_user)
    return notice


def open_objections(notice: PublicNotice) -> Any:
    """Unresolved objections on nominees still listed (they keep the notice from closing)."""
    return Objection.objects.filter(
        notice=notice, status__in=Objection.OPEN_STATUSES, entry__disqualified_at__isnull=True
    )


@transaction.atomic
def do_close_notice(
    *, acting_user: User | None, notice_id: int, now: dt.datetime | None = None
) -> PublicNotice:
    """Close a notice once its period is over and every objection on a listed nominee is
    resolved: the listed nominees who were not disqualified are confirmed. Publication (公布)
    follows as its own step."""
    notice = _lock_notice(notice_id)
    if acting_user is not None:
        _require_manager(acting_user, notice.campaign)
    now = now or timezone.now()
    if notice.status != NS.OPEN:
        raise DomainError("notice.not_open", _("This notice is not open."))
    if notice.closes_at is None or now < notice.closes_at:
        raise DomainError(
            "notice.period_running",
            _("The notice period runs until the end of %(date)s.")
            % {"date": notice.ends_on.isoformat()},
        )
    pending = open_objections(notice).count()
    if pending:
        raise DomainError(
            "notice.objections_open",
            _(
                "%(count)s objection(s) on listed nominees are not resolved yet; the notice "
                "closes once each is concluded."
            )
            % {"count": pending},
        )
    confirmed = []
    for nomination in Nomination.objects.select_for_update().filter(
        notice_entries__notice=notice,
        notice_entries__disqualified_at__isnull=True,
        status=N.IN_NOTICE,
    ):
        nomination.status = N.CONFIRMED
        nomination.save(update_fields=["status", "updated_at"])
        log_nomination(
            nomination,
            "confirmed",
            actor=acting_user,
            org=notice.campaign.issuing_org,
            data={"notice": notice.pk},
        )
        confirmed.append(nomination.pk)
    notice.status = NS.CLOSED
    notice.closed_at = now
    notice.closed_by = acting_user
    notice.save()
    _refresh_public_pages()
    _audit_notice(notice, "closed", acting_user, confirmed=confirmed)
    return notice


# --- The public objection form ------------------------------------------------------------------


def accepts_objections(notice: PublicNotice) -> bool:
    """Open notices take objections; so do closed ones until publication (marked late)."""
    return notice.takes_objections


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_draft(token: str | None) -> ObjectionDraft | None:
    """The unexpired draft of the visitor holding `token` (from their cookie)."""
    if not token:
        return None
    return (
        ObjectionDraft.objects.select_related("notice", "notice__campaign", "entry")
        .filter(token_hash=_token_hash(token), expires_at__gt=timezone.now())
        .first()
    )


def draft_data(draft: ObjectionDraft) -> dict[str, Any]:
    try:
        data = json.loads(draft.payload or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@transaction.atomic
def do_start_objection(*, notice_id: int, entry_id: int) -> tuple[ObjectionDraft, str]:
    """Begin an objection to one listed nominee: a draft and the token for its cookie."""
    notice = PublicNotice.objects.select_related("campaign").get(pk=notice_id)
    if not accepts_objections(notice):
        raise DomainError("objection.notice_closed", _("This notice takes no objections."))
    entry = notice.entries.get(pk=entry_id)
    if not entry.public_name or entry.is_disqualified:
        raise DomainError("objection.not_listed", _("This nominee is not listed any more."))
    token = secrets.token_urlsafe(32)
    draft = ObjectionDraft.objects.create(
        token_hash=_token_hash(token),
        notice=notice,
        entry=entry,
        payload="{}",
        expires_at=timezone.now() + dt.timedelta(hours=DRAFT_HOURS),
    )
    return draft, token


def do_save_draft_answers(*, draft: ObjectionDraft, answers: dict[str, Any]) -> ObjectionDraft:
    """Keep what the visitor typed on one page (valid or not), sealed."""
    data = draft_data(draft)
    data.update({k: v for k, v in answers.items() if isinstance(v, str | bool | list)})
    draft.payload = json.dumps(data, ensure_ascii=False)
    draft.expires_at = timezone.now() + dt.timedelta(hours=DRAFT_HOURS)
    draft.save(update_fields=["payload", "expires_at", "updated_at"])
    return draft


def do_add_draft_file(
    *, draft: ObjectionDraft, kind: str, name: str, stream: IO[bytes], size: int
) -> ObjectionFile:
    """Check and keep a file for the objection being written (a seal letter replaces the
    previous one). At most 10 evidence files."""
    if kind not in (ObjectionFile.Kind.EVIDENCE, ObjectionFile.Kind.SEAL_LETTER):
        raise ValueError(f"not a complainant's file kind: {kind!r}")
    with _kept_on_success() as stored, transaction.atomic():
        draft = ObjectionDraft.objects.select_for_update().get(pk=draft.pk)
        if kind == ObjectionFile.Kind.EVIDENCE and draft.files.filter(kind=kind).count() >= 10:
            raise DomainError("objection.too_many_files", _("At most 10 files can be attached."))
        row = _store_upload(stored, kind, name, stream, size, draft=draft)
        if kind == ObjectionFile.Kind.SEAL_LETTER:
            for old in draft.files.filter(kind=kind).exclude(pk=row.pk):
                _delete_file(old)
    return row


def _delete_file(row: ObjectionFile) -> None:
    path = row.file.name
    row.delete()
    transaction.on_commit(lambda: default_storage.delete(path))


@transaction.atomic
def do_remove_draft_file(*, draft: ObjectionDraft, file_id: int) -> None:
    row = ObjectionFile.objects.select_for_update().get(pk=file_id, draft=draft, objection=None)
    _delete_file(row)


def _new_receipt_number(now: dt.datetime) -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{now.astimezone(_tz()):%y}-{body}"


def draft_problems(draft: ObjectionDraft) -> list[tuple[str, str]]:
    """What the checked answers still lack, with the page to fix it on (step, message)."""
    data = draft_data(draft)
    problems: list[tuple[str, str]] = []
    kind = data.get("kind")
    if kind not in Objection.ComplainantKind.values:
        problems.append(("who", str(_("Say who is objecting."))))
        return problems
    if kind == Objection.ComplainantKind.PERSON:
        if not data.get("name") or not data.get("phone") or not data.get("id_number"):
            problems.append(("details", str(_("Give your name, telephone and ID number."))))
    else:
        if not data.get("unit_name") or not data.get("contact_name") or not data.get("phone"):
            problems.append(
                ("details", str(_("Give the unit's name, a contact person and a telephone.")))
            )
        if not draft.files.filter(kind=ObjectionFile.Kind.SEAL_LETTER).exists():
            problems.append(("details", str(_("Upload the letter under the unit's seal."))))
    if not str(data.get("facts", "")).strip():
        problems.append(("facts", str(_("State the facts of the objection."))))
    return problems


@transaction.atomic
def do_file_objection(*, draft_id: int, now: dt.datetime | None = None) -> tuple[Objection, str]:
    """File the visitor's checked answers as an objection: a receipt number, a private
    status token (returned once, only its hash stored), the files moved over, the handlers
    told. After the notice period it is accepted and marked late."""
    draft = (
        ObjectionDraft.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__campaign", "entry")
        .get(pk=draft_id)
    )
    now = now or timezone.now()
    if draft.objection_id is not None:
        raise DomainError("objection.already_filed", _("This objection has already been sent."))
    notice = (
        PublicNotice.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=draft.notice_id)
    )
    if not accepts_objections(notice):
        raise DomainError("objection.notice_closed", _("This notice takes no objections."))
    entry = NoticeEntry.objects.get(pk=draft.entry_id)
    if not entry.public_name or entry.is_disqualified:
        raise DomainError("objection.not_listed", _("This nominee is not listed any more."))
    problems = draft_problems(draft)
    if problems:
        raise DomainError("objection.incomplete", problems[0][1])
    data = draft_data(draft)
    person = data["kind"] == Objection.ComplainantKind.PERSON
    token = secrets.token_urlsafe(24)
    facts = str(data["facts"]).strip()[:FACTS_MAX_CHARS]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    notice=notice,
                    entry=entry,
                    receipt_number=_new_receipt_number(now),
                    status_token_hash=_token_hash(token),
                    complainant_kind=data["kind"],
                    complainant_name=str(data["name"] if person else data["unit_name"]).strip(),
                    contact_name="" if person else str(data["contact_name"]).strip(),
                    phone=str(data["phone"]).strip(),
                    id_number=str(data.get("id_number", "")).strip() if person else "",
                    facts=facts,
                    received_at=now,
                    is_late=notice.closes_at is not None and now >= notice.closes_at,
                )
            break
        except IntegrityError:  # a receipt number drawn twice: draw again
            continue
    else:  # pragma: no cover - 31^8 numbers a year
        raise DomainError("objection.receipt", _("Please send the objection again."))
    moved = draft.files.update(objection=objection, draft=None)
    draft.objection = objection
    data["status_token"] = token
    draft.payload = json.dumps(data, ensure_ascii=False)
    draft.expires_at = now + dt.timedelta(hours=1)
    draft.save(update_fields=["objection", "payload", "expires_at", "updated_at"])
    _log_objection(
        objection,
        "filed",
        actor=None,
        data={
            "receipt": objection.receipt_number,
            "entry": entry.pk,
            "kind": objection.complainant_kind,
            "late": objection.is_late,
            "files": moved,
        },
    )
    campaign = notice.campaign
    notify(
        handlers_of(campaign) or program_officers_of(campaign),
        "objection.received",
        params={
            "receipt": objection.receipt_number,
            "notice": notice.title,
            "nominee": entry.public_name,
            "late": objection.is_late,
        },
        url=_objection_url(objection),
    )
    return objection, token


def find_objection_by_token(token: str) -> Objection | None:
    if not token:
        return None
    return (
        Objection.objects.select_related("notice", "entry")
        .filter(status_token_hash=_token_hash(token))
        .first()
    )


def purge_expired_drafts(now: dt.datetime | None = None) -> int:
    """Delete expired drafts and the files of unsent ones."""
    now = now or timezone.now()
    count = 0
    for draft in ObjectionDraft.objects.filter(expires_at__lte=now):
        with transaction.atomic():
            for row in ObjectionFile.objects.filter(draft=draft, objection=None):
                _delete_file(row)
            draft.delete()
            count += 1
    return count


# --- Handling ---------------------------------------------------------------------------------


def _require_handler(acting_user: User, objection: Objection) -> None:
    if not rules.is_named_handler(acting_user, objection.notice.campaign_id):
        raise PermissionDenied(
            "objection.handler", _("Only the handlers named for this campaign handle objections.")
        )


def _require_assignee(acting_user: User, objection: Objection) -> None:
    _require_handler(acting_user, objection)
    if objection.status != OS.INVESTIGATING:
        raise DomainError(
            "objection.not_investigating", _("This objection is not under investigation.")
        )
    if objection.assigned_to_id != acting_user.pk:
        raise PermissionDenied(
            "objection.not_assignee", _("Only the handler assigned investigates the objection.")
        )


@transaction.atomic
def do_triage_objection(
    *,
    acting_user: User,
    objection_id: int,
    admit: bool,
    note: str = "",
    handler_id: int | None = None,
) -> Objection:
    """Admit an objection for investigation (assigned to a handler, by default the one
    triaging), or record why it cannot be admitted (which resolves it)."""
    objection = _lock_objection(objection_id)
    _require_handler(acting_user, objection)
    if objection.status != OS.RECEIVED:
        raise DomainError("objection.triaged", _("This objection has already been triaged."))
    note = note.strip()
    now = timezone.now()
    objection.triage_note = note
    objection.triaged_by = acting_user
    objection.triaged_at = now
    if admit:
        handler = _named_handler(objection, handler_id or acting_user.pk)
        objection.status = OS.INVESTIGATING
        objection.assigned_to = handler
        objection.assigned_at = now
    else:
        if not note:
            raise DomainError(
                "objection.reason_required", _("Say why the objection cannot be admitted.")
            )
        objection.status = OS.NOT_ADMITTED
    objection.save()
    _log_objection(
        objection,
        "admitted" if admit else "not_admitted",
        actor=acting_user,
        comment=note,
        data={"handler": objection.assigned_to_id},
    )
    if admit and objection.assigned_to_id != acting_user.pk:
        _notify_assigned(objection)
    return objection


def _named_handler(objection: Objection, user_id: int) -> User:
    staff = (
        CampaignStaff.objects.filter(
            campaign_id=objection.notice.campaign_id,
            user_id=user_id,
            duty=CampaignStaff.Duty.OBJECTION_HANDLER,
        )
        .select_related("user")
        .first()
    )
    if staff is None:
        raise DomainError(
            "objection.handler_not_named",
            _("Objections go only to handlers named for this campaign."),
        )
    return staff.user


def _notify_assigned(objection: Objection) -> None:
    if objection.assigned_to is None:
        return
    notify(
        [objection.assigned_to],
        "objection.assigned",
        params={"receipt": objection.receipt_number, "notice": objection.notice.title},
        url=_objection_url(objection),
    )


@transaction.atomic
def do_assign_objection(*, acting_user: User, objection_id: int, handler_id: int) -> Objection:
    """Give an objection to a named handler (a program officer or a handler may)."""
    objection = _lock_objection(objection_id)
    if not rules.can_view_objections(acting_user, objection.notice.campaign):
        raise PermissionDenied("objection.assign", _("You may not assign this objection."))
    if objection.status not in Objection.OPEN_STATUSES:
        raise DomainError("objection.resolved", _("This objection is already resolved."))
    handler = _named_handler(objection, handler_id)
    before = objection.assigned_to_id
    objection.assigned_to = handler
    objection.assigned_at = timezone.now()
    objection.save(update_fields=["assigned_to", "assigned_at"])
    _log_objection(
        objection, "assigned", actor=acting_user, data={"before": before, "handler": handler.pk}
    )
    if handler.pk != acting_user.pk:
        _notify_assigned(objection)
    return objection


@transaction.atomic
def do_add_objection_note(
    *, acting_user: User, objection_id: int, text: str, uploads: Iterable[Upload] = ()
) -> ObjectionNote:
    """An investigation note, with files (each checked for size, type and content)."""
    objection = _lock_objection(objection_id)
    _require_assignee(acting_user, objection)
    text = text.strip()
    if not text:
        raise DomainError("objection.note_required", _("Write the note."))
    with _kept_on_success() as stored:
        note = ObjectionNote.objects.create(
            objection=objection, text=text[:NOTE_MAX_CHARS], author=acting_user
        )
        files = [
            _store_upload(
                stored,
                ObjectionFile.Kind.NOTE,
                name,
                stream,
                size,
                objection=objection,
                note=note,
                uploaded_by=acting_user,
            )
            for name, stream, size in uploads
        ]
        _log_objection(
            objection,
            "note_added",
            actor=acting_user,
            data={"note": note.pk, "files": [mask_numbers_in(f.original_name) for f in files]},
        )
    return note


@transaction.atomic
def do_request_explanation(
    *, acting_user: User, objection_id: int, question: str, due_on: dt.date
) -> ExplanationRequest:
    """Ask the nominee's unit for a written explanation by a date. The unit sees this
    question only: never the objection, its facts or who filed it."""
    objection = _lock_objection(objection_id)
    _require_assignee(acting_user, objection)
    question = question.strip()
    if not question:
        raise DomainError("objection.question_required", _("Write what the unit must explain."))
    if due_on <= timezone.localdate():
        raise DomainError("objection.due_past", _("Give the unit a date after today."))
    unit = objection.entry.nomination.nominating_unit
    request = ExplanationRequest.objects.create(
        objection=objection,
        unit=unit,
        question=question,
        due_on=due_on,
        requested_by=acting_user,
    )
    _log_objection(
        objection,
        "explanation_requested",
        actor=acting_user,
        data={"request": request.pk, "unit": unit.pk, "due_on": due_on.isoformat()},
    )
    nomination = objection.entry.nomination
    notify(
        _preparers_of(nomination),
        "objection.explanation_requested",
        params={
            "nominee": nomination.person.name if nomination.person else nomination.number,
            "notice": objection.notice.title,
            "due": due_on.isoformat(),
        },
        url=reverse("notices:explanation_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def do_answer_explanation(
    *, acting_user: User, request_id: int, answer: str, uploads: Iterable[Upload] = ()
) -> ExplanationRequest:
    """The unit's written explanation, with files."""
    request = (
        ExplanationRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "objection", "objection__notice")
        .get(pk=request_id)
    )
    if not rules.can_answer_explanation(acting_user, request):
        if request.answered_at is not None:
            raise DomainError("explanation.answered", _("This request has been answered."))
        raise PermissionDenied(
            "explanation.scope", _("Only the unit asked may answer this request.")
        )
    answer = answer.strip()
    if not answer:
        raise DomainError("explanation.answer_required", _("Write the explanation."))
    with _kept_on_success() as stored:
        request.answer = answer[:NOTE_MAX_CHARS]
        request.answered_by = acting_user
        request.answered_at = timezone.now()
        request.save()
        files = [
            _store_upload(
                stored,
                ObjectionFile.Kind.EXPLANATION,
                name,
                stream,
                size,
                objection=request.objection,
                explanation=request,
                uploaded_by=acting_user,
            )
            for name, stream, size in uploads
        ]
        _log_objection(
            request.objection,
            "explanation_answered",
            actor=acting_user,
            data={"request": request.pk, "files": len(files)},
        )
    assignee = request.objection.assigned_to
    if assignee is not None:
        notify(
            [assignee],
            "objection.explanation_answered",
            params={"receipt": request.objection.receipt_number, "unit": request.unit.name},
            url=_objection_url(request.objection),
        )
    return request


@transaction.atomic
def do_conclude_objection(
    *, acting_user: User, objection_id: int, conclusion: str, reasons: str
) -> Objection:
    """Conclude the investigation: unfounded, partly founded or founded, with reasons. While
    the unit's explanation is awaited (before its date), no conclusion is drawn."""
    objection = _lock_objection(objection_id)
    _require_assignee(acting_user, objection)
    if conclusion not in Objection.Conclusion.values:
        raise ValueError(f"unknown conclusion {conclusion!r}")
    reasons = reasons.strip()
    if not reasons:
        raise DomainError("objection.reasons_required", _("Give the reasons for the conclusion."))
    awaited = objection.explanation_requests.filter(
        answered_at__isnull=True, due_on__gte=timezone.localdate()
    )
    if awaited.exists():
        raise DomainError(
            "objection.explanation_pending",
            _("The unit's explanation is awaited until %(date)s.")
            % {"date": awaited.order_by("-due_on").first().due_on.isoformat()},  # type: ignore[union-attr]
        )
    objection.status = OS.CONCLUDED
    objection.conclusion = conclusion
    objection.conclusion_reasons = reasons
    objection.concluded_by = acting_user
    objection.concluded_at = timezone.now()
    objection.save()
    _log_objection(
        objection, "concluded", actor=acting_user, comment=reasons, data={"conclusion": conclusion}
    )
    if conclusion == Objection.Conclusion.FOUNDED:
        notify(
            [u for u in program_officers_of(objection.notice.campaign) if u.pk != acting_user.pk],
            "objection.founded",
            params={
                "receipt": objection.receipt_number,
                "nominee": objection.entry.public_name,
                "notice": objection.notice.title,
            },
            url=_objection_url(objection),
        )
    return objection


@transaction.atomic
def do_reply_to_complainant(*, acting_user: User, objection_id: int, text: str) -> Objection:
    """The reply the complainant reads on their private status page."""
    objection = _lock_objection(objection_id)
    if not rules.can_reply(acting_user, objection):
        _require_handler(acting_user, objection)
        raise DomainError(
            "objection.cannot_reply",
            _("A reply follows the conclusion (or the decision not to admit), once."),
        )
    text = text.strip()
    if not text:
        raise DomainError("objection.reply_required", _("Write the reply."))
    objection.reply = text[:NOTE_MAX_CHARS]
    objection.replied_by = acting_user
    objection.replied_at = timezone.now()
    objection.save(update_fields=["reply", "replied_by", "replied_at"])
    _log_objection(objection, "replied", actor=acting_user)
    return objection


def identity_viewed(acting_user: User, objections: Sequence[Objection], *, where: str) -> None:
    """Audit that `acting_user` saw who filed `objections` (one event per page shown)."""
    if not objections:
        return
    record_event(
        "objection.identity_viewed",
        actor=acting_user,
        obj=objections[0] if len(objections) == 1 else objections[0].notice,
        summary={"page": where, "receipts": [o.receipt_number for o in objections]},
    )


# --- Disqualification and promotion (递补) ------------------------------------------------------


def disqualification_rules(campaign: Campaign) -> dict[str, str]:
    """The rules a disqualification may cite: the notice's own, then the policy's."""
    cited = {code: str(label) for code, label in NOTICE_RULES.items()}
    cited.update(citable_rules(campaign))
    return cited


@transaction.atomic
def do_disqualify_nominee(
    *, acting_user: User, objection_id: int, rule_code: str, reason: str
) -> NoticeEntry:
    """Disqualify the nominee of a founded objection, citing the rule: the nomination is
    disqualified, the entry leaves the public list (marked so on the notice)."""
    objection = _lock_objection(objection_id)
    campaign = objection.notice.campaign
    _require_manager(acting_user, campaign)
    if objection.status != OS.CONCLUDED or objection.conclusion != Objection.Conclusion.FOUNDED:
        raise DomainError(
            "disqualify.not_founded", _("Only a founded objection leads to disqualification.")
        )
    entry = _lock_entry(objection.entry_id)
    if entry.is_disqualified:
        raise DomainError("disqualify.already", _("This nominee has already been disqualified."))
    cited = disqualification_rules(campaign)
    if rule_code not in cited:
        raise DomainError("disqualify.rule_required", _("Cite the rule the nominee breaks."))
    reason = reason.strip()
    if not reason:
        raise DomainError("disqualify.reason_required", _("Give the reason."))
    nomination = Nomination.objects.select_for_update().get(pk=entry.nomination_id)
    if nomination.status not in (N.IN_NOTICE, N.CONFIRMED, N.SELECTED):
        raise DomainError(
            "disqualify.status",
            _("The nomination is %(status)s and cannot be disqualified now.")
            % {"status": nomination.get_status_display()},
        )
    before = nomination.status
    nomination.status = N.DISQUALIFIED
    nomination.save(update_fields=["status", "updated_at"])
    log_nomination(
        nomination,
        "disqualified",
        actor=acting_user,
        org=campaign.issuing_org,
        comment=reason,
        data={"before": before, "rule": rule_code, "objection": objection.receipt_number},
    )
    entry.disqualified_at = timezone.now()
    entry.disqualified_by = acting_user
    entry.disqualification_rule = rule_code
    entry.disqualification_reason = reason
    entry.disqualifying_objection = objection
    entry.save()
    _refresh_public_pages()
    _log_objection(
        objection,
        "nominee_disqualified",
        actor=acting_user,
        comment=reason,
        data={"rule": rule_code, "entry": entry.pk},
    )
    _audit_notice(
        entry.notice,
        "nominee_disqualified",
        acting_user,
        entry=entry.pk,
        nomination=nomination.pk,
        rule=rule_code,
        citation=cited[rule_code],
    )
    notify(
        _preparers_of(nomination),
        "nomination.disqualified",
        params={
            "number": nomination.number,
            "person": nomination.person.name if nomination.person else "",
            "campaign": campaign.name,
            "reason": f"{cited[rule_code]}: {reason}",
        },
        url=reverse("nominations:detail", args=[nomination.pk]),
    )
    return entry


def slot_policy(campaign: Campaign) -> bool:
    """Whether a disqualified nominee's slot is filled (the pinned policy decides)."""
    return bool(campaign.policy_version.promote_on_disqualification)


@transaction.atomic
def do_promote_nominee(
    *, acting_user: User, entry_id: int, starts_on: dt.date | None = None
) -> PublicNotice:
    """Fill a disqualified nominee's slot with the next-ranked nominee (递补), when the policy
    says so: the nominee is selected and a draft notice of their own is made, lasting the
    policy's promotion notice period. The officer approves and schedules it like the main one."""
    from jiangxin.notices.promotion import promotion_candidate

    entry = _lock_entry(entry_id)
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=entry.notice.campaign_id)
    _require_manager(acting_user, campaign)
    if not entry.is_disqualified:
        raise DomainError(
            "promote.not_disqualified", _("Only a disqualified nominee's slot is filled.")
        )
    if not slot_policy(campaign):
        raise DomainError(
            "promote.policy_leaves_empty",
            _("Under the campaign's policy the slot of a disqualified nominee stays empty."),
        )
    if PublicNotice.objects.filter(replaces=entry).exists():
        raise DomainError("promote.done", _("This slot has already been filled."))
    candidate = promotion_candidate(campaign)
    if candidate is None:
        raise DomainError("promote.nobody", _("Nobody is left to promote in this campaign."))
    nomination = Nomination.objects.select_for_update().get(pk=candidate.nomination.pk)
    before = nomination.status
    nomination.status = N.SELECTED
    nomination.save(update_fields=["status", "updated_at"])
    log_nomination(
        nomination,
        "promoted",
        actor=acting_user,
        org=campaign.issuing_org,
        data={"before": before, "replaces": entry.nomination_id, "source": candidate.source},
    )
    days = campaign.policy_version.promotion_notice_working_days
    starts_on = starts_on or first_working_day_from(timezone.localdate() + dt.timedelta(days=1))
    ends_on = period_end(starts_on, days)
    main = entry.notice
    notice = PublicNotice.objects.create(
        campaign=campaign,
        kind=PublicNotice.Kind.PROMOTION,
        replaces=entry,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=days,
        objection_guide=main.objection_guide,
        contact=main.contact,
        created_by=acting_user,
        **{
            k: v
            for k, v in _default_texts(campaign, PublicNotice.Kind.PROMOTION).items()
            if k != "objection_guide"
        },
    )
    _new_entry(notice, nomination, entry.rank)
    _audit_notice(
        notice,
        "promotion_created",
        acting_user,
        replaces=entry.nomination_id,
        promoted=nomination.pk,
        source=candidate.source,
        rank=candidate.rank,
    )
    return notice


# --- Objection handlers (named by the program officer) ---------------------------------------


def do_name_handler(*, acting_user: User, campaign_id: int, user_id: int, active: bool) -> None:
    """Name (or remove) an objection handler of the campaign (programs' staff action)."""
    from jiangxin.programs.actions import do_name_campaign_staff

    do_name_campaign_staff(
        acting_user=acting_user,
        campaign_id=campaign_id,
        user_id=user_id,
        duty=CampaignStaff.Duty.OBJECTION_HANDLER,
        active=active,
    )
