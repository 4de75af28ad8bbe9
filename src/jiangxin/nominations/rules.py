"""Permission decisions for nominations.

- Preparers (unit clerks, and recommending officers for the units under them) create and edit
  the nominations of units in their subtree while the unit holds them (draft, or returned).
- Each level of the chain is acted on by the recommending (or program) officers holding a grant
  on that very organization: a city officer endorses at the city, never another city's.
- The format check is done by the program officers of the issuing organization and the staff
  they named for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.nominations.models import NominationImport
from jiangxin.orgs.models import Organization
from jiangxin.people import rules as people_rules
from jiangxin.programs import rules as program_rules
from jiangxin.programs.models import Campaign, CampaignStaff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.nominations.models import Nomination

    AnyUser = User | AnonymousUser

UNIT_KINDS = (Organization.Kind.ENTERPRISE, Organization.Kind.ENTERPRISE_UNION)
ENDORSER_ROLES = (Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER)
#: Before the expert review a nomination may still be withdrawn.
WITHDRAWABLE = ("draft", "submitted", "endorsed", "returned", "accepted")


def is_recommendation_open(campaign: Campaign) -> bool:
    today = timezone.localdate()
    return (
        campaign.status == Campaign.Status.DEPLOYED
        and campaign.recommendation_opens <= today <= campaign.recommendation_closes
    )


def can_prepare_at(user: AnyUser, unit: Organization) -> bool:
    return unit.kind in UNIT_KINDS and people_rules.can_prepare_at(user, unit)


def units_for(user: AnyUser) -> list[Organization]:
    """The units the user may nominate for: their own unit, or the units under them."""
    paths = account_rules.grant_paths(user, people_rules.PREPARER_ROLES)
    if not paths:
        return []
    return list(
        Organization.objects.filter(
            account_rules.subtree_q(paths), kind__in=UNIT_KINDS, is_active=True
        ).order_by("path")
    )


def is_held_by_unit(nomination: Nomination) -> bool:
    return nomination.status == "draft" or (
        nomination.status == "returned" and nomination.return_stage == "chain"
    )


def is_correctable(nomination: Nomination) -> bool:
    """A format-check return the unit may still correct (before its deadline)."""
    return (
        nomination.status == "returned"
        and nomination.return_stage == "format_check"
        and nomination.campaign.status == Campaign.Status.FORMAT_CHECK
        and nomination.return_deadline is not None
        and timezone.localdate() <= nomination.return_deadline
    )


def can_edit_nomination(user: AnyUser, nomination: Nomination) -> bool:
    if not can_prepare_at(user, nomination.nominating_unit):
        return False
    if is_held_by_unit(nomination):
        return is_recommendation_open(nomination.campaign)
    return is_correctable(nomination)


def holds_on(user: AnyUser, org_id: int | None, roles: tuple[str, ...]) -> bool:
    return org_id is not None and any(
        g.organization_id == org_id and g.role in roles for g in account_rules.active_grants(user)
    )


def can_endorse_nomination(user: AnyUser, nomination: Nomination) -> bool:
    return (
        nomination.status == "submitted"
        and nomination.campaign.status == Campaign.Status.DEPLOYED
        and holds_on(user, nomination.current_level_id, ENDORSER_ROLES)
    )


def can_run_format_check(user: AnyUser, campaign: Campaign) -> bool:
    if program_rules.can_manage_campaign(user, campaign):
        return True
    return (
        user.is_authenticated
        and CampaignStaff.objects.filter(
            campaign=campaign, user_id=user.pk, duty=CampaignStaff.Duty.FORMAT_CHECK
        ).exists()
    )


def can_decide_format_check(user: AnyUser, nomination: Nomination) -> bool:
    return (
        nomination.campaign.status == Campaign.Status.FORMAT_CHECK
        and nomination.status == "endorsed"
        and can_run_format_check(user, nomination.campaign)
    )


def can_withdraw_nomination(user: AnyUser, nomination: Nomination) -> bool:
    if nomination.status not in WITHDRAWABLE:
        return False
    if can_prepare_at(user, nomination.nominating_unit):
        return True
    return program_rules.can_manage_campaign(user, nomination.campaign)


def can_import_nominations(user: AnyUser) -> bool:
    """Preparers import: unit clerks for their unit, recommending officers for the units
    under them."""
    return bool(units_for(user))


def can_execute_import(user: AnyUser, batch: NominationImport) -> bool:
    return (
        batch.created_by_id == user.pk
        and batch.status == NominationImport.Status.PENDING
        and batch.error_count == 0
        and bool(batch.file)
        and is_recommendation_open(batch.campaign)
    )


def can_discard_import(user: AnyUser, batch: NominationImport) -> bool:
    return batch.created_by_id == user.pk and batch.status == NominationImport.Status.PENDING


def can_list_nominations(user: AnyUser) -> bool:
    """Who has a nomination list: preparers, officers and format-check staff."""
    if account_rules.has_role(user, Role.UNIT_CLERK, *ENDORSER_ROLES):
        return True
    return (
        user.is_authenticated
        and CampaignStaff.objects.filter(
            user_id=user.pk, duty=CampaignStaff.Duty.FORMAT_CHECK
        ).exists()
    )


def holds_any_endorser_grant(user: AnyUser) -> bool:
    """Does the user act for a level of some endorsement chain (a union federation)?"""
    return any(
        g.role in ENDORSER_ROLES and g.organization.kind in program_rules.ENDORSING_KINDS
        for g in account_rules.active_grants(user)
    )
