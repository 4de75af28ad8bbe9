"""The endorsement chain: which organizations endorse a nomination on its way up.

Between the nominating unit and the campaign's issuing organization, every union federation
on the way endorses in turn, bottom up: the city federation, then the provincial federation
(or the national industrial union, or the central-enterprise union). Enterprises on the way
do not endorse: the enterprise union's submission speaks for them.
"""

from __future__ import annotations

from jiangxin.orgs.models import Organization
from jiangxin.programs.models import Campaign, QuotaAllocation
from jiangxin.programs.rules import ENDORSING_KINDS


def in_campaign_area(campaign: Campaign, unit: Organization) -> bool:
    return unit.path.startswith(campaign.issuing_org.path) and unit.pk != campaign.issuing_org_id


def endorsing_levels(campaign: Campaign, unit: Organization) -> list[Organization]:
    """The organizations that endorse a nomination from `unit`, lowest first."""
    issuer = campaign.issuing_org
    ancestors = Organization.objects.get_ancestors(unit)  # the root first
    between = [a for a in ancestors if a.depth > issuer.depth and a.path.startswith(issuer.path)]
    return [a for a in reversed(between) if a.kind in ENDORSING_KINDS]


def recommending_allocation(campaign: Campaign, unit: Organization) -> QuotaAllocation | None:
    """The top-level allocation that covers `unit` (its recommending organization's)."""
    return (
        QuotaAllocation.objects.filter(campaign=campaign, parent__isnull=True)
        .select_related("organization")
        .filter(organization__path__in=_ancestor_or_self_paths(unit))
        .first()
    )


def _ancestor_or_self_paths(org: Organization) -> list[str]:
    step = Organization.steplen
    return [org.path[:i] for i in range(step, len(org.path) + 1, step)]


def path_between(unit: Organization, lower: Organization, upper: Organization) -> list[str]:
    """Paths of the ancestors-or-self of `unit` deeper than `upper`, down to `lower`
    (inclusive): the organizations a nomination passes when it moves from `lower` up to
    `upper`."""
    return [p for p in _ancestor_or_self_paths(unit) if len(upper.path) < len(p) <= len(lower.path)]
