"""Conflicts of interest (issue 4, point 2): computed from the records, declared by people,
and the report the officer reads before assigning.

Computed (`compute_conflicts`), for every invited, accepted or assigned expert × nomination
that reached the campaign (endorsed and awaiting the format check, or accepted and under
review), each with its reason:

- **same employer**: the expert's organization, or the organization of a present employment
  row, is the nominee's employer, lies under it (a part of it, its union), or is an enterprise
  above it (the group it belongs to);
- **same enterprise union**: the expert works for the nominee's enterprise union (the
  person's union, or the enterprise union that nominated them);
- **same recommending chain**: the expert's organization lies within a recommending
  organization of the nomination's endorsement chain, up to the level the policy sets:
  `campaign.policy_version.conflict_chain_level` when the policy has that setting, otherwise
  `CHAIN_LEVEL` ("city": the city federation of the chain, so an expert working anywhere in
  the same city federation's subtree as the nominee's unit is conflicted; "province": the
  provincial federation, national industrial union or central-enterprise union of the chain,
  which includes the city; "none": no chain conflict). Levels at or above the issuing
  organization never count (everybody is under them);
- **past or present colleague**: one of the expert's employers (profile or employment rows,
  past ones included) is one of the nominee's employers in their work history, by
  organization or by name (normalised: width, case, spaces, punctuation and the legal-form
  suffix such as 有限公司 ignored); not counted again when "same employer" already holds;
- **teacher and apprentice**: the nominee lists the expert (by full name) among their
  apprentices.

Recomputing adds what became true, removes computed rows no longer true, and never touches
declared rows. Declared conflicts come from the expert (`do_declare_own_conflict`), the
nominee's unit (`do_request_avoidance`: "experts to avoid", matched by name against the pools
without telling the unit whether anyone matched — the expert list is confidential) and the
officer (`do_record_conflict`); only the officer removes one (`do_remove_conflict`). Whatever
its source, a conflict keeps the expert from the nomination on every route
(`selectors.assignments_for_expert`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import User
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_numbers_in
from jiangxin.nominations.models import Nomination
from jiangxin.notifications.actions import notify
from jiangxin.orgs.models import Organization
from jiangxin.people.models import Apprentice, WorkPeriod
from jiangxin.programs.models import Campaign
from jiangxin.programs.selectors import program_officers_of
from jiangxin.reviews import rules
from jiangxin.reviews.models import (
    Assignment,
    Conflict,
    ExpertEmployment,
    ExpertProfile,
    Invitation,
)
from jiangxin.reviews.pool import (
    OPEN_INVITATION,
    REACHED_STATUSES,
    REVIEWED_STATUSES,
)
from jiangxin.reviews.selectors import expert_profile_of, experts_visible_to

if TYPE_CHECKING:
    import datetime as dt

K = Conflict.Kind
SRC = Conflict.Source
OK = Organization.Kind

#: The recommending level up to which a shared chain is a conflict, unless the policy says.
CHAIN_LEVEL = "city"
CHAIN_LEVEL_KINDS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "city": frozenset({OK.CITY_FEDERATION}),
    "province": frozenset(
        {
            OK.CITY_FEDERATION,
            OK.PROVINCIAL_FEDERATION,
            OK.INDUSTRIAL_UNION,
            OK.CENTRAL_ENTERPRISE_UNION,
        }
    ),
}
#: The kinds computed from the records (the others are only declared).
COMPUTED_KINDS = (K.SAME_EMPLOYER, K.SAME_UNION, K.SAME_CHAIN, K.COLLEAGUE, K.TEACHER_APPRENTICE)
#: Nominations a conflict may be declared about (they reached the campaign).
DECLARABLE_STATUSES = REACHED_STATUSES
REASON_MIN_CHARS = 2
REASON_MAX_CHARS = 1000

_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司")
_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str | None) -> str:
    """A person's or organization's name for comparison: NFKC width, case folded, spaces and
    punctuation dropped."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", name or "").casefold())


def organization_key(name: str | None) -> str:
    """`name_key` without the legal-form suffix (石家庄钢铁有限责任公司 = 石家庄钢铁公司)."""
    key = name_key(name)
    for suffix in _LEGAL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def chain_level(campaign: Campaign) -> str:
    level = getattr(campaign.policy_version, "conflict_chain_level", None) or CHAIN_LEVEL
    return level if level in CHAIN_LEVEL_KINDS else CHAIN_LEVEL


# --- The facts compared -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgFact:
    id: int
    path: str
    kind: str
    name: str

    @classmethod
    def of(cls, org: Organization) -> OrgFact:
        return cls(org.pk, org.path, org.kind, org.name)

    def within(self, other: OrgFact) -> bool:
        return self.path.startswith(other.path)


@dataclass
class ExpertFacts:
    id: int
    name: str
    #: Where the expert works now (profile and present employment rows, in the system).
    current: list[OrgFact] = field(default_factory=list)
    #: Every employer ever, by organization id and by normalised name → display name.
    org_ids: dict[int, str] = field(default_factory=dict)
    employer_keys: dict[str, str] = field(default_factory=dict)


@dataclass
class NomineeFacts:
    nomination_id: int
    employer: OrgFact | None
    unions: list[OrgFact] = field(default_factory=list)
    chain: list[OrgFact] = field(default_factory=list)
    work_org_ids: dict[int, str] = field(default_factory=dict)
    work_keys: dict[str, str] = field(default_factory=dict)
    apprentices: dict[str, str] = field(default_factory=dict)


def expert_facts(profile: ExpertProfile, today: dt.date) -> ExpertFacts:
    """Precondition: `employment` (with its organizations) and `organization` are loaded."""
    facts = ExpertFacts(id=profile.pk, name=name_key(profile.user.full_name))
    if profile.organization is not None:
        facts.current.append(OrgFact.of(profile.organization))
        facts.org_ids[profile.organization.pk] = profile.organization.name
    if profile.employer_name:
        facts.employer_keys[organization_key(profile.employer_name)] = profile.employer_name
    for row in profile.employment.all():
        facts.employer_keys[organization_key(row.employer_name)] = row.employer_name
        if row.organization is not None:
            facts.org_ids[row.organization.pk] = row.organization.name
            if row.end is None or row.end >= today:
                facts.current.append(OrgFact.of(row.organization))
    for name in facts.org_ids.values():
        facts.employer_keys.setdefault(organization_key(name), name)
    facts.employer_keys.pop("", None)
    return facts


def nominee_facts(nomination: Nomination, chain: list[Organization]) -> NomineeFacts:
    """Precondition: the person with employer, union, work periods (with organizations) and
    apprentices is loaded; `chain` are the chain levels that count."""
    person = nomination.person
    assert person is not None  # noqa: S101 - only submitted nominations reach a campaign
    facts = NomineeFacts(
        nomination_id=nomination.pk,
        employer=OrgFact.of(person.employer),
        chain=[OrgFact.of(o) for o in chain],
    )
    if person.union is not None:
        facts.unions.append(OrgFact.of(person.union))
    unit = nomination.nominating_unit
    if unit.kind == OK.ENTERPRISE_UNION and all(u.id != unit.pk for u in facts.unions):
        facts.unions.append(OrgFact.of(unit))
    facts.work_org_ids[person.employer.pk] = person.employer.name
    facts.work_keys[organization_key(person.employer.name)] = person.employer.name
    for period in person.work_periods.all():
        if period.organization is not None:
            facts.work_org_ids[period.organization.pk] = period.organization.name
            facts.work_keys[organization_key(period.organization.name)] = period.organization.name
        facts.work_keys[organization_key(period.employer_name)] = period.employer_name
    facts.work_keys.pop("", None)
    for apprentice in person.apprentices.all():
        key = name_key(apprentice.name)
        if key:
            facts.apprentices[key] = apprentice.name
    return facts


def _same_employer(expert: ExpertFacts, nominee: NomineeFacts) -> str | None:
    employer = nominee.employer
    if employer is None:
        return None
    for org in expert.current:
        if org.within(employer) or (org.kind == OK.ENTERPRISE and employer.within(org)):
            return gettext(
                "The expert works for %(org)s, which is the nominee's employer %(employer)s "
                "or part of the same enterprise."
            ) % {"org": org.name, "employer": employer.name}
    return None


def _same_union(expert: ExpertFacts, nominee: NomineeFacts) -> str | None:
    union_ids = {u.id: u.name for u in nominee.unions}
    for org in expert.current:
        if org.id in union_ids:
            return gettext("The expert works for %(union)s, the nominee's enterprise union.") % {
                "union": union_ids[org.id]
            }
    return None


def _same_chain(expert: ExpertFacts, nominee: NomineeFacts) -> str | None:
    for level in nominee.chain:
        for org in expert.current:
            if org.within(level):
                return gettext(
                    "The expert works for %(org)s, within %(level)s, which recommends the nominee."
                ) % {"org": org.name, "level": level.name}
    return None


def _colleague(expert: ExpertFacts, nominee: NomineeFacts) -> str | None:
    for org_id, name in expert.org_ids.items():
        if org_id in nominee.work_org_ids:
            return _colleague_reason(name)
    for key, name in expert.employer_keys.items():
        if key in nominee.work_keys:
            return _colleague_reason(name)
    return None


def _colleague_reason(name: str) -> str:
    return gettext(
        "The expert works or worked for %(employer)s, where the nominee works or worked."
    ) % {"employer": name}


def _apprentice(expert: ExpertFacts, nominee: NomineeFacts) -> str | None:
    if expert.name and expert.name in nominee.apprentices:
        return gettext("The nominee lists %(name)s among their apprentices.") % {
            "name": nominee.apprentices[expert.name]
        }
    return None


def conflicts_between(expert: ExpertFacts, nominee: NomineeFacts) -> list[tuple[str, str]]:
    """The computed conflicts of one pair: (kind, reason in the active language)."""
    found: list[tuple[str, str]] = []
    employer = _same_employer(expert, nominee)
    if employer:
        found.append((K.SAME_EMPLOYER, employer))
    for kind, check in (
        (K.SAME_UNION, _same_union),
        (K.SAME_CHAIN, _same_chain),
        (K.COLLEAGUE, None if employer else _colleague),
        (K.TEACHER_APPRENTICE, _apprentice),
    ):
        reason = check(expert, nominee) if check else None
        if reason:
            found.append((kind, reason))
    return found


# --- Recomputing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recomputed:
    added: int
    removed: int
    kept: int


def scope_experts(campaign: Campaign) -> QuerySet[ExpertProfile]:
    """The experts conflicts are computed for: invited, accepted or assigned."""
    invited = Invitation.objects.filter(campaign=campaign, status__in=OPEN_INVITATION)
    assigned = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
    return ExpertProfile.objects.filter(
        Q(pk__in=invited.values("expert_id")) | Q(pk__in=assigned.values("expert_id"))
    )


def _reviewed(campaign: Campaign) -> QuerySet[Nomination]:
    return Nomination.objects.filter(campaign=campaign, status__in=REVIEWED_STATUSES)


def _chains(campaign: Campaign, nominations: list[Nomination]) -> dict[int, list[Organization]]:
    """The counted chain levels of each nomination (one query for the whole campaign)."""
    kinds = CHAIN_LEVEL_KINDS[chain_level(campaign)]
    if not kinds:
        return {}
    step = Organization.steplen
    issuer = campaign.issuing_org
    prefixes = {
        n.nominating_unit.path[:i]
        for n in nominations
        for i in range(step, len(n.nominating_unit.path) + 1, step)
    }
    levels = {
        o.path: o
        for o in Organization.objects.filter(path__in=prefixes, kind__in=kinds)
        if o.depth > issuer.depth and o.path.startswith(issuer.path)
    }
    return {
        n.pk: [
            levels[n.nominating_unit.path[:i]]
            for i in range(step, len(n.nominating_unit.path) + 1, step)
            if n.nominating_unit.path[:i] in levels
        ]
        for n in nominations
    }


@transaction.atomic
def compute_conflicts(campaign: Campaign, *, expert_ids: Iterable[int] | None = None) -> Recomputed:
    """Recompute the computed conflicts of the campaign (of `expert_ids` only, when given):
    add those now true, remove computed ones no longer true (or whose expert left the
    review), leave declared ones alone. Idempotent; the campaign row is locked meanwhile."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign.pk)
    )
    today = timezone.localdate()
    experts_qs = scope_experts(campaign)
    existing_qs = Conflict.objects.filter(campaign=campaign, source=SRC.COMPUTED)
    if expert_ids is not None:
        ids = list(expert_ids)
        experts_qs = experts_qs.filter(pk__in=ids)
        existing_qs = existing_qs.filter(expert_id__in=ids)
    experts = [
        expert_facts(p, today)
        for p in experts_qs.select_related("user", "organization").prefetch_related(
            Prefetch("employment", queryset=ExpertEmployment.objects.select_related("organization"))
        )
    ]
    nominations = list(
        Nomination.objects.filter(campaign=campaign, status__in=DECLARABLE_STATUSES)
        .select_related("person__employer", "person__union", "nominating_unit")
        .prefetch_related(
            Prefetch(
                "person__work_periods", queryset=WorkPeriod.objects.select_related("organization")
            ),
            Prefetch("person__apprentices", queryset=Apprentice.objects.only("person_id", "name")),
        )
    )
    chains = _chains(campaign, nominations)
    nominees = [nominee_facts(n, chains.get(n.pk, [])) for n in nominations]
    wanted: dict[tuple[int, int, str], str] = {}
    with translation.override(settings.LANGUAGE_CODE):  # the record's language
        for expert in experts:
            for nominee in nominees:
                for kind, reason in conflicts_between(expert, nominee):
                    wanted[(expert.id, nominee.nomination_id, kind)] = reason
    existing = {(c.expert_id, c.nomination_id, c.kind): c for c in existing_qs}
    stale = [c.pk for key, c in existing.items() if key not in wanted]
    Conflict.objects.filter(pk__in=stale).delete()
    changed = []
    for key, conflict in existing.items():
        if key in wanted and conflict.reason != wanted[key]:
            conflict.reason = wanted[key]
            changed.append(conflict)
    Conflict.objects.bulk_update(changed, ["reason"])
    new = [
        Conflict(
            campaign=campaign,
            expert_id=expert_id,
            nomination_id=nomination_id,
            kind=kind,
            source=SRC.COMPUTED,
            reason=reason,
        )
        for (expert_id, nomination_id, kind), reason in wanted.items()
        if (expert_id, nomination_id, kind) not in existing
    ]
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    return Recomputed(added=len(new), removed=len(stale), kept=len(existing) - len(stale))


@transaction.atomic
def do_recompute_conflicts(*, acting_user: User, campaign_id: int) -> Recomputed:
    """The officer's "recompute now" (also run by each invitation and answer)."""
    campaign = Campaign.objects.select_related("issuing_org").get(pk=campaign_id)
    if not rules.can_record_conflicts(acting_user, campaign):
        raise PermissionDenied(
            "conflict.manage", _("Only the campaign's program officers recompute conflicts.")
        )
    result = compute_conflicts(campaign)
    record_event(
        "conflict.recomputed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"added": result.added, "removed": result.removed, "kept": result.kept},
    )
    return result


# --- Declarations -----------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = mask_numbers_in(" ".join(reason.split()))
    if len(reason) < REASON_MIN_CHARS:
        raise DomainError("conflict.reason_required", _("Give the reason for the conflict."))
    return reason[:REASON_MAX_CHARS]


def _check_kind(kind: str) -> None:
    if kind not in K.values:
        raise DomainError("conflict.kind", _("Unknown kind of conflict."))


def _nomination_in(campaign: Campaign, nomination_id: int) -> Nomination:
    nomination = (
        Nomination.objects.select_related("person", "nominating_unit")
        .filter(pk=nomination_id, campaign=campaign, status__in=DECLARABLE_STATUSES)
        .first()
    )
    if nomination is None:
        raise DomainError(
            "conflict.nomination", _("This nomination is not under review in this campaign.")
        )
    return nomination


def _declare(
    *,
    campaign: Campaign,
    expert: ExpertProfile,
    nomination: Nomination,
    kind: str,
    source: str,
    reason: str,
    by: User,
) -> Conflict:
    conflict, created = Conflict.objects.get_or_create(
        campaign=campaign,
        expert=expert,
        nomination=nomination,
        kind=kind,
        source=source,
        defaults={"reason": reason, "declared_by": by},
    )
    if not created and (conflict.reason != reason or conflict.declared_by_id != by.pk):
        conflict.reason = reason
        conflict.declared_by = by
        conflict.save(update_fields=["reason", "declared_by"])
    record_event(
        "conflict.declared",
        actor=by,
        obj=conflict,
        summary={
            "kind": kind,
            "source": source,
            "expert": expert.pk,
            "nomination": nomination.number,
            "reason": reason,
        },
    )
    if Assignment.objects.filter(
        campaign=campaign, expert=expert, nomination=nomination, status=Assignment.Status.ACTIVE
    ).exists():
        notify(
            program_officers_of(campaign),
            "review.conflict_on_assignment",
            params={
                "campaign": campaign.name,
                "expert": str(expert),
                "person": nomination.person.name if nomination.person else "",
                "number": nomination.number,
            },
            url=reverse("reviews:conflicts_report", args=[campaign.pk]),
        )
    return conflict


def _lock_campaign(campaign_id: int) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )


def _require_open(campaign: Campaign) -> None:
    if campaign.status not in rules.conflict_statuses():
        raise DomainError(
            "conflict.campaign_status",
            _("Conflicts are recorded from the format check until the panel meeting ends."),
        )


def _checked_declaration(
    campaign: Campaign, nomination_id: int, kind: str, reason: str
) -> tuple[Nomination, str]:
    """The guards an expert's and an officer's declaration share: the campaign records
    conflicts now, the kind exists, the nomination reached the campaign, a reason is given.
    Returns the nomination and the cleaned reason."""
    _require_open(campaign)
    _check_kind(kind)
    nomination = _nomination_in(campaign, nomination_id)
    return nomination, _clean_reason(reason)


@transaction.atomic
def do_declare_own_conflict(
    *, acting_user: User, campaign_id: int, nomination_id: int, kind: str, reason: str
) -> Conflict:
    """An invited or accepted expert declares a relation with a nominee."""
    campaign = _lock_campaign(campaign_id)
    expert = expert_profile_of(acting_user)
    if (
        expert is None
        or not Invitation.objects.filter(
            campaign=campaign, expert=expert, status__in=OPEN_INVITATION
        ).exists()
    ):
        raise PermissionDenied("conflict.not_invited", _("You are not an expert of this campaign."))
    nomination, reason = _checked_declaration(campaign, nomination_id, kind, reason)
    return _declare(
        campaign=campaign,
        expert=expert,
        nomination=nomination,
        kind=kind,
        source=SRC.EXPERT,
        reason=reason,
        by=acting_user,
    )


@transaction.atomic
def do_record_conflict(
    *,
    acting_user: User,
    campaign_id: int,
    expert_id: int,
    nomination_id: int,
    kind: str,
    reason: str,
) -> Conflict:
    """The officer records a conflict they learned of (any kind), with its reason."""
    campaign = _lock_campaign(campaign_id)
    if not rules.can_manage_review(acting_user, campaign):
        raise PermissionDenied(
            "conflict.manage", _("Only the campaign's program officers record conflicts.")
        )
    expert = experts_visible_to(acting_user).filter(pk=expert_id).first()
    if expert is None:
        raise PermissionDenied("expert.scope", _("This expert is outside your scope."))
    nomination, reason = _checked_declaration(campaign, nomination_id, kind, reason)
    return _declare(
        campaign=campaign,
        expert=expert,
        nomination=nomination,
        kind=kind,
        source=SRC.OFFICER,
        reason=reason,
        by=acting_user,
    )


def avoidance_matches(campaign: Campaign, expert_name: str, employer: str) -> list[ExpertProfile]:
    """Experts of the pools under the issuing organization named `expert_name` (and, when
    given, working or having worked for `employer`)."""
    wanted = name_key(expert_name)
    if not wanted:
        return []
    candidates = (
        ExpertProfile.objects.filter(pool__path__startswith=campaign.issuing_org.path)
        .select_related("user", "organization")
        .prefetch_related(
            Prefetch("employment", queryset=ExpertEmployment.objects.select_related("organization"))
        )
    )
    same_name = [p for p in candidates if name_key(p.user.full_name) == wanted]
    employer_key = organization_key(employer)
    if not employer_key:
        return same_name
    today = timezone.localdate()
    return [
        p
        for p in same_name
        if any(
            employer_key in key or key in employer_key
            for key in expert_facts(p, today).employer_keys
        )
    ]


@transaction.atomic
def do_request_avoidance(
    *,
    acting_user: User,
    nomination_id: int,
    expert_name: str,
    employer_name: str = "",
    kind: str = K.OTHER,
    reason: str,
) -> int:
    """The nominee's unit asks that an expert (named, with their employer) does not review
    the nomination. Every matching expert of the pools gets a conflict (source "unit"); the
    program officers are told either way. Returns the number matched — for the demo and the
    tests: the unit's page never shows it, since the expert list is confidential."""
    nomination = Nomination.objects.select_related(
        "campaign__issuing_org", "person", "nominating_unit"
    ).get(pk=nomination_id)
    campaign = _lock_campaign(nomination.campaign_id)
    if not rules.can_request_avoidance(acting_user, nomination):
        raise PermissionDenied(
            "conflict.avoidance_scope",
            _("Only the nominee's unit asks for experts to avoid, before the review closes."),
        )
    _check_kind(kind)
    expert_name = " ".join(expert_name.split())
    employer_name = " ".join(employer_name.split())
    if not name_key(expert_name):
        raise DomainError("conflict.expert_name", _("Give the full name of the expert."))
    reason = _clean_reason(reason)
    matched = avoidance_matches(campaign, expert_name, employer_name)
    stated = gettext("Asked by %(unit)s: %(reason)s") % {
        "unit": nomination.nominating_unit.name,
        "reason": reason,
    }
    for expert in matched:
        _declare(
            campaign=campaign,
            expert=expert,
            nomination=nomination,
            kind=kind,
            source=SRC.UNIT,
            reason=stated,
            by=acting_user,
        )
    record_event(
        "conflict.avoidance_requested",
        actor=acting_user,
        obj=nomination,
        summary={
            "expert_name": expert_name,
            "employer": employer_name,
            "kind": kind,
            "reason": reason,
            "matched": [e.pk for e in matched],
        },
    )
    notify(
        program_officers_of(campaign),
        "review.avoidance_requested",
        params={
            "campaign": campaign.name,
            "number": nomination.number,
            "person": nomination.person.name if nomination.person else "",
            "unit": nomination.nominating_unit.name,
            "expert": expert_name,
            "employer": employer_name or "—",
            "reason": reason,
            "matched": len(matched),
        },
        url=reverse("reviews:conflicts_report", args=[campaign.pk]),
    )
    return len(matched)


@transaction.atomic
def do_remove_conflict(*, acting_user: User, conflict_id: int, reason: str) -> None:
    """The officer removes a declared conflict (with a reason, audited). Computed conflicts
    are facts of the records: they go away only when the records change."""
    conflict = (
        Conflict.objects.select_for_update(of=("self",))
        .select_related("campaign", "nomination", "expert")
        .get(pk=conflict_id)
    )
    campaign = _lock_campaign(conflict.campaign_id)
    if not rules.can_record_conflicts(acting_user, campaign):
        raise PermissionDenied(
            "conflict.manage", _("Only the campaign's program officers remove conflicts.")
        )
    if conflict.source == SRC.COMPUTED:
        raise DomainError(
            "conflict.computed",
            _(
                "A computed conflict follows from the records; correct the records and "
                "recompute instead."
            ),
        )
    reason = _clean_reason(reason)
    summary = {
        "before": {
            "kind": conflict.kind,
            "source": conflict.source,
            "expert": conflict.expert_id,
            "nomination": conflict.nomination.number,
            "reason": conflict.reason,
        },
        "reason": reason,
    }
    conflict.delete()
    record_event(
        "conflict.removed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary=summary,
    )


# --- What the expert may declare about --------------------------------------------------------


def declarable_nominations(expert: ExpertProfile, campaign: Campaign) -> QuerySet[Nomination]:
    """The campaign's nominations the expert has no conflict with yet (a conflicted one is
    never shown to them, not even by name)."""
    conflicted = Conflict.objects.filter(campaign=campaign, expert=expert).values("nomination_id")
    return (
        Nomination.objects.filter(campaign=campaign, status__in=DECLARABLE_STATUSES)
        .exclude(pk__in=conflicted)
        .select_related("person", "nominating_unit")
        .order_by("number")
    )


def own_declarations(expert: ExpertProfile, campaign: Campaign) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(campaign=campaign, expert=expert, source=SRC.EXPERT)
        .select_related("nomination__person", "nomination__nominating_unit")
        .order_by("nomination__number", "kind")
    )


# --- The report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """How many experts could still review one nomination."""

    nomination: Nomination
    accepted: int
    conflicted: int
    free: int
    pending_free: int
    needed: int

    @property
    def short(self) -> bool:
        return self.free < self.needed


@dataclass
class ConflictReport:
    campaign: Campaign
    by_kind: list[tuple[Any, int]]
    by_source: list[tuple[Any, int]]
    coverage: list[CoverageRow]
    total: int
    needed: int
    short_count: int


def campaign_conflicts(campaign: Campaign) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(campaign=campaign)
        .select_related(
            "expert__user",
            "nomination__person",
            "nomination__nominating_unit",
            "declared_by",
        )
        .order_by("nomination__number", "expert__user__full_name", "kind", "source")
    )


def active_pairs(campaign: Campaign) -> set[tuple[int, int]]:
    return set(
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE).values_list(
            "expert_id", "nomination_id"
        )
    )


def conflict_report(campaign: Campaign) -> ConflictReport:
    """Counts per kind and source, and every nomination under review with the number of
    accepted experts free of conflict with it, fewest first (in a fixed number of queries)."""
    conflicts = Conflict.objects.filter(campaign=campaign)
    kinds = Counter(conflicts.values_list("kind", flat=True))
    sources = Counter(conflicts.values_list("source", flat=True))
    pairs: dict[int, set[int]] = defaultdict(set)
    for expert_id, nomination_id in conflicts.values_list("expert_id", "nomination_id"):
        pairs[nomination_id].add(expert_id)
    answers = dict(
        Invitation.objects.filter(campaign=campaign, status__in=OPEN_INVITATION).values_list(
            "expert_id", "status"
        )
    )
    accepted = {e for e, s in answers.items() if s == Invitation.Status.ACCEPTED}
    pending = {e for e, s in answers.items() if s == Invitation.Status.INVITED}
    needed = campaign.policy_version.reviewers_per_nomination
    coverage = []
    for nomination in (
        _reviewed(campaign).select_related("person", "nominating_unit").order_by("number")
    ):
        blocked = pairs.get(nomination.pk, set())
        coverage.append(
            CoverageRow(
                nomination=nomination,
                accepted=len(accepted),
                conflicted=len(accepted & blocked),
                free=len(accepted - blocked),
                pending_free=len(pending - blocked),
                needed=needed,
            )
        )
    coverage.sort(key=lambda r: (r.free, r.pending_free, r.nomination.number))
    return ConflictReport(
        campaign=campaign,
        by_kind=[(label, kinds[value]) for value, label in K.choices if kinds[value]],
        by_source=[(label, sources[value]) for value, label in SRC.choices if sources[value]],
        coverage=coverage,
        total=sum(kinds.values()),
        needed=needed,
        short_count=sum(1 for r in coverage if r.short),
    )


def conflict_workbook(campaign: Campaign, conflicts: QuerySet[Conflict]) -> Any:
    """The report as an Excel file: every conflict, the coverage, the counts (no personal
    numbers: reasons are stored masked)."""
    from jiangxin.core.excel import TableWorkbook

    report = conflict_report(campaign)
    assigned = active_pairs(campaign)
    book = TableWorkbook()
    ws = book.sheet(
        gettext("Conflicts"),
        [
            (gettext("Nomination number"), 16),
            (gettext("Nominee"), 12),
            (gettext("Nominating unit"), 30),
            (gettext("Expert"), 12),
            (gettext("Kind"), 22),
            (gettext("Source"), 22),
            (gettext("Reason"), 60),
            (gettext("Declared by"), 14),
            (gettext("Recorded at"), 20),
            (gettext("Assigned now"), 10),
        ],
    )
    for c in conflicts:
        book.append(
            ws,
            [
                c.nomination.number,
                c.nomination.person.name if c.nomination.person else "",
                c.nomination.nominating_unit.name,
                str(c.expert),
                c.get_kind_display(),
                c.get_source_display(),
                c.reason,
                (c.declared_by.full_name or c.declared_by.username) if c.declared_by else "",
                c.created_at,
                gettext("Yes") if (c.expert_id, c.nomination_id) in assigned else "",
            ],
        )
    ws = book.sheet(
        gettext("Coverage"),
        [
            (gettext("Nomination number"), 16),
            (gettext("Nominee"), 12),
            (gettext("Nominating unit"), 30),
            (gettext("Accepted experts"), 12),
            (gettext("Conflicted"), 12),
            (gettext("Conflict-free"), 12),
            (gettext("Conflict-free, not answered yet"), 16),
            (gettext("Experts needed"), 12),
        ],
    )
    for row in report.coverage:
        book.append(
            ws,
            [
                row.nomination.number,
                row.nomination.person.name if row.nomination.person else "",
                row.nomination.nominating_unit.name,
                row.accepted,
                row.conflicted,
                row.free,
                row.pending_free,
                row.needed,
            ],
        )
    ws = book.sheet(gettext("Counts"), [(gettext("Kind"), 30), (gettext("Conflicts"), 12)])
    for label, count in report.by_kind:
        book.append(ws, [str(label), count])
    return book.save()
