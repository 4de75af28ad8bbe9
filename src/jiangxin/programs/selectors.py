"""Scoped reads of policy versions, campaigns and allocations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role, RoleGrant
from jiangxin.programs import rules
from jiangxin.programs.models import Campaign, PolicyVersion, QuotaAllocation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization

    AnyUser = User | AnonymousUser

#: treebeard's materialized path step (MP_Node.steplen).
STEPLEN = 4


def _prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(STEPLEN, len(path) + 1, STEPLEN)]


def policy_versions_visible_to(user: AnyUser) -> QuerySet[PolicyVersion]:
    if not rules.can_read_policies(user):
        return PolicyVersion.objects.none()
    if rules.can_edit_policies(user):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns the user runs or works in.

    - Program officers see the campaigns issued anywhere in their subtree, drafts included.
    - Every officer and clerk sees the deployed (not draft) campaigns issued by an organization
      above or at their own, i.e. the campaigns they may nominate or endorse in.
    """
    grants = [
        g
        for g in account_rules.active_grants(user)
        if g.role in (Role.PROGRAM_OFFICER, Role.RECOMMENDING_OFFICER, Role.UNIT_CLERK)
    ]
    if not grants:
        return Campaign.objects.none()
    own = account_rules.subtree_q(
        [g.organization.path for g in grants if g.role == Role.PROGRAM_OFFICER],
        field="issuing_org__path",
    )
    above = {p for g in grants for p in _prefixes(g.organization.path)}
    reachable = Q(issuing_org__path__in=above) & ~Q(status=Campaign.Status.DRAFT)
    return Campaign.objects.filter(own | reachable)


def allocations_visible_to(user: AnyUser, campaign: Campaign) -> QuerySet[QuotaAllocation]:
    """A campaign's allocations: all of them for those who run it; otherwise the ones of the
    organizations in the user's subtree and of their ancestors (so a city sees its province's
    allocation)."""
    qs = QuotaAllocation.objects.filter(campaign=campaign).select_related("organization")
    if rules.can_manage_campaign(user, campaign):
        return qs
    paths = [g.organization.path for g in account_rules.active_grants(user)]
    above = {p for path in paths for p in _prefixes(path)}
    return qs.filter(
        account_rules.subtree_q(paths, field="organization__path") | Q(organization__path__in=above)
    )


def forwarded_counts(campaign: Campaign, orgs: list[Organization]) -> dict[int, int]:
    """How many nominations of `campaign` each of `orgs` has put forward so far, in one query.

    The same count as `nominations.quota.forwarded_count` (a nomination from X's subtree is
    past X when the organization it is now with sits above X), grouped by (nominating unit,
    depth of its current level) so the rows read stay few.
    """
    from django.db.models import Count

    from jiangxin.nominations.models import Nomination
    from jiangxin.nominations.quota import HOLDING_STATUSES

    counts = {org.pk: 0 for org in orgs}
    if not orgs:
        return counts
    groups = (
        Nomination.objects.filter(
            account_rules.subtree_q([o.path for o in orgs], field="nominating_unit__path"),
            campaign=campaign,
            status__in=HOLDING_STATUSES,
        )
        .values("nominating_unit__path", "current_level__depth")
        .annotate(n=Count("id"))
        .order_by()
    )
    for group in groups:
        unit_path = group["nominating_unit__path"]
        level_depth = group["current_level__depth"]
        for org in orgs:
            if (
                unit_path.startswith(org.path)
                and level_depth is not None
                and level_depth < org.depth
            ):
                counts[org.pk] += group["n"]
    return counts


def program_officers_of(campaign: Campaign) -> list[User]:
    """The program officers of the campaign's issuing organization (whom its review and
    notice events are told to)."""
    return [
        g.user
        for g in RoleGrant.objects.filter(
            organization_id=campaign.issuing_org_id,
            role=Role.PROGRAM_OFFICER,
            revoked_at__isnull=True,
        ).select_related("user")
    ]
