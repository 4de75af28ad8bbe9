"""The panel meeting (会评): shortlist, members and presence, recusals, votes, results computed
from the votes, minutes and the close. Every write is an action here; the results are never
typed in, only computed (`compute_results`) and frozen at the close.

The rules (the panel page shows them too):

- **Shortlist.** The quota is the campaign's target. The shortlist takes the first
  ceil(target × the policy's shortlist ratio) nominations of the online-review ranking
  (`calibration.campaign_ranking`), fewer if fewer were reviewed. The officer may add a
  *flagged* case from outside the cut — the experts disagreed, or it is tied or nearly tied
  in the ranking — with a reason.
- **Members** are experts of the issuing organization's pool and program officers of the
  issuing organization. Presence is recorded when the meeting opens. **Quorum**: the meeting
  opens, and closes, only with at least two thirds of its members present and never fewer
  than three (the policy has no quorum setting; this is the customary rule for review
  panels, 须三分之二以上委员出席).
- **Recusals.** A member who is an expert with a recorded conflict of interest on a nominee
  is recused from that nominee automatically (the conflict's reason is copied); any member
  may also declare a recusal at the meeting, with a reason.
- **Votes.** One vote per member present and not recused, per nominee: agree, disagree or
  abstain. Recording a vote again before the close replaces it (audited).
- **Pass threshold** (copied from the policy when the meeting is set up, e.g. 2/3): the
  *members voting* on a nominee are the members present minus those recused for that
  nominee; abstentions count as voting and not agreeing. A nominee passes when
  agree ≥ ceil(threshold × members voting) — 2/3 of 9 needs 6, of 8 needs 6, of 7 needs 5.
- **Tie-break** when more pass than the quota, in order: more agree votes; then the better
  calibrated online-review score (z, compared to 2 decimals, the precision at which the
  ranking calls a tie); if nominees are still equal across the last place within the quota,
  a **run-off**: the members voting on each tied nominee vote again (agree / disagree /
  abstain) on the tied nominees only, more agree votes first, repeated until the last place
  is decided. The meeting cannot close while a run-off is pending. Nominees equal on every
  key but not straddling the quota line keep the ranking's order (it does not matter who
  of them is listed first).
- **Close**: every nominee discussed and voted, no run-off pending, quorum present, minutes
  written. The results are frozen into the shortlist entries and the campaign moves to the
  final approval.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.programs.models import Campaign
from jiangxin.reviews import calibration, rules
from jiangxin.reviews.models import (
    Conflict,
    ExpertProfile,
    PanelMeeting,
    PanelMember,
    Recusal,
    ShortlistEntry,
    Vote,
)

if TYPE_CHECKING:
    import datetime as dt

    from jiangxin.core.dashboard import Stat
    from jiangxin.orgs.models import Organization

#: Quorum: this share of the members must be present, and never fewer than QUORUM_MIN.
QUORUM_NUMERATOR, QUORUM_DENOMINATOR, QUORUM_MIN = 2, 3, 3

MS = PanelMeeting.Status
VC = Vote.Choice
NS = Nomination.Status


# --- Pure computation -------------------------------------------------------------------------


def required_agrees(voters: int, numerator: int, denominator: int) -> int:
    """Agree votes needed to pass: ceil(numerator / denominator × voters), at least one."""
    return max(1, -(-numerator * voters // denominator))


def quorum(members: int) -> int:
    """Members who must be present for the meeting to open and close."""
    return max(min(QUORUM_MIN, members), -(-QUORUM_NUMERATOR * members // QUORUM_DENOMINATOR))


@dataclass(frozen=True)
class EntryInput:
    """What the computation needs of one shortlisted nominee."""

    entry_id: int
    rank: int
    z: float
    #: Members voting on this nominee: present and not recused.
    voters: frozenset[int]
    #: member id → choice, the vote on the nominee (round 0).
    votes: Mapping[int, str] = field(default_factory=dict)
    #: round (1, 2, …) → member id → choice, the run-off votes.
    runoff_votes: Mapping[int, Mapping[int, str]] = field(default_factory=dict)


@dataclass
class EntryOutcome:
    entry_id: int
    rank: int
    z: float
    voters: int
    required: int
    agree: int = 0
    disagree: int = 0
    abstain: int = 0
    #: Members voting who have not voted yet.
    missing: int = 0
    #: None while votes are missing.
    passed: bool | None = None
    #: Agree votes in each run-off round that counted (1, 2, …).
    runoff: list[int] = field(default_factory=list)
    #: Place in the tie-break order among the passed (1 = first), once every vote is in.
    position: int | None = None
    within_quota: bool = False
    #: In the run-off now open.
    in_runoff: bool = False


@dataclass
class PanelResults:
    outcomes: list[EntryOutcome]
    quota: int
    #: Every nominee has every vote of its members voting.
    complete: bool
    #: The run-off round now open (0: none is needed), its nominees and the places they share.
    runoff_round: int = 0
    runoff_entries: list[int] = field(default_factory=list)
    runoff_slots: int = 0

    @property
    def by_entry(self) -> dict[int, EntryOutcome]:
        return {o.entry_id: o for o in self.outcomes}

    @property
    def passed(self) -> list[EntryOutcome]:
        """The passed nominees in the tie-break order (empty until every vote is in)."""
        return sorted(
            (o for o in self.outcomes if o.passed and o.position is not None),
            key=lambda o: o.position or 0,
        )

    @property
    def approved(self) -> list[EntryOutcome]:
        """The passed nominees within the quota, in order (never more than the quota)."""
        return [o for o in self.passed if o.within_quota]

    @property
    def runoff_pending(self) -> bool:
        return self.runoff_round > 0


def _count(votes: Mapping[int, str], voters: frozenset[int]) -> tuple[int, int, int, int]:
    counted = {m: c for m, c in votes.items() if m in voters}
    agree = sum(1 for c in counted.values() if c == VC.AGREE)
    disagree = sum(1 for c in counted.values() if c == VC.DISAGREE)
    abstain = sum(1 for c in counted.values() if c == VC.ABSTAIN)
    return agree, disagree, abstain, len(voters) - len(counted)


def compute_results(
    entries: Sequence[EntryInput], *, numerator: int, denominator: int, quota: int
) -> PanelResults:
    """Each nominee's outcome from the votes, and the order of the passed (module docstring)."""
    inputs = {e.entry_id: e for e in entries}
    outcomes = []
    for e in entries:
        agree, disagree, abstain, missing = _count(e.votes, e.voters)
        required = required_agrees(len(e.voters), numerator, denominator)
        outcomes.append(
            EntryOutcome(
                entry_id=e.entry_id,
                rank=e.rank,
                z=e.z,
                voters=len(e.voters),
                required=required,
                agree=agree,
                disagree=disagree,
                abstain=abstain,
                missing=missing,
                passed=None if missing else agree >= required,
            )
        )
    results = PanelResults(
        outcomes=outcomes, quota=quota, complete=all(o.missing == 0 for o in outcomes)
    )
    if not results.complete:
        return results

    passed = [o for o in outcomes if o.passed]
    # The calibrated score as shown (2 decimals): equal there is a tie, as in the ranking.
    keys: dict[int, list[Any]] = {o.entry_id: [-o.agree, -calibration.shown(o.z)] for o in passed}

    def order() -> list[EntryOutcome]:
        return sorted(passed, key=lambda o: (keys[o.entry_id], o.rank))

    ordered = order()
    runoff_round = 0
    while len(ordered) > quota > 0:
        line = keys[ordered[quota - 1].entry_id]
        if keys[ordered[quota].entry_id] != line:
            break  # the last place within the quota is decided
        group = [o for o in ordered if keys[o.entry_id] == line]
        before = sum(1 for o in ordered if keys[o.entry_id] < line)
        next_round = runoff_round + 1
        tallies = {}
        for o in group:
            votes = inputs[o.entry_id].runoff_votes.get(next_round, {})
            agree, _d, _a, missing = _count(votes, inputs[o.entry_id].voters)
            if missing:
                break
            tallies[o.entry_id] = agree
        if len(tallies) < len(group):
            results.runoff_round = next_round
            results.runoff_entries = [o.entry_id for o in group]
            results.runoff_slots = quota - before
            for o in group:
                o.in_runoff = True
            break
        for o in group:
            keys[o.entry_id].append(-tallies[o.entry_id])
            o.runoff.append(tallies[o.entry_id])
        runoff_round = next_round
        ordered = order()

    # While a run-off is pending only the places before the tied nominees are certain.
    certain = quota - results.runoff_slots if results.runoff_pending else quota
    for position, o in enumerate(ordered, start=1):
        o.position = position
        o.within_quota = position <= certain
    return results


# --- Reading a meeting ------------------------------------------------------------------------


@dataclass
class MeetingState:
    meeting: PanelMeeting
    entries: list[ShortlistEntry]
    members: list[PanelMember]
    #: entry id → {member id: recusal}
    recusals: dict[int, dict[int, Recusal]]
    #: (entry id, member id, round) → vote
    votes: dict[tuple[int, int, int], Vote]
    results: PanelResults

    @property
    def present(self) -> list[PanelMember]:
        return [m for m in self.members if m.present]

    @property
    def runoff_started(self) -> bool:
        return any(r > 0 for (_e, _m, r) in self.votes)

    def voters_for(self, entry_id: int) -> list[PanelMember]:
        recused = self.recusals.get(entry_id, {})
        return [m for m in self.members if m.present and m.pk not in recused]


def entries_queryset(meeting: PanelMeeting) -> QuerySet[ShortlistEntry]:
    return ShortlistEntry.objects.filter(meeting=meeting).select_related(
        "nomination",
        "nomination__person",
        "nomination__person__employer",
        "nomination__nominating_unit",
    )


def meeting_state(meeting: PanelMeeting) -> MeetingState:
    """Everything the panel page and the actions read, in four queries."""
    entries = list(entries_queryset(meeting).order_by("rank", "id"))
    members = list(
        PanelMember.objects.filter(meeting=meeting)
        .select_related("user", "expert")
        .order_by("user__full_name", "id")
    )
    recusals: dict[int, dict[int, Recusal]] = defaultdict(dict)
    for recusal in Recusal.objects.filter(entry__meeting=meeting):
        recusals[recusal.entry_id][recusal.member_id] = recusal
    votes = {
        (v.entry_id, v.member_id, v.round): v for v in Vote.objects.filter(entry__meeting=meeting)
    }
    present = {m.pk for m in members if m.present}
    choices: dict[int, dict[int, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    for (entry_id, member_id, round_no), vote in votes.items():
        choices[entry_id][round_no][member_id] = vote.choice
    inputs = []
    for entry in entries:
        voters = frozenset(present - set(recusals.get(entry.pk, {})))
        by_round = dict(choices.get(entry.pk, {}))
        inputs.append(
            EntryInput(
                entry_id=entry.pk,
                rank=entry.rank,
                z=entry.z if entry.z is not None else 0.0,
                voters=voters,
                votes=by_round.pop(0, {}),
                runoff_votes=by_round,
            )
        )
    results = compute_results(
        inputs,
        numerator=meeting.pass_numerator,
        denominator=meeting.pass_denominator,
        quota=meeting.campaign.target,
    )
    return MeetingState(meeting, entries, members, dict(recusals), votes, results)


def shortlist_size(campaign: Campaign, reviewed: int) -> int:
    """ceil(target × shortlist ratio), capped by the number of nominations reviewed."""
    wanted = math.ceil(campaign.target * campaign.policy_version.shortlist_ratio)
    return min(wanted, reviewed)


def reviewed_ranking(campaign: Campaign) -> list[calibration.NominationResult]:
    """The online-review ranking, limited to nominations still in the review."""
    ranking = calibration.campaign_ranking(campaign)
    live = set(
        Nomination.objects.filter(
            campaign=campaign,
            pk__in=[r.nomination_id for r in ranking],
            status__in=[NS.IN_REVIEW, NS.SHORTLISTED],
        ).values_list("pk", flat=True)
    )
    return [r for r in ranking if r.nomination_id in live]


def is_flagged(result: calibration.NominationResult) -> bool:
    """A case the officer may add to the shortlist from outside the cut."""
    return result.disagreement or result.tie or result.near_tie


def member_candidates(campaign: Campaign) -> list[User]:
    """Who may sit on the panel: experts of the issuing organization's pool and its program
    officers (active accounts), by name."""
    experts = ExpertProfile.objects.filter(
        pool_id=campaign.issuing_org_id, is_active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    officers = RoleGrant.objects.filter(
        organization_id=campaign.issuing_org_id,
        role=Role.PROGRAM_OFFICER,
        revoked_at__isnull=True,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    return list(
        User.objects.filter(Q(pk__in=experts) | Q(pk__in=officers)).order_by("full_name", "pk")
    )


# --- Helpers of the actions -------------------------------------------------------------------


def log_nomination_events(
    nominations: Iterable[Nomination],
    action: str,
    *,
    actor: User | None,
    org: Organization | None,
    comments: Mapping[int, str] | None = None,
    data: Mapping[int, dict[str, Any]] | None = None,
) -> None:
    """Each nomination's timeline entry (seen by its unit and chain) and its audit event."""
    comments = comments or {}
    data = data or {}
    rows = []
    for n in nominations:
        rows.append(
            NominationEvent(
                nomination=n,
                action=action,
                actor=actor,
                organization=org,
                comment=comments.get(n.pk, ""),
                data=data.get(n.pk, {}),
            )
        )
        record_event(
            f"nomination.{action}",
            actor=actor,
            obj=n,
            acting_org=org,
            summary={"status": n.status, "comment": comments.get(n.pk, ""), **data.get(n.pk, {})},
        )
    NominationEvent.objects.bulk_create(rows)


def require_manager(acting_user: User, campaign: Campaign) -> None:
    if not rules.can_manage_review(acting_user, campaign):
        raise PermissionDenied(
            "review.manage",
            _("Only a program officer of the issuing organization runs this review."),
        )


def _lock_meeting(
    meeting_id: int, acting_user: User, statuses: Iterable[str] = (MS.PLANNED, MS.IN_SESSION)
) -> PanelMeeting:
    """Lock the meeting (after its campaign, the lock order everywhere) and check the user
    runs it and it is in one of `statuses`."""
    campaign_id = PanelMeeting.objects.values_list("campaign_id", flat=True).get(pk=meeting_id)
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("policy_version", "issuing_org")
        .get(pk=campaign_id)
    )
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting_id)
    meeting.campaign = campaign
    require_manager(acting_user, campaign)
    if meeting.status not in statuses:
        if meeting.status == MS.CLOSED:
            raise DomainError("panel.closed", _("The panel meeting is closed."))
        if meeting.status == MS.PLANNED:
            raise DomainError("panel.not_open", _("The panel meeting has not been opened yet."))
        raise DomainError(
            "panel.already_open", _("This can only be done before the meeting opens.")
        )
    return meeting


def _audit(meeting: PanelMeeting, action: str, actor: User, **summary: Any) -> None:
    record_event(
        f"panel.{action}",
        actor=actor,
        obj=meeting,
        acting_org=meeting.campaign.issuing_org,
        summary={"campaign": meeting.campaign_id, **summary},
    )


def _conflict_reason(conflict: Conflict) -> str:
    return f"{conflict.get_kind_display()}: {conflict.reason}"


def _sync_conflict_recusals(meeting: PanelMeeting, actor: User) -> list[Recusal]:
    """Recuse every expert member from every nominee they have a recorded conflict with
    (idempotent). A vote such a member cast on that nominee is removed (audited)."""
    members = {
        m.expert_id: m for m in PanelMember.objects.filter(meeting=meeting, expert__isnull=False)
    }
    entries = dict(
        ShortlistEntry.objects.filter(meeting=meeting).values_list("nomination_id", "pk")
    )
    if not members or not entries:
        return []
    existing = set(
        Recusal.objects.filter(entry__meeting=meeting).values_list("entry_id", "member_id")
    )
    conflicts = Conflict.objects.filter(
        campaign_id=meeting.campaign_id, expert_id__in=members, nomination_id__in=entries
    ).order_by("expert_id", "nomination_id", "id")
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c in conflicts:
        reasons[(entries[c.nomination_id], members[c.expert_id].pk)].append(_conflict_reason(c))
    new = [
        Recusal(entry_id=e, member_id=m, reason="; ".join(texts), automatic=True)
        for (e, m), texts in reasons.items()
        if (e, m) not in existing
    ]
    if not new:
        return []
    Recusal.objects.bulk_create(new)
    pairs = Q()
    for r in new:
        pairs |= Q(entry_id=r.entry_id, member_id=r.member_id)
    removed = list(Vote.objects.filter(pairs).values_list("entry_id", "member_id", "round"))
    if removed:
        Vote.objects.filter(pairs).delete()
    _audit(
        meeting,
        "recusals_from_conflicts",
        actor,
        recusals=[[r.entry_id, r.member_id] for r in new],
        votes_removed=[list(v) for v in removed],
    )
    return new


def _check_quorum(members: Sequence[PanelMember]) -> None:
    present = sum(1 for m in members if m.present)
    needed = quorum(len(members))
    if present < needed or present == 0:
        raise DomainError(
            "panel.quorum",
            _(
                "%(present)s of %(members)s members are present; the meeting needs at least "
                "%(needed)s (two thirds, and never fewer than three)."
            )
            % {"present": present, "members": len(members), "needed": needed},
        )


def _refuse_after_runoff(state: MeetingState) -> None:
    if state.runoff_started:
        raise DomainError(
            "panel.runoff_started",
            _(
                "A run-off vote has begun: the shortlist, presence, recusals and the votes on "
                "the nominees can no longer change."
            ),
        )


# --- Actions ----------------------------------------------------------------------------------


@transaction.atomic
def do_set_up_panel(
    *,
    acting_user: User,
    campaign_id: int,
    held_on: dt.date | None = None,
    location: str = "",
    chair_id: int | None = None,
) -> PanelMeeting:
    """Draw the shortlist from the online-review ranking and plan the meeting (the campaign is
    in its panel phase: the online review has closed)."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("policy_version", "issuing_org")
        .get(pk=campaign_id)
    )
    require_manager(acting_user, campaign)
    if campaign.status != Campaign.Status.PANEL_MEETING:
        raise DomainError(
            "panel.not_panel_phase",
            _("The panel meeting is set up once the online review has closed."),
        )
    if PanelMeeting.objects.filter(campaign=campaign).exists():
        raise DomainError(
            "panel.exists", _("The panel meeting of this campaign is already set up.")
        )
    ranking = reviewed_ranking(campaign)
    size = shortlist_size(campaign, len(ranking))
    if size == 0:
        raise DomainError("panel.nothing_reviewed", _("No nomination has a submitted score sheet."))
    policy = campaign.policy_version
    meeting = PanelMeeting.objects.create(
        campaign=campaign,
        held_on=held_on,
        location=location.strip(),
        chair_id=chair_id,
        pass_numerator=policy.panel_pass_numerator,
        pass_denominator=policy.panel_pass_denominator,
        created_by=acting_user,
    )
    meeting.campaign = campaign
    cut = ranking[:size]
    ShortlistEntry.objects.bulk_create(
        ShortlistEntry(
            meeting=meeting,
            nomination_id=r.nomination_id,
            rank=r.rank,
            source=ShortlistEntry.Source.RANKING,
            z=r.z,
            raw=r.raw,
            disagreement=r.disagreement,
        )
        for r in cut
    )
    _shortlist_nominations(meeting, [r.nomination_id for r in cut], acting_user)
    _audit(
        meeting,
        "set_up",
        acting_user,
        quota=campaign.target,
        shortlist_ratio=str(policy.shortlist_ratio),
        reviewed=len(ranking),
        shortlist=size,
        threshold=f"{meeting.pass_numerator}/{meeting.pass_denominator}",
    )
    return meeting


def _shortlist_nominations(meeting: PanelMeeting, nomination_ids: list[int], actor: User) -> None:
    nominations = list(
        Nomination.objects.select_for_update()
        .filter(pk__in=nomination_ids, status=NS.IN_REVIEW)
        .order_by("pk")
    )
    now = timezone.now()
    for n in nominations:
        n.status, n.updated_at = NS.SHORTLISTED, now
    Nomination.objects.bulk_update(nominations, ["status", "updated_at"])
    log_nomination_events(
        nominations,
        "shortlisted",
        actor=actor,
        org=meeting.campaign.issuing_org,
        comments={n.pk: str(_("Shortlisted for the panel meeting.")) for n in nominations},
    )


@transaction.atomic
def do_update_panel_details(
    *,
    acting_user: User,
    meeting_id: int,
    held_on: dt.date | None,
    location: str,
    chair_id: int | None,
) -> PanelMeeting:
    """Record when and where the meeting is held and who chairs it."""
    meeting = _lock_meeting(meeting_id, acting_user)
    if (
        chair_id is not None
        and not PanelMember.objects.filter(meeting=meeting, user_id=chair_id).exists()
    ):
        raise DomainError("panel.chair_not_member", _("The chair must be a member of the panel."))
    before = {"held_on": meeting.held_on, "location": meeting.location, "chair": meeting.chair_id}
    meeting.held_on, meeting.location, meeting.chair_id = held_on, location.strip(), chair_id
    meeting.save(update_fields=["held_on", "location", "chair"])
    _audit(
        meeting,
        "details_updated",
        acting_user,
        before=before,
        after={"held_on": held_on, "location": meeting.location, "chair": chair_id},
    )
    return meeting


@transaction.atomic
def do_add_to_shortlist(
    *, acting_user: User, meeting_id: int, nomination_id: int, reason: str
) -> ShortlistEntry:
    """Add a flagged case from outside the cut (experts disagreed, or a tie or near tie in the
    ranking), with the reason the panel should discuss it."""
    meeting = _lock_meeting(meeting_id, acting_user)
    _refuse_after_runoff(meeting_state(meeting))
    reason = reason.strip()
    if not reason:
        raise DomainError("panel.reason_required", _("Say why the panel should discuss it."))
    result = next(
        (r for r in reviewed_ranking(meeting.campaign) if r.nomination_id == nomination_id), None
    )
    if result is None:
        raise DomainError(
            "panel.not_reviewed", _("Only a nomination scored in the online review can be added.")
        )
    if ShortlistEntry.objects.filter(meeting=meeting, nomination_id=nomination_id).exists():
        raise DomainError("panel.already_shortlisted", _("This nomination is already shortlisted."))
    if not is_flagged(result):
        raise DomainError(
            "panel.not_flagged",
            _(
                "Only a flagged case can be added: the experts disagreed, or it is tied or "
                "nearly tied in the ranking."
            ),
        )
    entry = ShortlistEntry.objects.create(
        meeting=meeting,
        nomination_id=nomination_id,
        rank=result.rank,
        source=ShortlistEntry.Source.ADDED,
        reason=reason,
        z=result.z,
        raw=result.raw,
        disagreement=result.disagreement,
    )
    _shortlist_nominations(meeting, [nomination_id], acting_user)
    _audit(
        meeting,
        "entry_added",
        acting_user,
        nomination=nomination_id,
        rank=result.rank,
        reason=reason,
    )
    _sync_conflict_recusals(meeting, acting_user)
    return entry


@transaction.atomic
def do_add_panel_member(*, acting_user: User, meeting_id: int, user_id: int) -> PanelMember:
    """Seat an expert of the pool or a program officer of the issuing organization."""
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.PLANNED,))
    if user_id not in {u.pk for u in member_candidates(meeting.campaign)}:
        raise DomainError(
            "panel.not_eligible_member",
            _(
                "Panel members are experts of the issuing organization's pool and its program "
                "officers."
            ),
        )
    if PanelMember.objects.filter(meeting=meeting, user_id=user_id).exists():
        raise DomainError("panel.already_member", _("This person is already on the panel."))
    expert = ExpertProfile.objects.filter(user_id=user_id).first()
    member = PanelMember.objects.create(meeting=meeting, user_id=user_id, expert=expert)
    _audit(meeting, "member_added", acting_user, user=user_id, expert=expert.pk if expert else None)
    _sync_conflict_recusals(meeting, acting_user)
    return member


@transaction.atomic
def do_remove_panel_member(*, acting_user: User, meeting_id: int, member_id: int) -> None:
    """Take a member off the panel before the meeting opens."""
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.PLANNED,))
    member = PanelMember.objects.get(pk=member_id, meeting=meeting)
    if meeting.chair_id == member.user_id:
        meeting.chair = None
        meeting.save(update_fields=["chair"])
    member.delete()
    _audit(meeting, "member_removed", acting_user, user=member.user_id)


@transaction.atomic
def do_record_presence(
    *, acting_user: User, meeting_id: int, present_member_ids: Iterable[int]
) -> list[PanelMember]:
    """Record who is present. Before the meeting opens anyone may be marked either way; once
    it is open a late arrival may be marked present, and a member who has not voted yet may
    be marked as gone, as long as the quorum holds."""
    meeting = _lock_meeting(meeting_id, acting_user)
    state = meeting_state(meeting)
    present = set(present_member_ids)
    members = {m.pk: m for m in state.members}
    unknown = present - set(members)
    if unknown:
        raise DomainError("panel.not_member", _("Only members of the panel can be present."))
    changed = [m for m in state.members if m.present != (m.pk in present)]
    if not changed:
        return state.members
    if meeting.status == MS.IN_SESSION:
        _refuse_after_runoff(state)
        voted = {m for (_e, m, _r) in state.votes}
        leaving = [m for m in changed if m.present and m.pk in voted]
        if leaving:
            raise DomainError(
                "panel.member_voted",
                _("%(name)s has already voted and stays counted as present.")
                % {"name": leaving[0].user.full_name or leaving[0].user.username},
            )
    for m in changed:
        m.present = m.pk in present
    PanelMember.objects.bulk_update(changed, ["present"])
    if meeting.status == MS.IN_SESSION:
        _check_quorum(state.members)
    _audit(
        meeting,
        "presence_recorded",
        acting_user,
        present=sorted(m.user_id for m in state.members if m.present),
        changed=sorted(m.user_id for m in changed),
    )
    return state.members


@transaction.atomic
def do_open_panel(*, acting_user: User, meeting_id: int) -> PanelMeeting:
    """Open the meeting: the quorum must be present; recusals from conflicts are made."""
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.PLANNED,))
    members = list(PanelMember.objects.filter(meeting=meeting))
    if not members:
        raise DomainError("panel.no_members", _("Seat the members of the panel first."))
    _check_quorum(members)
    meeting.status = MS.IN_SESSION
    meeting.started_at = timezone.now()
    meeting.save(update_fields=["status", "started_at"])
    _audit(
        meeting,
        "opened",
        acting_user,
        members=len(members),
        present=sorted(m.user_id for m in members if m.present),
    )
    _sync_conflict_recusals(meeting, acting_user)
    return meeting


@transaction.atomic
def do_declare_recusal(*, acting_user: User, entry_id: int, member_id: int, reason: str) -> Recusal:
    """A member declares at the meeting that they will not vote on a nominee. A vote they
    already cast on that nominee is removed."""
    meeting_id = ShortlistEntry.objects.values_list("meeting_id", flat=True).get(pk=entry_id)
    meeting = _lock_meeting(meeting_id, acting_user)
    _refuse_after_runoff(meeting_state(meeting))
    member = PanelMember.objects.get(pk=member_id, meeting=meeting)
    reason = reason.strip()
    if not reason:
        raise DomainError("panel.reason_required", _("Give the reason for the recusal."))
    if Recusal.objects.filter(entry_id=entry_id, member=member).exists():
        raise DomainError("panel.already_recused", _("This member is already recused."))
    recusal = Recusal.objects.create(entry_id=entry_id, member=member, reason=reason)
    removed = list(
        Vote.objects.filter(entry_id=entry_id, member=member).values_list("round", "choice")
    )
    Vote.objects.filter(entry_id=entry_id, member=member).delete()
    _audit(
        meeting,
        "recusal_declared",
        acting_user,
        entry=entry_id,
        user=member.user_id,
        reason=reason,
        votes_removed=[list(v) for v in removed],
    )
    return recusal


@transaction.atomic
def do_withdraw_recusal(*, acting_user: User, recusal_id: int) -> None:
    """Withdraw a recusal declared at the meeting (one from a recorded conflict stays)."""
    meeting_id = Recusal.objects.values_list("entry__meeting_id", flat=True).get(pk=recusal_id)
    meeting = _lock_meeting(meeting_id, acting_user)
    _refuse_after_runoff(meeting_state(meeting))
    recusal = Recusal.objects.select_related("member").get(pk=recusal_id)
    if recusal.automatic:
        raise DomainError(
            "panel.recusal_from_conflict",
            _("A recusal for a recorded conflict of interest cannot be withdrawn."),
        )
    recusal.delete()
    _audit(
        meeting,
        "recusal_withdrawn",
        acting_user,
        entry=recusal.entry_id,
        user=recusal.member.user_id,
    )


@transaction.atomic
def do_set_discussed(*, acting_user: User, entry_id: int, discussed: bool = True) -> ShortlistEntry:
    """Mark a nominee as discussed by the panel (or not yet)."""
    meeting_id = ShortlistEntry.objects.values_list("meeting_id", flat=True).get(pk=entry_id)
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.IN_SESSION,))
    entry = ShortlistEntry.objects.get(pk=entry_id)
    if entry.discussed != discussed:
        entry.discussed = discussed
        entry.save(update_fields=["discussed"])
        _audit(meeting, "discussed", acting_user, entry=entry_id, discussed=discussed)
    return entry


@dataclass
class VotesRecorded:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@transaction.atomic
def do_record_votes(
    *,
    acting_user: User,
    meeting_id: int,
    votes: Mapping[tuple[int, int], str],
    round_no: int = 0,
) -> VotesRecorded:
    """Record votes, (entry id, member id) → agree / disagree / abstain, for the nominees
    (`round_no` 0) or for the run-off now open (its round number). A vote recorded again replaces
    the earlier one; every change is audited with the choice before and after."""
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.IN_SESSION,))
    _sync_conflict_recusals(meeting, acting_user)
    state = meeting_state(meeting)
    if round_no == 0:
        _refuse_after_runoff(state)
    elif round_no != state.results.runoff_round:
        raise DomainError("panel.no_runoff", _("No run-off vote of this round is open."))
    allowed_entries = (
        {e.pk for e in state.entries} if round_no == 0 else set(state.results.runoff_entries)
    )
    present = {m.pk for m in state.present}
    outcome = VotesRecorded()
    changes = []
    to_create = []
    to_update = []
    now = timezone.now()
    for (entry_id, member_id), choice in sorted(votes.items()):
        if choice not in VC.values:
            raise DomainError("panel.bad_vote", _("A vote is agree, disagree or abstain."))
        if entry_id not in allowed_entries:
            raise DomainError(
                "panel.not_on_ballot", _("This nominee is not on the ballot of this round.")
            )
        if member_id not in present:
            raise DomainError("panel.not_present", _("Only members present can vote."))
        if member_id in state.recusals.get(entry_id, {}):
            raise DomainError("panel.recused", _("A recused member does not vote on this nominee."))
        existing = state.votes.get((entry_id, member_id, round_no))
        if existing is None:
            to_create.append(
                Vote(
                    entry_id=entry_id,
                    member_id=member_id,
                    round=round_no,
                    choice=choice,
                    recorded_by=acting_user,
                )
            )
            changes.append([entry_id, member_id, None, choice])
            outcome.created += 1
        elif existing.choice != choice:
            changes.append([entry_id, member_id, existing.choice, choice])
            existing.choice, existing.recorded_by, existing.recorded_at = choice, acting_user, now
            to_update.append(existing)
            outcome.changed += 1
        else:
            outcome.unchanged += 1
    Vote.objects.bulk_create(to_create)
    Vote.objects.bulk_update(to_update, ["choice", "recorded_by", "recorded_at"])
    if changes:
        _audit(
            meeting,
            "votes_recorded",
            acting_user,
            round=round_no,
            created=outcome.created,
            replaced=outcome.changed,
            votes=changes,
        )
    return outcome


@transaction.atomic
def do_save_minutes(*, acting_user: User, meeting_id: int, minutes: str) -> PanelMeeting:
    """Keep the minutes (plain text) of the meeting."""
    meeting = _lock_meeting(meeting_id, acting_user)
    minutes = minutes.strip()
    if minutes != meeting.minutes:
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes"])
        _audit(meeting, "minutes_saved", acting_user, characters=len(minutes))
    return meeting


def close_problems(state: MeetingState) -> list[str]:
    """Why the meeting cannot close yet (empty when it can), in the user's language."""
    problems: list[str] = []
    meeting = state.meeting
    if meeting.status != MS.IN_SESSION:
        return [str(_("The panel meeting is not in session."))]
    needed = quorum(len(state.members))
    if len(state.present) < needed:
        problems.append(
            str(
                _("%(present)s members are present; the quorum is %(needed)s.")
                % {"present": len(state.present), "needed": needed}
            )
        )
    undiscussed = sum(1 for e in state.entries if not e.discussed)
    if undiscussed:
        problems.append(str(_("%(count)s nominee(s) not discussed yet.") % {"count": undiscussed}))
    outcomes = state.results.by_entry
    silent = sum(1 for e in state.entries if outcomes[e.pk].voters == 0)
    if silent:
        problems.append(str(_("No member can vote on %(count)s nominee(s).") % {"count": silent}))
    unvoted = sum(1 for e in state.entries if outcomes[e.pk].missing)
    if unvoted:
        problems.append(str(_("%(count)s nominee(s) still miss votes.") % {"count": unvoted}))
    if state.results.runoff_pending:
        problems.append(
            str(
                _(
                    "%(count)s nominees are tied for the last %(slots)s place(s) within the "
                    "quota: hold run-off round %(round)s."
                )
                % {
                    "count": len(state.results.runoff_entries),
                    "slots": state.results.runoff_slots,
                    "round": state.results.runoff_round,
                }
            )
        )
    if not meeting.minutes.strip():
        problems.append(str(_("Write the minutes of the meeting.")))
    return problems


@transaction.atomic
def do_close_panel(*, acting_user: User, meeting_id: int) -> PanelMeeting:
    """Close the meeting: freeze the results computed from the votes into the shortlist and
    move the campaign to the final approval."""
    meeting = _lock_meeting(meeting_id, acting_user, statuses=(MS.IN_SESSION,))
    campaign = meeting.campaign
    if campaign.status != Campaign.Status.PANEL_MEETING:
        raise DomainError(
            "panel.not_panel_phase", _("The campaign is not in its panel meeting phase.")
        )
    _sync_conflict_recusals(meeting, acting_user)
    state = meeting_state(meeting)
    problems = close_problems(state)
    if problems:
        raise DomainError(
            "panel.cannot_close",
            _("The meeting cannot close yet: %(problems)s") % {"problems": " ".join(problems)},
        )
    outcomes = state.results.by_entry
    R = ShortlistEntry.Result
    for entry in state.entries:
        o = outcomes[entry.pk]
        entry.result = R.PASSED if o.passed else R.FAILED
        entry.agree, entry.disagree, entry.abstain = o.agree, o.disagree, o.abstain
        entry.voters, entry.required = o.voters, o.required
        entry.position, entry.within_quota, entry.runoff = o.position, o.within_quota, o.runoff
    ShortlistEntry.objects.bulk_update(
        state.entries,
        [
            "result",
            "agree",
            "disagree",
            "abstain",
            "voters",
            "required",
            "position",
            "within_quota",
            "runoff",
        ],
    )
    meeting.status = MS.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    campaign.status = Campaign.Status.FINAL_APPROVAL
    campaign.save(update_fields=["status", "updated_at"])
    passed = state.results.passed
    _audit(
        meeting,
        "closed",
        acting_user,
        after={"status": campaign.status},
        quota=campaign.target,
        shortlist=len(state.entries),
        passed=len(passed),
        within_quota=len(state.results.approved),
        runoff_rounds=max((len(o.runoff) for o in state.results.outcomes), default=0),
        results={
            str(e.pk): [e.result, e.agree, e.disagree, e.abstain, e.required, e.position]
            for e in state.entries
        },
    )
    return meeting


# --- Dashboard --------------------------------------------------------------------------------


def panel_stats(user: User) -> list[Stat]:
    """Meetings the user runs that are planned or in session, and lists awaiting the final
    approval (nothing when there is none)."""
    from django.urls import reverse

    from jiangxin.core.dashboard import Stat
    from jiangxin.programs import selectors as program_selectors

    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(user).filter(
            status__in=[Campaign.Status.PANEL_MEETING, Campaign.Status.FINAL_APPROVAL]
        )
        if rules.can_manage_review(user, c)
    ]
    if not campaigns:
        return []
    meetings = PanelMeeting.objects.filter(
        campaign__in=campaigns, status__in=[MS.PLANNED, MS.IN_SESSION]
    ).count()
    awaiting = sum(1 for c in campaigns if c.status == Campaign.Status.FINAL_APPROVAL)
    url = reverse("reviews:panel_index")
    return [
        Stat(_("Panel meetings to hold"), meetings, url),
        Stat(_("Lists awaiting the final approval"), awaiting, url),
    ]
