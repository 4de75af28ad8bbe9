"""Every write to nominations: drafting, submission, the endorsement chain, withdrawal and the
format check. Each act locks the nomination, checks its guard (naming the rule that refuses),
writes, records the nomination's own event and the audit event, and notifies after commit.

Lock order, everywhere: the campaign row (when taken), the nomination row, the quota
allocation rows, and only then any write — the audit chain head is taken by the first
`record_event`, so it always comes last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core import calendar
from jiangxin.core.audit import record_event
from jiangxin.core.calendar import CalendarUnknownError
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.nominations import chain, eligibility, quota, rules
from jiangxin.nominations.checks import FORMAT_RULES, completeness_problems
from jiangxin.nominations.models import (
    ALL_NOTICE_FIELDS,
    EndorsementStep,
    Evidence,
    FormatCheck,
    Nomination,
    NominationEvent,
    Statement,
)
from jiangxin.notifications.actions import notify
from jiangxin.orgs.models import Organization
from jiangxin.people import rules as people_rules
from jiangxin.people.models import Attachment, Person
from jiangxin.programs.models import Campaign, CampaignStaff, Tier

if TYPE_CHECKING:
    from jiangxin.programs.models import Dimension

S = Nomination.Status
TIER_LETTER = {Tier.NATIONAL: "N", Tier.PROVINCIAL: "P", Tier.MUNICIPAL: "M"}


class SubmissionBlocked(DomainError):
    """Submission refused; `problems` lists every reason (completeness and eligibility)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(
            problems[0][0],
            _("The nomination cannot be submitted yet: %(first)s") % {"first": problems[0][1]},
        )
        self.problems = problems


# --- Helpers ----------------------------------------------------------------------------------


def _lock(nomination_id: int) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related(
            "campaign", "campaign__policy_version", "campaign__issuing_org", "nominating_unit"
        )
        .get(pk=nomination_id)
    )


def _log(
    nomination: Nomination,
    action: str,
    *,
    actor: User | None,
    org: Organization | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The nomination's timeline entry and the audit event, for one act."""
    NominationEvent.objects.create(
        nomination=nomination,
        action=action,
        actor=actor,
        organization=org,
        comment=comment,
        data=data or {},
    )
    record_event(
        f"nomination.{action}",
        actor=actor,
        obj=nomination,
        acting_org=org,
        summary={"status": nomination.status, "comment": comment, **(data or {})},
    )


def _url(nomination: Nomination) -> str:
    return reverse("nominations:detail", args=[nomination.pk])


def _params(nomination: Nomination, **extra: Any) -> dict[str, Any]:
    return {
        "number": nomination.number,
        "person": nomination.person.name if nomination.person else "",
        "campaign": nomination.campaign.name,
        "unit": nomination.nominating_unit.name,
        **extra,
    }


def _officers_at(org_id: int, roles: Iterable[str] = rules.ENDORSER_ROLES) -> list[User]:
    return [
        g.user
        for g in RoleGrant.objects.filter(
            organization_id=org_id, role__in=list(roles), revoked_at__isnull=True
        ).select_related("user")
    ]


def _preparers_of(nomination: Nomination) -> list[User]:
    """The unit's clerks and whoever created the nomination."""
    unit = nomination.nominating_unit
    users = [
        g.user
        for g in RoleGrant.objects.filter(
            organization__in=[unit, *Organization.objects.get_children(unit)],
            role=Role.UNIT_CLERK,
            revoked_at__isnull=True,
        ).select_related("user")
    ]
    if nomination.created_by_id:
        users.append(nomination.created_by)  # type: ignore[arg-type]
    return users


def _format_check_staff(campaign: Campaign) -> list[User]:
    users = _officers_at(campaign.issuing_org_id, (Role.PROGRAM_OFFICER,))
    users += [
        s.user
        for s in CampaignStaff.objects.filter(
            campaign=campaign, duty=CampaignStaff.Duty.FORMAT_CHECK
        ).select_related("user")
    ]
    return users


def _notify_next(nomination: Nomination, level: Organization | None) -> None:
    """Tell whoever acts next: the officers of `level`, or (None) the format check staff."""
    if level is not None:
        recipients = _officers_at(level.pk)
        kind = "nomination.awaiting_endorsement"
    else:
        recipients = _format_check_staff(nomination.campaign)
        kind = "nomination.endorsed_to_campaign"
    notify(recipients, kind, params=_params(nomination), url=_url(nomination))


def _require_editable(nomination: Nomination, acting_user: User) -> None:
    if not rules.can_prepare_at(acting_user, nomination.nominating_unit):
        raise PermissionDenied(
            "nomination.prepare_scope", _("This nomination belongs to another unit.")
        )
    if not rules.can_edit_nomination(acting_user, nomination):
        if rules.is_held_by_unit(nomination):
            raise DomainError(
                "nomination.recommendation_closed",
                _(
                    "Recommendation is closed in this campaign; the nomination can no longer "
                    "change."
                ),
            )
        raise DomainError(
            "nomination.not_editable",
            _("The nomination is with %(org)s and cannot be changed now.")
            % {"org": nomination.current_level.name if nomination.current_level else "-"},
        )


# --- Drafting ---------------------------------------------------------------------------------


@transaction.atomic
def do_start_nomination(
    *, acting_user: User, campaign_id: int, nominating_unit_id: int
) -> Nomination:
    """Open a draft for a unit in a campaign whose recommendation is open."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign_id)
    )
    unit = Organization.objects.get(pk=nominating_unit_id)
    if not rules.can_prepare_at(acting_user, unit):
        raise PermissionDenied(
            "nomination.prepare_scope", _("You may only nominate for units in your own scope.")
        )
    if not rules.is_recommendation_open(campaign):
        raise DomainError(
            "nomination.recommendation_closed",
            _("Recommendation is not open in this campaign (%(opens)s – %(closes)s).")
            % {
                "opens": campaign.recommendation_opens.isoformat(),
                "closes": campaign.recommendation_closes.isoformat(),
            },
        )
    if (
        not chain.in_campaign_area(campaign, unit)
        or chain.recommending_allocation(campaign, unit) is None
    ):
        raise DomainError(
            "nomination.no_quota",
            _("%(unit)s has no quota in %(campaign)s.")
            % {"unit": unit.name, "campaign": campaign.name},
        )
    number = (
        f"{campaign.year}-{TIER_LETTER[Tier(campaign.tier)]}{campaign.pk:03d}"
        f"-{campaign.next_number:05d}"
    )
    campaign.next_number += 1
    campaign.save(update_fields=["next_number", "updated_at"])
    nomination = Nomination.objects.create(
        campaign=campaign,
        number=number,
        nominating_unit=unit,
        created_by=acting_user,
    )
    _log(nomination, "started", actor=acting_user, org=unit)
    return nomination


@transaction.atomic
def do_save_draft_input(
    *, acting_user: User, nomination_id: int, step: str, data: dict[str, Any]
) -> Nomination:
    """Keep what was typed on a step, valid or not (autosave, and input with errors), so that
    nothing is ever lost. Personal numbers are never kept here: the profile stores them
    encrypted."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    if step not in Nomination.Step.values:
        raise ValueError(f"unknown step {step!r}")
    clean = {
        k: v
        for k, v in data.items()
        if k not in {"csrfmiddlewaretoken", "id_number", "phone"} and isinstance(v, str | list)
    }
    drafts = dict(nomination.draft_data)
    drafts[step] = clean
    nomination.draft_data = drafts
    nomination.save(update_fields=["draft_data", "updated_at"])
    return nomination


def _clear_draft_input(nomination: Nomination, step: str) -> None:
    if step in nomination.draft_data:
        drafts = dict(nomination.draft_data)
        drafts.pop(step)
        nomination.draft_data = drafts


def _advance(nomination: Nomination, step: str) -> None:
    order = list(Nomination.Step.values)
    nxt = order[min(order.index(step) + 1, len(order) - 1)]
    if order.index(nxt) > order.index(nomination.furthest_step):
        nomination.furthest_step = nxt


@transaction.atomic
def do_set_person(*, acting_user: User, nomination_id: int, person_id: int) -> Nomination:
    """Name the person nominated (a profile the user keeps). One person, one nomination per
    campaign."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    person = Person.objects.select_related("employer", "union").get(pk=person_id)
    if not people_rules.can_edit_person(acting_user, person):
        raise PermissionDenied("people.edit_scope", _("This person is outside your scope."))
    if not (
        person.employer.path.startswith(nomination.nominating_unit.path)
        or nomination.nominating_unit.path.startswith(person.employer.path)
    ):
        raise DomainError(
            "nomination.person_elsewhere",
            _("%(person)s does not work for %(unit)s.")
            % {"person": person.name, "unit": nomination.nominating_unit.name},
        )
    before = nomination.person_id
    nomination.person = person
    _clear_draft_input(nomination, Nomination.Step.PERSON)
    _advance(nomination, Nomination.Step.PERSON)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        raise DomainError(
            "nomination.duplicate_person",
            _("%(person)s is already nominated in this campaign.") % {"person": person.name},
        ) from exc
    if before != person.pk:
        _log(nomination, "person_set", actor=acting_user, data={"person": person.pk})
    return nomination


@transaction.atomic
def do_clear_person(*, acting_user: User, nomination_id: int) -> Nomination:
    """Nominate someone else: the draft forgets its person (the profile stays as it is)."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    if nomination.status != S.DRAFT:
        raise DomainError(
            "nomination.person_fixed",
            _("The person of a submitted nomination cannot change; withdraw it instead."),
        )
    before = nomination.person_id
    if before is None:
        return nomination
    nomination.person = None
    nomination.save(update_fields=["person", "updated_at"])
    nomination.evidence.all().delete()
    _log(nomination, "person_cleared", actor=acting_user, data={"person": before})
    return nomination


@transaction.atomic
def do_complete_person_step(*, acting_user: User, nomination_id: int) -> Nomination:
    """Move past the person step (the profile itself was saved by the people actions)."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    _advance(nomination, Nomination.Step.PERSON)
    nomination.save(update_fields=["furthest_step", "updated_at"])
    return nomination


@transaction.atomic
def do_complete_record_step(*, acting_user: User, nomination_id: int) -> Nomination:
    """Move past the record step (the record itself is saved row by row on the profile)."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    _advance(nomination, Nomination.Step.RECORD)
    nomination.save(update_fields=["furthest_step", "updated_at"])
    return nomination


@transaction.atomic
def do_save_statements(
    *, acting_user: User, nomination_id: int, texts: dict[int, str]
) -> Nomination:
    """Save the statements (by dimension id). Lengths are checked by the form and again at
    submission; a too-long text never reaches here (it stays in the draft input)."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    dimensions: dict[int, Dimension] = {
        d.pk: d for d in nomination.campaign.policy_version.dimensions.all()
    }
    for dimension_id, text in texts.items():
        if dimension_id not in dimensions:
            raise DomainError(
                "nomination.unknown_dimension",
                _("This dimension is not part of the campaign's policy."),
            )
        Statement.objects.update_or_create(
            nomination=nomination, dimension_id=dimension_id, defaults={"text": text.strip()}
        )
    _clear_draft_input(nomination, Nomination.Step.STATEMENTS)
    _advance(nomination, Nomination.Step.STATEMENTS)
    nomination.save()
    _log(
        nomination,
        "statements_saved",
        actor=acting_user,
        data={"dimensions": sorted(dimensions[d].code for d in texts)},
    )
    return nomination


@transaction.atomic
def do_add_evidence(
    *,
    acting_user: User,
    nomination_id: int,
    attachment_id: int,
    dimension_id: int | None,
    caption: str = "",
) -> Evidence:
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    attachment = Attachment.objects.get(pk=attachment_id)
    if attachment.person_id != nomination.person_id:
        raise DomainError(
            "nomination.evidence_other_person",
            _("Evidence must be a file of the nominated person's record."),
        )
    if (
        dimension_id is not None
        and not nomination.campaign.policy_version.dimensions.filter(pk=dimension_id).exists()
    ):
        raise DomainError(
            "nomination.unknown_dimension",
            _("This dimension is not part of the campaign's policy."),
        )
    evidence, created = Evidence.objects.get_or_create(
        nomination=nomination,
        attachment=attachment,
        dimension_id=dimension_id,
        defaults={"caption": caption.strip()[:200]},
    )
    if not created and caption.strip():
        evidence.caption = caption.strip()[:200]
        evidence.save(update_fields=["caption"])
    _log(
        nomination,
        "evidence_added",
        actor=acting_user,
        data={"attachment": attachment.pk, "dimension": dimension_id},
    )
    return evidence


@transaction.atomic
def do_remove_evidence(*, acting_user: User, nomination_id: int, evidence_id: int) -> None:
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    evidence = Evidence.objects.get(pk=evidence_id, nomination=nomination)
    data = {"attachment": evidence.attachment_id, "dimension": evidence.dimension_id}
    evidence.delete()
    _log(nomination, "evidence_removed", actor=acting_user, data=data)


@transaction.atomic
def do_complete_evidence_step(*, acting_user: User, nomination_id: int) -> Nomination:
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    _advance(nomination, Nomination.Step.EVIDENCE)
    nomination.save(update_fields=["furthest_step", "updated_at"])
    return nomination


OPINION_FIELDS = (
    "deeds_summary",
    "unit_opinion",
    "attestation_text",
    "attestation_signer",
    "attestation_date",
    "consent_given",
    "consent_date",
    "consent_fields",
)


@transaction.atomic
def do_save_opinion(*, acting_user: User, nomination_id: int, values: dict[str, Any]) -> Nomination:
    """Save the unit's part: the deeds summary, its opinion, the attestation and the consent.

    `consent_fields` lists the notice fields (`NoticeField` codes) the person agreed to
    publish; given `consent_given` without it, the consent covers every field (the one box
    of the paper form). Without consent no field is published.
    """
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    unknown = set(values) - set(OPINION_FIELDS)
    if unknown:
        raise ValueError(f"not opinion fields: {sorted(unknown)}")
    for name, value in values.items():
        if name == "consent_fields":
            continue
        setattr(nomination, name, value.strip() if isinstance(value, str) else value)
    if "consent_fields" in values:
        chosen = set(values["consent_fields"] or ())
        if chosen - set(ALL_NOTICE_FIELDS):
            raise ValueError(f"not notice fields: {sorted(chosen - set(ALL_NOTICE_FIELDS))}")
        nomination.consent_fields = [code for code in ALL_NOTICE_FIELDS if code in chosen]
    elif "consent_given" in values:
        nomination.consent_fields = list(ALL_NOTICE_FIELDS) if nomination.consent_given else []
    if not nomination.consent_given:
        nomination.consent_fields = []
    today = timezone.localdate()
    for name in ("attestation_date", "consent_date"):
        value = getattr(nomination, name)
        if value is not None and value > today:
            raise DomainError(
                "nomination.future_date", _("A signature cannot be dated in the future.")
            )
    _clear_draft_input(nomination, Nomination.Step.OPINION)
    _advance(nomination, Nomination.Step.OPINION)
    nomination.save()
    _log(
        nomination,
        "opinion_saved",
        actor=acting_user,
        data={
            "consent": nomination.consent_given,
            "consent_fields": nomination.consent_fields,
            "attested": bool(nomination.attestation_date),
        },
    )
    return nomination


def submission_problems(
    nomination: Nomination,
) -> tuple[list[tuple[str, str]], list[eligibility.Verdict]]:
    """Everything that blocks submission (code, message), and the eligibility verdicts."""
    verdicts = eligibility.evaluate(nomination)
    problems = [(p.code, p.message) for p in completeness_problems(nomination)]
    for verdict in verdicts:
        if verdict.blocks:
            problems.append((f"eligibility.{verdict.rule}", verdict.reason))
    return problems, verdicts


# --- Submission and the chain -----------------------------------------------------------------


@transaction.atomic
def do_submit_nomination(*, acting_user: User, nomination_id: int) -> Nomination:
    """Put the nomination forward: up the endorsement chain, or — after a format-check
    return — straight back to the format check."""
    nomination = _lock(nomination_id)
    _require_editable(nomination, acting_user)
    campaign = nomination.campaign
    problems, verdicts = submission_problems(nomination)
    if problems:
        raise SubmissionBlocked(problems)
    now = timezone.now()
    if rules.is_correctable(nomination):
        # The chain already endorsed it: a correction goes back to the format check only.
        nomination.status = S.ENDORSED
        nomination.eligibility = [v.as_dict() for v in verdicts]
        nomination.eligibility_checked_at = now
        nomination.submitted_at = now
        nomination.save()
        _log(nomination, "resubmitted", actor=acting_user, org=nomination.nominating_unit)
        _notify_next(nomination, None)
        return nomination

    levels = chain.endorsing_levels(campaign, nomination.nominating_unit)
    upper = levels[0] if levels else campaign.issuing_org
    quota.lock_and_check(
        campaign,
        chain.path_between(nomination.nominating_unit, nomination.nominating_unit, upper),
        nomination_id=nomination.pk,
    )
    nomination.chain_round += 1
    EndorsementStep.objects.bulk_create(
        EndorsementStep(
            nomination=nomination,
            round=nomination.chain_round,
            position=i,
            organization=org,
            status=EndorsementStep.Status.PENDING if i == 0 else EndorsementStep.Status.WAITING,
        )
        for i, org in enumerate(levels)
    )
    nomination.status = S.SUBMITTED if levels else S.ENDORSED
    nomination.current_level = upper
    nomination.returned_by = None
    nomination.return_stage = ""
    nomination.eligibility = [v.as_dict() for v in verdicts]
    nomination.eligibility_checked_at = now
    nomination.submitted_at = now
    nomination.save()
    _log(
        nomination,
        "submitted",
        actor=acting_user,
        org=nomination.nominating_unit,
        data={"round": nomination.chain_round, "levels": [o.pk for o in levels]},
    )
    _notify_next(nomination, upper if levels else None)
    return nomination


def _current_step(nomination: Nomination) -> EndorsementStep:
    """The pending step at the current level (caller checked `_require_endorser`)."""
    return EndorsementStep.objects.select_for_update().get(
        nomination=nomination,
        round=nomination.chain_round,
        organization=nomination.current_level,
        status=EndorsementStep.Status.PENDING,
    )


def _act_on(step: EndorsementStep, status: str, text: str, acting_user: User) -> None:
    step.status = status
    step.opinion = text.strip()
    step.acted_by = acting_user
    step.acted_at = timezone.now()
    step.save()


def _require_endorser(nomination: Nomination, acting_user: User) -> None:
    if not rules.holds_on(acting_user, nomination.current_level_id, rules.ENDORSER_ROLES):
        raise PermissionDenied(
            "nomination.endorse_level",
            _("Only officers of %(org)s act on this nomination now.")
            % {"org": nomination.current_level.name if nomination.current_level else "-"},
        )
    if nomination.status != S.SUBMITTED:
        raise DomainError(
            "nomination.not_awaiting_endorsement",
            _("This nomination is not awaiting endorsement (it is %(status)s).")
            % {"status": nomination.get_status_display()},
        )
    if nomination.campaign.status != Campaign.Status.DEPLOYED:
        raise DomainError(
            "nomination.recommendation_closed",
            _("Recommendation is closed in this campaign; endorsements are no longer possible."),
        )


@transaction.atomic
def do_endorse_nomination(*, acting_user: User, nomination_id: int, opinion: str) -> Nomination:
    """Approve at the current level and pass the nomination to the next one (or to the
    campaign), within the quota of every organization it passes."""
    nomination = _lock(nomination_id)
    _require_endorser(nomination, acting_user)
    if not opinion.strip():
        raise DomainError("nomination.opinion_required", _("Write the endorsement opinion."))
    campaign = nomination.campaign
    level = nomination.current_level
    if level is None:  # a submitted nomination is always with a level
        raise DomainError(
            "nomination.not_awaiting_endorsement", _("This nomination is not awaiting endorsement.")
        )
    step = _current_step(nomination)
    following = (
        EndorsementStep.objects.select_for_update()
        .filter(
            nomination=nomination,
            round=nomination.chain_round,
            position__gt=step.position,
            status=EndorsementStep.Status.WAITING,
        )
        .select_related("organization")
        .order_by("position")
        .first()
    )
    upper = following.organization if following else campaign.issuing_org
    quota.lock_and_check(
        campaign,
        chain.path_between(nomination.nominating_unit, level, upper),
        nomination_id=nomination.pk,
    )
    _act_on(step, EndorsementStep.Status.APPROVED, opinion, acting_user)
    if following:
        following.status = EndorsementStep.Status.PENDING
        following.save(update_fields=["status"])
    else:
        nomination.status = S.ENDORSED
    nomination.current_level = upper
    nomination.save()
    _log(nomination, "endorsed", actor=acting_user, org=level, comment=step.opinion)
    _notify_next(nomination, upper if following else None)
    return nomination


@transaction.atomic
def do_return_nomination(*, acting_user: User, nomination_id: int, comment: str) -> Nomination:
    """Send the nomination back to its unit with comments; a new submission starts the chain
    again from the bottom, so every level sees the corrected version."""
    nomination = _lock(nomination_id)
    _require_endorser(nomination, acting_user)
    if not comment.strip():
        raise DomainError("nomination.comment_required", _("Say what must be corrected."))
    level = nomination.current_level
    step = _current_step(nomination)
    _act_on(step, EndorsementStep.Status.RETURNED, comment, acting_user)
    EndorsementStep.objects.filter(
        nomination=nomination,
        round=nomination.chain_round,
        status__in=[EndorsementStep.Status.WAITING],
    ).update(status=EndorsementStep.Status.SUPERSEDED)
    nomination.status = S.RETURNED
    nomination.return_stage = Nomination.ReturnStage.CHAIN
    nomination.returned_by = level
    nomination.return_comment = comment.strip()
    nomination.return_deadline = None
    nomination.current_level = None
    nomination.save()
    _log(nomination, "returned", actor=acting_user, org=level, comment=comment.strip())
    notify(
        _preparers_of(nomination),
        "nomination.returned",
        params=_params(nomination, org=level.name if level else "", comment=comment.strip()),
        url=_url(nomination),
    )
    return nomination


@transaction.atomic
def do_withdraw_nomination(*, acting_user: User, nomination_id: int, reason: str) -> Nomination:
    """Withdraw before the expert review, with a reason. It frees its quota slots."""
    nomination = _lock(nomination_id)
    if not rules.can_withdraw_nomination(acting_user, nomination):
        if nomination.status not in rules.WITHDRAWABLE:
            raise DomainError(
                "nomination.not_withdrawable",
                _("A nomination can only be withdrawn before the expert review."),
            )
        raise PermissionDenied(
            "nomination.withdraw_scope", _("You may not withdraw this nomination.")
        )
    if not reason.strip():
        raise DomainError("nomination.reason_required", _("Give the reason for withdrawing."))
    before = nomination.status
    EndorsementStep.objects.filter(
        nomination=nomination,
        round=nomination.chain_round,
        status__in=[EndorsementStep.Status.WAITING, EndorsementStep.Status.PENDING],
    ).update(status=EndorsementStep.Status.SUPERSEDED)
    nomination.status = S.WITHDRAWN
    nomination.withdrawal_reason = reason.strip()
    nomination.current_level = None
    nomination.save()
    _log(
        nomination,
        "withdrawn",
        actor=acting_user,
        comment=reason.strip(),
        data={"before": before},
    )
    if before != S.DRAFT:
        notify(
            {*_preparers_of(nomination), *_format_check_staff(nomination.campaign)} - {acting_user},
            "nomination.withdrawn",
            params=_params(nomination, reason=reason.strip()),
            url=_url(nomination),
        )
    return nomination


# --- Format check (形审) ------------------------------------------------------------------------


CHECKLIST = ("complete", "attachments_legible", "attestation_present", "eligibility_confirmed")


def citable_rules(campaign: Campaign) -> dict[str, str]:
    """The rules a format-check decision may cite: the policy's eligibility rules and the
    format rules, code → label."""
    cited = {
        f"eligibility.{r.code}": r.citation
        for r in campaign.policy_version.rules.order_by("order")
        if r.applies_to(campaign.tier)
    }
    cited.update({code: str(label) for code, label in FORMAT_RULES.items()})
    return cited


def _open_check(nomination: Nomination) -> FormatCheck:
    check = (
        FormatCheck.objects.select_for_update()
        .filter(nomination=nomination, decided_at__isnull=True)
        .order_by("-round")
        .first()
    )
    if check is None:
        last = nomination.format_checks.order_by("-round").values_list("round", flat=True).first()
        check = FormatCheck.objects.create(nomination=nomination, round=(last or 0) + 1)
    return check


@transaction.atomic
def do_save_format_checklist(
    *, acting_user: User, nomination_id: int, checklist: dict[str, bool], notes: str = ""
) -> FormatCheck:
    """Keep the checklist ticked so far (a decision comes later)."""
    nomination = _lock(nomination_id)
    if not rules.can_decide_format_check(acting_user, nomination):
        raise PermissionDenied("format_check.scope", _("You may not check this nomination now."))
    check = _open_check(nomination)
    for name in CHECKLIST:
        if name in checklist:
            setattr(check, name, bool(checklist[name]))
    check.notes = notes.strip()
    check.save()
    return check


@transaction.atomic
def do_decide_format_check(
    *,
    acting_user: User,
    nomination_id: int,
    decision: str,
    checklist: dict[str, bool],
    notes: str = "",
    rule_code: str = "",
    reason: str = "",
    return_deadline: dt.date | None = None,
) -> Nomination:
    """Accept, return for correction by a deadline, or reject with the rule cited."""
    nomination = _lock(nomination_id)
    campaign = nomination.campaign
    if not rules.can_run_format_check(acting_user, campaign):
        raise PermissionDenied("format_check.scope", _("You may not check this nomination."))
    if campaign.status != Campaign.Status.FORMAT_CHECK:
        raise DomainError(
            "format_check.closed", _("The format check is not open in this campaign.")
        )
    if nomination.status != S.ENDORSED:
        raise DomainError(
            "format_check.not_pending",
            _("This nomination is not waiting for the format check (it is %(status)s).")
            % {"status": nomination.get_status_display()},
        )
    D = FormatCheck.Decision
    if decision not in D.values:
        raise ValueError(f"unknown decision {decision!r}")
    check = _open_check(nomination)
    for name in CHECKLIST:
        setattr(check, name, bool(checklist.get(name, False)))
    check.notes = notes.strip()
    reason = reason.strip()
    if decision == D.ACCEPT:
        missing = [name for name in CHECKLIST if not getattr(check, name)]
        if missing:
            raise DomainError(
                "format_check.checklist",
                _("Tick every item of the checklist before accepting."),
            )
    else:
        if rule_code not in citable_rules(campaign):
            raise DomainError(
                "format_check.rule_required", _("Cite the rule the nomination does not meet.")
            )
        if not reason:
            raise DomainError("format_check.reason_required", _("Give the reason."))
    if decision == D.RETURN:
        today = timezone.localdate()
        if return_deadline is None or return_deadline <= today:
            raise DomainError("format_check.deadline", _("Set a correction deadline after today."))
        if return_deadline > campaign.format_check_ends:
            raise DomainError(
                "format_check.deadline_after_phase",
                _("The correction deadline cannot be after the format check ends (%(end)s).")
                % {"end": campaign.format_check_ends.isoformat()},
            )
        try:
            working = calendar.is_working_day(return_deadline)
        except CalendarUnknownError as exc:
            raise DomainError(exc.rule, exc.message) from exc
        if not working:
            raise DomainError(
                "format_check.deadline_not_working_day",
                _("%(date)s is not a working day.") % {"date": return_deadline.isoformat()},
            )
    check.decision = decision
    check.rule_code = rule_code if decision != D.ACCEPT else ""
    check.reason = reason
    check.return_deadline = return_deadline if decision == D.RETURN else None
    check.decided_by = acting_user
    check.decided_at = timezone.now()
    check.save()
    nomination.decided_at = check.decided_at
    params = _params(nomination)
    if decision == D.ACCEPT:
        nomination.status = S.ACCEPTED
        kind = "nomination.accepted"
    elif decision == D.RETURN:
        nomination.status = S.RETURNED
        nomination.return_stage = Nomination.ReturnStage.FORMAT_CHECK
        nomination.returned_by = campaign.issuing_org
        nomination.return_comment = reason
        nomination.return_deadline = return_deadline
        kind = "nomination.format_check_returned"
        params.update(deadline=return_deadline.isoformat(), comment=reason)  # type: ignore[union-attr]
    else:
        nomination.status = S.REJECTED
        kind = "nomination.rejected"
        params.update(reason=f"{citable_rules(campaign)[rule_code]}: {reason}")
    nomination.save()
    _log(
        nomination,
        f"format_check_{decision}",
        actor=acting_user,
        org=campaign.issuing_org,
        comment=reason,
        data={"round": check.round, "rule": check.rule_code},
    )
    recipients = _preparers_of(nomination)
    for step in nomination.steps.filter(round=nomination.chain_round).select_related(
        "organization"
    ):
        recipients += _officers_at(step.organization_id)
    notify(recipients, kind, params=params, url=_url(nomination))
    return nomination


def format_check_progress(campaign: Campaign) -> dict[str, int]:
    """Counts of the nominations that reached the campaign, by format-check state."""
    qs = Nomination.objects.filter(campaign=campaign)
    return {
        "pending": qs.filter(status=S.ENDORSED).count(),
        "returned": qs.filter(
            status=S.RETURNED, return_stage=Nomination.ReturnStage.FORMAT_CHECK
        ).count(),
        "accepted": qs.filter(status=S.ACCEPTED).count(),
        "rejected": qs.filter(status=S.REJECTED).count(),
    }


@transaction.atomic
def do_close_format_check(*, acting_user: User, campaign_id: int) -> Campaign:
    """Close the format check once every nomination that reached the campaign is decided; the
    accepted ones go to the expert review."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    from jiangxin.programs import rules as program_rules

    if not program_rules.can_manage_campaign(acting_user, campaign):
        raise PermissionDenied(
            "campaign.manage",
            _("Only a program officer of the issuing organization manages this campaign."),
        )
    if campaign.status != Campaign.Status.FORMAT_CHECK:
        raise DomainError(
            "format_check.closed", _("The format check is not open in this campaign.")
        )
    undecided = Nomination.objects.filter(campaign=campaign).filter(
        Q(status=S.ENDORSED)
        | Q(status=S.RETURNED, return_stage=Nomination.ReturnStage.FORMAT_CHECK)
    )
    count = undecided.count()
    if count:
        raise DomainError(
            "format_check.undecided",
            _(
                "%(count)s nomination(s) still await a format-check decision (returned ones "
                "must be decided once corrected, or rejected after their deadline)."
            )
            % {"count": count},
        )
    progress = format_check_progress(campaign)
    campaign.status = Campaign.Status.ONLINE_REVIEW
    campaign.save(update_fields=["status", "updated_at"])
    record_event(
        "campaign.format_check_closed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"after": {"status": campaign.status}, **progress},
    )
    return campaign


@transaction.atomic
def do_reject_overdue_return(*, acting_user: User, nomination_id: int) -> Nomination:
    """Reject a format-check return whose correction deadline passed without a resubmission."""
    nomination = _lock(nomination_id)
    campaign = nomination.campaign
    if not rules.can_run_format_check(acting_user, campaign):
        raise PermissionDenied("format_check.scope", _("You may not check this nomination."))
    if not (
        nomination.status == S.RETURNED
        and nomination.return_stage == Nomination.ReturnStage.FORMAT_CHECK
        and nomination.return_deadline is not None
        and nomination.return_deadline < timezone.localdate()
    ):
        raise DomainError(
            "format_check.not_overdue",
            _(
                "Only a returned nomination whose correction deadline has passed can be "
                "rejected so."
            ),
        )
    nomination.status = S.REJECTED
    nomination.decided_at = timezone.now()
    nomination.save()
    last = nomination.format_checks.order_by("-round").values_list("round", flat=True).first()
    FormatCheck.objects.create(
        nomination=nomination,
        round=(last or 0) + 1,
        decision=FormatCheck.Decision.REJECT,
        rule_code="format.incomplete",
        reason=str(
            _("Not corrected by the deadline %(date)s.")
            % {"date": nomination.return_deadline.isoformat()}
        ),
        decided_by=acting_user,
        decided_at=nomination.decided_at,
    )
    _log(
        nomination,
        "format_check_reject",
        actor=acting_user,
        org=campaign.issuing_org,
        data={"overdue": True},
    )
    notify(
        _preparers_of(nomination),
        "nomination.rejected",
        params=_params(nomination, reason=str(_("not corrected by the deadline"))),
        url=_url(nomination),
    )
    return nomination
