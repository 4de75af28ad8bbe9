"""The assignment problem of a campaign, read from the database, and its answer in user terms.

- Nominations: the campaign's ACCEPTED ones (a first assignment), or, for a replacement run,
  IN_REVIEW ones with fewer active assignments than k (each needs only what it lacks; every
  other assignment stays as it is).
- Experts: the accepted invitations of the campaign (active profile and account). An expert's
  limit L is the invitation's `max_load`, else the profile's `default_max_load`, else the
  run's default (the policy's `max_nominations_per_expert` unless the officer changed it);
  their remaining room is L minus their active assignments in the campaign, which also count
  as existing load for the balancing tie-break.
- Never assigned: a `Conflict` row of the campaign, a pair in the run's forbids, and, in a
  replacement run, an expert who already had any assignment (active, recused, replaced) on
  that nomination. Optionally the officer requires an industry match (section or division);
  a pin overrides that requirement, never a conflict (a pin that now crosses one is left out
  and reported).
- Affinity: `affinity.combine` over the nominee's industry, occupation group, statements,
  deeds summary and occupation, and the expert's industries, occupation groups, skill domains
  and expertise (weights in `affinity`).
- "At least one expert from outside the nominee's province": the nominee's province is that
  of the employer's region (or the nearest organization above it with a region); the
  expert's, that of the profile's region (or their organization's). An unknown nominee
  province asks nothing of the nomination; an expert of unknown province does not count as
  outside.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from jiangxin.nominations.models import Nomination, Statement
from jiangxin.orgs.models import Organization
from jiangxin.reviews.assignment import affinity as aff
from jiangxin.reviews.assignment import solver
from jiangxin.reviews.models import Assignment, Conflict, ExpertProfile, Invitation

if TYPE_CHECKING:
    from jiangxin.programs.models import Campaign

INDUSTRY_ANY = ""
INDUSTRY_SECTION = "section"
INDUSTRY_DIVISION = "division"


@dataclass
class RunParams:
    """What a run asks (stored as `AssignmentRun.params`)."""

    k: int
    default_max_load: int
    outside_province: bool = False
    industry_required: str = INDUSTRY_ANY
    use_text: bool = True
    #: (nomination id, expert profile id) pairs.
    pins: list[tuple[int, int]] = field(default_factory=list)
    forbids: list[tuple[int, int]] = field(default_factory=list)
    replacement: bool = False
    #: A replacement run's nominations (None: every nomination short of experts).
    nominations: list[int] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "default_max_load": self.default_max_load,
            "outside_province": self.outside_province,
            "industry_required": self.industry_required,
            "use_text": self.use_text,
            "pins": [list(p) for p in self.pins],
            "forbids": [list(p) for p in self.forbids],
            "replacement": self.replacement,
            "nominations": self.nominations,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunParams:
        return cls(
            k=int(data["k"]),
            default_max_load=int(data["default_max_load"]),
            outside_province=bool(data.get("outside_province", False)),
            industry_required=str(data.get("industry_required", INDUSTRY_ANY)),
            use_text=bool(data.get("use_text", True)),
            pins=[(int(a), int(b)) for a, b in data.get("pins", [])],
            forbids=[(int(a), int(b)) for a, b in data.get("forbids", [])],
            replacement=bool(data.get("replacement", False)),
            nominations=(
                [int(x) for x in data["nominations"]]
                if data.get("nominations") is not None
                else None
            ),
        )


@dataclass
class Problem:
    """A solver problem with the ids behind its rows and columns."""

    nomination_ids: list[int]
    labels: list[str]  # "number name", to name a nomination in a message
    groups: list[str]  # industry code per nomination ("" unknown)
    provinces: list[str]  # province code per nomination ("" unknown)
    expert_ids: list[int]
    expert_names: list[str]
    affinity: npt.NDArray[np.floating[Any]]
    allowed: npt.NDArray[np.bool_]
    k: npt.NDArray[np.int64]
    max_load: npt.NDArray[np.int64]
    existing: npt.NDArray[np.int64]  # active assignments per expert in the campaign
    outside: npt.NDArray[np.bool_] | None
    pins: list[tuple[int, int]]  # index pairs
    forbids: list[tuple[int, int]]  # index pairs
    dropped_pins: list[tuple[int, int]]  # id pairs no longer valid (left out)

    @property
    def capacity(self) -> npt.NDArray[np.int64]:
        return np.maximum(self.max_load - self.existing, 0)


def accepted_invitations(campaign: Campaign) -> Any:
    return (
        Invitation.objects.filter(
            campaign=campaign,
            status=Invitation.Status.ACCEPTED,
            expert__is_active=True,
            expert__user__is_active=True,
        )
        .select_related("expert", "expert__user", "expert__region", "expert__organization")
        .order_by("expert_id")
    )


def expert_limit(invitation: Invitation, default_max_load: int) -> int:
    """L for one expert: the invitation's, else the profile's, else the run's default."""
    if invitation.max_load:
        return int(invitation.max_load)
    if invitation.expert.default_max_load:
        return int(invitation.expert.default_max_load)
    return default_max_load


def active_counts(campaign: Campaign) -> tuple[dict[int, int], dict[int, int]]:
    """Active assignments per expert and per nomination in the campaign."""
    active = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
    per_expert = dict(
        active.values("expert_id").annotate(n=Count("id")).values_list("expert_id", "n")
    )
    per_nomination = dict(
        active.values("nomination_id").annotate(n=Count("id")).values_list("nomination_id", "n")
    )
    return per_expert, per_nomination


def nominations_in_scope(campaign: Campaign, params: RunParams) -> list[Nomination]:
    """The nominations a run assigns, each with `need` (experts it still lacks), by number."""
    _per_expert, per_nomination = active_counts(campaign)
    if params.replacement:
        qs = Nomination.objects.filter(campaign=campaign, status=Nomination.Status.IN_REVIEW)
        if params.nominations is not None:
            qs = qs.filter(pk__in=params.nominations)
    else:
        qs = Nomination.objects.filter(campaign=campaign, status=Nomination.Status.ACCEPTED)
    out = []
    for nomination in qs.order_by("number"):
        need = params.k - per_nomination.get(nomination.pk, 0)
        if need > 0:
            nomination.need = need  # type: ignore[attr-defined]
            out.append(nomination)
    return out


def _province_of_orgs(orgs: Iterable[Organization]) -> dict[int, tuple[str, str]]:
    """(province code, name) of each organization: its region's, or the nearest ancestor's
    with a region. One query for every ancestor."""
    orgs = list(orgs)
    steplen = Organization.steplen
    prefixes = {o.path[:end] for o in orgs for end in range(steplen, len(o.path) + 1, steplen)}
    by_path = {
        o.path: o
        for o in Organization.objects.filter(path__in=prefixes).select_related(
            "region", "region__parent"
        )
    }
    out: dict[int, tuple[str, str]] = {}
    for org in orgs:
        for end in range(len(org.path), 0, -steplen):
            node = by_path.get(org.path[:end])
            if node is not None and node.region is not None:
                out[org.pk] = _province(node.region)
                break
    return out


def _province(region: Any) -> tuple[str, str]:
    province = region.parent if region.parent_id else region
    return province.code, province.name


def _industry_codes(industry: Any) -> tuple[str | None, str | None]:
    """(division code, section code) of a nominee's industry."""
    if industry is None:
        return None, None
    if industry.level == industry.Level.DIVISION:
        return industry.code, industry.section_id
    return None, industry.code


def industry_label(code: str) -> str:
    """ "C36 汽车制造业": the section letter, the division code and the name (active language)."""
    from jiangxin.reference.models import Industry

    industry = Industry.objects.filter(pk=code).first() if code else None
    if industry is None:
        return code
    if industry.level == Industry.Level.DIVISION:
        return f"{industry.section_id or ''}{industry.code} {industry.name}"
    return f"{industry.code} {industry.name}"


def province_label(code: str) -> str:
    from jiangxin.reference.models import Region

    region = Region.objects.filter(pk=code).first() if code else None
    return region.name if region is not None else code


def build_problem(campaign: Campaign, params: RunParams) -> Problem:
    """Read everything the solver needs (a fixed number of queries, whatever the size)."""
    nominations = nominations_in_scope(campaign, params)
    ids = [n.pk for n in nominations]
    people = {
        n.pk: n
        for n in Nomination.objects.filter(pk__in=ids)
        .select_related(
            "person",
            "person__industry",
            "person__employer",
            "person__occupation_group",
            "nominating_unit",
        )
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.only("nomination_id", "text"))
        )
    }
    nominations = [_with_need(people[n.pk], n.need) for n in nominations]  # type: ignore[attr-defined]
    invitations = list(accepted_invitations(campaign))
    experts = [inv.expert for inv in invitations]
    expert_ids = [e.pk for e in experts]
    profiles = {
        e.pk: e
        for e in ExpertProfile.objects.filter(pk__in=expert_ids).prefetch_related(
            "industries", "occupation_groups"
        )
    }
    per_expert, _per_nomination = active_counts(campaign)

    n, m = len(nominations), len(experts)
    # Nominee features
    nom_div: list[str | None] = []
    nom_sec: list[str | None] = []
    groups: list[str] = []
    nom_occ: list[str | None] = []
    texts: list[str] = []
    labels: list[str] = []
    for nom in nominations:
        person = nom.person
        division, section = _industry_codes(person.industry if person else None)
        nom_div.append(division)
        nom_sec.append(section)
        groups.append(person.industry_id or "" if person else "")
        nom_occ.append(person.occupation_group_id if person else None)
        parts = [s.text for s in nom.statements.all()]
        parts += [
            nom.deeds_summary,
            person.occupation if person else "",
            person.position if person else "",
        ]
        texts.append("\n".join(p for p in parts if p))
        labels.append(f"{nom.number} {person.name if person else ''}".strip())

    # Expert features
    exp_divs: list[set[str]] = []
    exp_secs: list[set[str]] = []
    exp_occ: list[set[str]] = []
    keywords: list[list[str]] = []
    expertise: list[str] = []
    for expert in experts:
        profile = profiles[expert.pk]
        divisions: set[str] = set()
        sections: set[str] = set()
        for industry in profile.industries.all():
            if industry.level == industry.Level.DIVISION:
                divisions.add(industry.code)
                if industry.section_id:
                    sections.add(industry.section_id)
            else:
                sections.add(industry.code)
        exp_divs.append(divisions)
        exp_secs.append(sections)
        exp_occ.append({g.code for g in profile.occupation_groups.all()})
        words = [str(w) for w in (profile.skill_domains or []) if str(w).strip()]
        keywords.append(words)
        expertise.append(" ".join([profile.expertise, *words]))

    same_division = aff.code_match(nom_div, exp_divs)
    same_section = aff.code_match(nom_sec, exp_secs)
    matrix = aff.combine(
        division=same_division,
        section=same_section,
        occupation=aff.code_match(nom_occ, exp_occ),
        skill_hits=aff.keyword_hits(texts, keywords),
        text=aff.tfidf_cosine(texts, expertise) if params.use_text and n and m else None,
    )

    # Never: a conflict, or (replacement) someone who was on the nomination before.
    permitted = np.ones((n, m), bool)
    row = {nid: i for i, nid in enumerate(ids)}
    col = {eid: j for j, eid in enumerate(expert_ids)}
    blocked = list(
        Conflict.objects.filter(campaign=campaign, nomination_id__in=ids).values_list(
            "nomination_id", "expert_id"
        )
    )
    if params.replacement:
        # Whoever was on the nomination before (active, recused or replaced) is not again.
        blocked += Assignment.objects.filter(campaign=campaign, nomination_id__in=ids).values_list(
            "nomination_id", "expert_id"
        )
    for nomination_id, expert_id in blocked:
        if expert_id in col:
            permitted[row[nomination_id], col[expert_id]] = False
    allowed = permitted.copy()
    if params.industry_required == INDUSTRY_DIVISION:
        allowed &= same_division
    elif params.industry_required == INDUSTRY_SECTION:
        allowed &= same_division | same_section

    outside = None
    provinces = [""] * n
    if params.outside_province and n and m:
        employer_orgs = [
            nom.person.employer if nom.person else nom.nominating_unit for nom in nominations
        ]
        expert_orgs = [e.organization for e in experts if e.region_id is None and e.organization_id]
        province_of = _province_of_orgs([*employer_orgs, *expert_orgs])
        nom_prov = []
        for i, org in enumerate(employer_orgs):
            code, _name = province_of.get(org.pk, ("", ""))
            nom_prov.append(code)
            provinces[i] = code
        exp_prov = []
        for expert in experts:
            if expert.region is not None:
                exp_prov.append(_province(expert.region)[0])
            elif expert.organization_id:
                exp_prov.append(province_of.get(expert.organization_id, ("", ""))[0])
            else:
                exp_prov.append("")
        nom_arr = np.array(nom_prov, dtype=object)
        exp_arr = np.array(exp_prov, dtype=object)
        outside = (nom_arr[:, None] != exp_arr[None, :]) & (exp_arr != "")[None, :]
        outside |= (nom_arr == "")[:, None]  # nothing asked: every expert counts

    max_load = np.array(
        [expert_limit(inv, params.default_max_load) for inv in invitations], dtype=np.int64
    )
    existing = np.array([per_expert.get(eid, 0) for eid in expert_ids], dtype=np.int64)

    def index_pairs(
        pairs: list[tuple[int, int]],
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        kept, dropped = [], []
        for nomination_id, expert_id in pairs:
            if nomination_id in row and expert_id in col:
                kept.append((row[nomination_id], col[expert_id]))
            else:
                dropped.append((nomination_id, expert_id))
        return kept, dropped

    pins, dropped = index_pairs(params.pins)
    # A pin is the officer's choice: it overrides the industry requirement, never a conflict.
    valid_pins = [(i, j) for i, j in pins if permitted[i, j]]
    dropped += [(ids[i], expert_ids[j]) for i, j in pins if not permitted[i, j]]
    for i, j in valid_pins:
        allowed[i, j] = True
    forbids, _gone = index_pairs(params.forbids)
    return Problem(
        nomination_ids=ids,
        labels=labels,
        groups=groups,
        provinces=provinces,
        expert_ids=expert_ids,
        expert_names=[str(e) for e in experts],
        affinity=matrix,
        allowed=allowed,
        k=np.array([nom.need for nom in nominations], dtype=np.int64),  # type: ignore[attr-defined]
        max_load=max_load,
        existing=existing,
        outside=outside,
        pins=valid_pins,
        forbids=forbids,
        dropped_pins=dropped,
    )


def _with_need(nomination: Nomination, need: int) -> Nomination:
    nomination.need = need  # type: ignore[attr-defined]
    return nomination


def solve_problem(
    problem: Problem,
    *,
    progress: solver.ProgressCallback | None = None,
    should_cancel: solver.CancelCheck | None = None,
) -> solver.Solution:
    return solver.solve(
        problem.affinity,
        problem.k,
        problem.capacity,
        allowed=problem.allowed,
        pins=problem.pins,
        forbids=problem.forbids,
        outside=problem.outside,
        min_outside=1 if problem.outside is not None else 0,
        base_load=problem.existing,
        groups=problem.groups,
        outside_groups=problem.provinces if problem.outside is not None else None,
        names=problem.labels,
        expert_names=problem.expert_names,
        progress=progress,
        should_cancel=should_cancel,
    )


# --- In user terms ------------------------------------------------------------------------------


def describe_bottleneck(data: dict[str, Any]) -> str:
    """One translated sentence naming a bottleneck (`Bottleneck.as_dict()` as stored), e.g.
    "C36 汽车制造业: 4 available experts for 30 nominations with k = 3 and L = 10"."""
    b = solver.Bottleneck.from_dict(data)
    kind = solver.Kind
    if b.kind == kind.NOMINATION:
        return _("%(label)s: %(experts)s eligible experts for k = %(k)s") % {
            "label": b.label,
            "experts": b.n_experts,
            "k": b.k,
        }
    if b.kind == kind.OUTSIDE_NOMINATION:
        return _(
            "%(label)s: %(experts)s eligible experts from outside the province, %(k)s needed"
        ) % {"label": b.label, "experts": b.n_experts, "k": b.k}
    if b.kind == kind.PINS_NOMINATION:
        return _("%(label)s: %(pins)s pinned experts leave no valid choice with k = %(k)s") % {
            "label": b.label,
            "pins": b.n_experts,
            "k": b.k,
        }
    if b.kind == kind.PINS_EXPERT:
        return _("%(label)s: pinned to %(pins)s nominations, more than L = %(L)s") % {
            "label": b.label,
            "pins": b.demand,
            "L": b.max_load,
        }
    if b.kind == kind.TOTAL or (b.kind == kind.OUTSIDE_GROUP and not b.label):
        label = _("All nominations")
    elif b.kind == kind.OUTSIDE_GROUP:
        label = province_label(b.label)
    elif not b.label:
        label = _("Industry not recorded")
    else:
        label = industry_label(b.label)
    if b.other_groups:
        label = _("%(label)s and %(count)s other industries") % {
            "label": label,
            "count": b.other_groups,
        }
    values = {
        "label": label,
        "experts": b.n_experts,
        "nominations": b.n_nominations,
        "k": b.k,
        "L": b.max_load,
        "demand": b.demand,
        "supply": b.supply,
    }
    if b.kind == kind.OUTSIDE_GROUP:
        return (
            _(
                "%(label)s: %(experts)s available experts from outside the province for "
                "%(nominations)s nominations needing %(demand)s such reviews; they can give at "
                "most %(supply)s"
            )
            % values
        )
    if b.k is not None and b.max_load is not None:
        return (
            _(
                "%(label)s: %(experts)s available experts for %(nominations)s nominations with "
                "k = %(k)s and L = %(L)s"
            )
            % values
        )
    return (
        _(
            "%(label)s: %(experts)s available experts for %(nominations)s nominations needing "
            "%(demand)s reviews; they can give at most %(supply)s"
        )
        % values
    )
