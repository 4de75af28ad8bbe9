"""The final approval (审定): the list the panel passed, checked against the quota, its balance
by region, industry, gender and age, and the approval that freezes it.

- The **approved list** is the panel's passed nominees within the quota, in the panel's
  tie-break order (frozen at the panel's close): never more than the campaign's target.
  Passed nominees beyond the quota are shown as such and are not selected.
- **Balance** of the list: region = the province of the nominee's employer (the employer's
  region, else the nearest organization above it with a region); industry = the GB/T 4754
  section of the nominee's industry (else the employer's); gender; age band from the date of
  birth at the campaign's year (age reached in that year: under 35, 35–44, 45–54, 55 and
  over).
- **Approval** freezes the list into `FinalApproval.approved` with a SHA-256 digest of its
  canonical JSON, marks the approved nominations selected and every other nomination still
  in the review not selected (each with an entry on its timeline that its unit sees), moves
  the campaign to the public notice and tells the recommending chain.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import Role, RoleGrant
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.nominations.models import EndorsementStep, Nomination
from jiangxin.notifications.actions import notify
from jiangxin.orgs.models import Organization
from jiangxin.people.models import Person
from jiangxin.programs.models import Campaign
from jiangxin.reference.models import Industry, Region
from jiangxin.reviews import panel
from jiangxin.reviews.models import FinalApproval, PanelMeeting, ShortlistEntry

if TYPE_CHECKING:
    import datetime as dt

    from django_stubs_ext import StrOrPromise

    from jiangxin.accounts.models import User

NS = Nomination.Status
R = ShortlistEntry.Result
#: The nominations an approval closes: every one still in the review.
IN_REVIEW = (NS.ACCEPTED, NS.IN_REVIEW, NS.SHORTLISTED)
#: Age bands (lowest age of each band; the last is open-ended).
AGE_BANDS = (0, 35, 45, 55)
#: treebeard's materialized path step (MP_Node.steplen).
STEPLEN = 4


# --- The lists --------------------------------------------------------------------------------


@dataclass
class ApprovalLists:
    meeting: PanelMeeting | None
    quota: int
    #: Passed within the quota, in order: the list to approve.
    approved: list[ShortlistEntry]
    #: Passed but beyond the quota (the tie-break order put them after the last place).
    beyond_quota: list[ShortlistEntry]
    #: Not passed by the panel.
    failed: list[ShortlistEntry]

    @property
    def shortfall(self) -> int:
        return max(0, self.quota - len(self.approved))


def approval_lists(campaign: Campaign) -> ApprovalLists:
    """The closed panel's results split for the approval (empty before the panel closed)."""
    meeting = PanelMeeting.objects.filter(
        campaign=campaign, status=PanelMeeting.Status.CLOSED
    ).first()
    if meeting is None:
        return ApprovalLists(None, campaign.target, [], [], [])
    meeting.campaign = campaign
    entries = list(
        panel.entries_queryset(meeting).select_related("nomination__person__industry__section")
    )
    passed = sorted((e for e in entries if e.result == R.PASSED), key=lambda e: e.position or 0)
    approved = [e for e in passed if e.within_quota][: campaign.target]
    chosen = {e.pk for e in approved}
    return ApprovalLists(
        meeting,
        campaign.target,
        approved,
        [e for e in passed if e.pk not in chosen],
        sorted((e for e in entries if e.result != R.PASSED), key=lambda e: e.rank),
    )


def frozen_items(entries: Sequence[ShortlistEntry]) -> list[dict[str, Any]]:
    """The approved list as frozen in `FinalApproval.approved`."""
    return [
        {
            "nomination": e.nomination_id,
            "number": e.nomination.number,
            "position": position,
            "rank": e.rank,
            "agree": e.agree,
        }
        for position, e in enumerate(entries, start=1)
    ]


def list_digest(campaign_id: int, items: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of the campaign's approved list (sorted keys, no spaces)."""
    body = json.dumps(
        {"campaign": campaign_id, "approved": list(items)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def verify_approval(approval: FinalApproval) -> bool:
    """Whether the frozen list still matches its digest."""
    return list_digest(approval.campaign_id, approval.approved) == approval.digest


# --- Balance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the balance charts need of one nominee."""

    region: str
    industry: str
    gender: str
    age: int | None


@dataclass(frozen=True)
class BalanceRow:
    label: str
    count: int
    share: float  # percent, 1 decimal


def age_band(age: int | None) -> str:
    if age is None:
        return str(_("Not recorded"))
    if age < AGE_BANDS[1]:
        return str(_("Under %(age)s") % {"age": AGE_BANDS[1]})
    for low, high in pairwise(AGE_BANDS[1:]):
        if age < high:
            return str(_("%(low)s–%(high)s") % {"low": low, "high": high - 1})
    return str(_("%(age)s and over") % {"age": AGE_BANDS[-1]})


def _band_order() -> list[str]:
    return [age_band(a) for a in AGE_BANDS] + [age_band(None)]


def _rows(counter: Counter[str], order: Sequence[str] | None = None) -> list[BalanceRow]:
    total = sum(counter.values())
    if order is None:
        labels = sorted(counter, key=lambda label: (-counter[label], label))
    else:
        labels = [label for label in order if counter.get(label)]
    return [
        BalanceRow(label, counter[label], round(100 * counter[label] / total, 1) if total else 0.0)
        for label in labels
    ]


def balance(facts: Sequence[Facts]) -> dict[str, list[BalanceRow]]:
    """Counts and shares by region, industry, gender and age band."""
    return {
        "region": _rows(Counter(f.region for f in facts)),
        "industry": _rows(Counter(f.industry for f in facts)),
        "gender": _rows(Counter(f.gender for f in facts)),
        "age": _rows(Counter(age_band(f.age) for f in facts), _band_order()),
    }


def _province_name(region: Region) -> str:
    province = region.parent if region.parent_id and region.parent else region
    return province.name


def _region_label(employer: Organization, regional: dict[str, Organization]) -> str | None:
    """The province of the employer's region, or of the nearest organization above it."""
    if employer.region_id and employer.region:
        return _province_name(employer.region)
    for end in range(len(employer.path) - STEPLEN, 0, -STEPLEN):
        holder = regional.get(employer.path[:end])
        if holder is not None and holder.region is not None:
            return _province_name(holder.region)
    return None


def nominee_facts(entries: Sequence[ShortlistEntry], year: int) -> list[Facts]:
    """The facts of each entry's nominee, in a few queries (the entries carry the person,
    the employer and the person's industry)."""
    people: list[Person | None] = [e.nomination.person for e in entries]
    employers = {p.employer_id: p.employer for p in people if p is not None}
    prefixes = {
        e.path[:end] for e in employers.values() for end in range(STEPLEN, len(e.path), STEPLEN)
    }
    regional = {
        o.path: o
        for o in Organization.objects.filter(
            path__in=prefixes, region__isnull=False
        ).select_related("region__parent")
    }
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in={e.region_id for e in employers.values() if e.region_id}
        ).select_related("parent")
    }
    industries = {
        i.code: i
        for i in Industry.objects.filter(
            code__in={e.industry_id for e in employers.values() if e.industry_id}
        ).select_related("section")
    }
    for employer in employers.values():
        if employer.region_id:
            employer.region = regions[employer.region_id]
    unknown = str(_("Not recorded"))
    out = []
    for person in people:
        if person is None:
            out.append(Facts(unknown, unknown, unknown, None))
            continue
        employer = person.employer
        industry = person.industry or industries.get(employer.industry_id or "")
        section = industry.section if industry is not None and industry.section_id else industry
        out.append(
            Facts(
                region=_region_label(employer, regional) or unknown,
                industry=f"{section.code} {section.name}" if section else unknown,
                gender=str(person.get_gender_display()),
                age=age_in(person.birth_date, year),
            )
        )
    return out


def age_in(birth_date: dt.date, year: int) -> int:
    """The age reached in `year` (the campaign's year)."""
    return year - birth_date.year


CHART_TITLES: dict[str, StrOrPromise] = {
    "region": _("By region (province of the employer)"),
    "industry": _("By industry section"),
    "gender": _("By gender"),
    "age": _("By age in the campaign's year"),
}
CHART_KINDS = {"region": "bar", "industry": "bar", "gender": "pie", "age": "bar"}
CHART_AXES: dict[str, StrOrPromise] = {
    "region": _("Region"),
    "industry": _("Industry"),
    "gender": _("Gender"),
    "age": _("Age"),
}


def chart_data(rows: dict[str, list[BalanceRow]]) -> list[dict[str, Any]]:
    """One chart per balance dimension, as the JSON that charts.js draws."""
    return [
        {
            "id": f"chart-{key}",
            "key": key,
            "title": str(CHART_TITLES[key]),
            "axis": str(CHART_AXES[key]),
            "kind": CHART_KINDS[key],
            "series": str(_("Nominees")),
            "labels": [r.label for r in rows[key]],
            "values": [r.count for r in rows[key]],
            "rows": rows[key],
        }
        for key in CHART_TITLES
    ]


# --- The approval -----------------------------------------------------------------------------


def _chain_recipients(nominations: Sequence[Nomination]) -> dict[int, list[User]]:
    """Per nomination: the unit's clerks, whoever created it and the officers of every level
    of its endorsement chain (the recommending chain), read in three queries."""
    units = {n.nominating_unit_id: n.nominating_unit for n in nominations}
    steps: dict[int, set[int]] = defaultdict(set)
    for nomination_id, org_id in EndorsementStep.objects.filter(
        nomination__in=nominations, status=EndorsementStep.Status.APPROVED
    ).values_list("nomination_id", "organization_id"):
        steps[nomination_id].add(org_id)
    level_ids = {o for orgs in steps.values() for o in orgs}
    unit_q = Q()
    for unit in units.values():
        unit_q |= Q(
            organization__path__startswith=unit.path, organization__depth__lte=unit.depth + 1
        )
    grants = list(
        RoleGrant.objects.filter(revoked_at__isnull=True)
        .filter(
            (Q(role=Role.UNIT_CLERK) & unit_q)
            | Q(
                organization_id__in=level_ids,
                role__in=[Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER],
            )
        )
        .select_related("user", "organization")
    )
    out: dict[int, list[User]] = {}
    for n in nominations:
        unit = units[n.nominating_unit_id]
        users = [
            g.user
            for g in grants
            if (
                g.role == Role.UNIT_CLERK
                and g.organization.path.startswith(unit.path)
                and g.organization.depth <= unit.depth + 1
            )
            or (g.role != Role.UNIT_CLERK and g.organization_id in steps.get(n.pk, set()))
        ]
        if n.created_by is not None:
            users.append(n.created_by)
        out[n.pk] = users
    return out


def _not_selected_reason(entry: ShortlistEntry | None) -> str:
    if entry is None:
        return str(_("Not shortlisted for the panel meeting (online review)."))
    if entry.result == R.PASSED:
        return str(_("Passed by the panel meeting, but placed beyond the quota."))
    return str(_("Not passed by the panel meeting."))


@transaction.atomic
def do_approve_final(
    *,
    acting_user: User,
    campaign_id: int,
    notes: str = "",
    expected_digest: str | None = None,
) -> FinalApproval:
    """Approve the panel's list (within the quota) and freeze it; close every other reviewed
    nomination as not selected; move the campaign to the public notice.

    `expected_digest` is the digest of the list the officer confirmed on the page: if the list
    changed since (it cannot once the panel closed, but the page may be stale), nothing is
    approved."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )
    panel.require_manager(acting_user, campaign)
    if campaign.status != Campaign.Status.FINAL_APPROVAL:
        raise DomainError(
            "approval.not_approval_phase",
            _("The final approval comes after the panel meeting has closed."),
        )
    if FinalApproval.objects.filter(campaign=campaign).exists():
        raise DomainError("approval.exists", _("This campaign's list is already approved."))
    lists = approval_lists(campaign)
    if lists.meeting is None:
        raise DomainError("approval.no_panel", _("The panel meeting has not closed."))
    if len(lists.approved) > campaign.target:  # approval_lists caps it; checked again here
        raise DomainError(
            "approval.over_quota",
            _("The list has %(count)s nominees, more than the quota of %(quota)s.")
            % {"count": len(lists.approved), "quota": campaign.target},
        )
    items = frozen_items(lists.approved)
    digest = list_digest(campaign.pk, items)
    if expected_digest is not None and expected_digest != digest:
        raise DomainError(
            "approval.stale",
            _("The list changed since the page was shown. Review it again before approving."),
        )
    approval = FinalApproval.objects.create(
        campaign=campaign,
        approved=items,
        digest=digest,
        notes=notes.strip(),
        approved_by=acting_user,
    )
    # Lock order: the campaign, then its nominations.
    nominations = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, status__in=IN_REVIEW)
        .select_related("person", "nominating_unit", "created_by")
        .order_by("pk")
    )
    chosen = {e.nomination_id for e in lists.approved}
    entries = {e.nomination_id: e for e in [*lists.approved, *lists.beyond_quota, *lists.failed]}
    now = timezone.now()
    selected: list[Nomination] = []
    not_selected: list[Nomination] = []
    for n in nominations:
        n.status = NS.SELECTED if n.pk in chosen else NS.NOT_SELECTED
        n.updated_at = now
        (selected if n.pk in chosen else not_selected).append(n)
    Nomination.objects.bulk_update(nominations, ["status", "updated_at"])
    org = campaign.issuing_org
    positions = {item["nomination"]: item["position"] for item in items}
    panel.log_nomination_events(
        selected,
        "selected",
        actor=acting_user,
        org=org,
        comments={n.pk: str(_("Selected in the final approval.")) for n in selected},
        data={n.pk: {"position": positions[n.pk], "digest": digest} for n in selected},
    )
    panel.log_nomination_events(
        not_selected,
        "not_selected",
        actor=acting_user,
        org=org,
        comments={n.pk: _not_selected_reason(entries.get(n.pk)) for n in not_selected},
    )
    record_event(
        "review.final_approved",
        actor=acting_user,
        obj=campaign,
        acting_org=org,
        summary={
            "after": {"status": Campaign.Status.PUBLIC_NOTICE},
            "quota": campaign.target,
            "approved": len(items),
            "not_selected": len(not_selected),
            "digest": digest,
        },
    )
    campaign.status = Campaign.Status.PUBLIC_NOTICE
    campaign.save(update_fields=["status", "updated_at"])
    recipients = _chain_recipients(nominations)
    for n in nominations:
        params = {
            "number": n.number,
            "person": n.person.name if n.person else "",
            "campaign": campaign.name,
            "unit": n.nominating_unit.name,
            "reason": _not_selected_reason(entries.get(n.pk)) if n.pk not in chosen else "",
        }
        notify(
            recipients[n.pk],
            "nomination.selected" if n.pk in chosen else "nomination.not_selected",
            params=params,
            url=reverse("nominations:detail", args=[n.pk]),
        )
    return approval
