"""Permission decisions for policy versions, campaigns and quotas.

- Policy versions are the national measures: program officers of the root organization (ACFTU)
  create, edit and publish them; every signed-in officer, clerk and expert may read them.
- A campaign belongs to its issuing organization: program officers holding a grant on that
  organization itself run it. Its tier fixes which kinds of organization may issue it.
- A recommending organization splits its own allocation: recommending or program officers
  holding a grant on that organization itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.orgs.models import Organization
from jiangxin.programs.models import Campaign, Tier

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.programs.models import QuotaAllocation

    AnyUser = User | AnonymousUser

K = Organization.Kind

#: Which kinds of organization issue a campaign of each tier.
ISSUER_KINDS: dict[str, frozenset[str]] = {
    Tier.NATIONAL: frozenset({K.ACFTU}),
    Tier.PROVINCIAL: frozenset(
        {K.PROVINCIAL_FEDERATION, K.INDUSTRIAL_UNION, K.CENTRAL_ENTERPRISE_UNION}
    ),
    Tier.MUNICIPAL: frozenset({K.CITY_FEDERATION}),
}

#: The kinds of organization that endorse nominations on their way up (the chain's levels).
ENDORSING_KINDS = frozenset(
    {K.PROVINCIAL_FEDERATION, K.INDUSTRIAL_UNION, K.CENTRAL_ENTERPRISE_UNION, K.CITY_FEDERATION}
)

#: Which children of an issuing organization are its recommending organizations by default.
RECOMMENDING_KINDS: dict[str, frozenset[str]] = {
    K.ACFTU: frozenset({K.PROVINCIAL_FEDERATION, K.INDUSTRIAL_UNION, K.CENTRAL_ENTERPRISE_UNION}),
    K.PROVINCIAL_FEDERATION: frozenset({K.CITY_FEDERATION, K.ENTERPRISE}),
    K.INDUSTRIAL_UNION: frozenset({K.ENTERPRISE}),
    K.CENTRAL_ENTERPRISE_UNION: frozenset({K.ENTERPRISE}),
    K.CITY_FEDERATION: frozenset({K.ENTERPRISE}),
}

STAFF_ROLES = (
    Role.PROGRAM_OFFICER,
    Role.RECOMMENDING_OFFICER,
    Role.UNIT_CLERK,
    Role.EXPERT,
)


def _holds_on(user: AnyUser, org_id: int, *roles: str) -> bool:
    return any(
        g.organization_id == org_id and g.role in roles for g in account_rules.active_grants(user)
    )


def can_read_policies(user: AnyUser) -> bool:
    return account_rules.has_role(user, *STAFF_ROLES)


def can_edit_policies(user: AnyUser) -> bool:
    return any(
        g.role == Role.PROGRAM_OFFICER and g.organization.depth == 1
        for g in account_rules.active_grants(user)
    )


def issuing_orgs_for(user: AnyUser) -> list[Organization]:
    """Organizations on which the user may create campaigns (program officer grants)."""
    return [
        g.organization
        for g in account_rules.active_grants(user)
        if g.role == Role.PROGRAM_OFFICER
        and any(g.organization.kind in kinds for kinds in ISSUER_KINDS.values())
    ]


def tiers_issued_by(org: Organization) -> list[str]:
    return [tier for tier in Tier if org.kind in ISSUER_KINDS[tier]]


def can_create_campaign(user: AnyUser, issuing_org: Organization, tier: str) -> bool:
    return issuing_org.kind in ISSUER_KINDS.get(tier, frozenset()) and _holds_on(
        user, issuing_org.pk, Role.PROGRAM_OFFICER
    )


def can_manage_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return _holds_on(user, campaign.issuing_org_id, Role.PROGRAM_OFFICER)


def can_split_allocation(user: AnyUser, allocation: QuotaAllocation) -> bool:
    return allocation.campaign.status == Campaign.Status.DEPLOYED and _holds_on(
        user, allocation.organization_id, Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER
    )


# --- Page decisions (what a page offers; the actions re-check everything) ----------------------

#: Statuses in which a campaign's dates may still move (before publication).
DATES_MOVABLE = frozenset(
    {
        Campaign.Status.DRAFT,
        Campaign.Status.DEPLOYED,
        Campaign.Status.RECOMMENDATION_CLOSED,
        Campaign.Status.FORMAT_CHECK,
        Campaign.Status.ONLINE_REVIEW,
        Campaign.Status.PANEL_MEETING,
        Campaign.Status.FINAL_APPROVAL,
        Campaign.Status.PUBLIC_NOTICE,
    }
)


def can_list_campaigns(user: AnyUser) -> bool:
    """Who has a campaigns page: those for whom `campaigns_visible_to` can be non-empty."""
    return account_rules.has_role(
        user, Role.PROGRAM_OFFICER, Role.RECOMMENDING_OFFICER, Role.UNIT_CLERK
    )


def can_create_any_campaign(user: AnyUser) -> bool:
    return bool(issuing_orgs_for(user))


def can_edit_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status in DATES_MOVABLE and can_manage_campaign(user, campaign)


def can_allocate(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.DRAFT and can_manage_campaign(user, campaign)


def can_deploy_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.DRAFT and can_manage_campaign(user, campaign)


def can_close_recommendation(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.DEPLOYED and can_manage_campaign(user, campaign)


def can_open_format_check(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.RECOMMENDATION_CLOSED and can_manage_campaign(
        user, campaign
    )


def can_name_staff(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status != Campaign.Status.CLOSED and can_manage_campaign(user, campaign)
