"""Scoped reads of nominations. Details use get_object_or_404 on these querysets, so a
nomination outside the user's scope answers 404 exactly like one that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.nominations import rules
from jiangxin.nominations.models import EndorsementStep, Nomination, NominationImport
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign, CampaignStaff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser


def nominations_visible_to(user: AnyUser) -> QuerySet[Nomination]:
    """- clerks and recommending officers: every nomination of the units in their subtree,
      drafts included;
    - program officers: the nominations put forward in the campaigns issued in their subtree;
    - format check staff: those of their campaigns.
    """
    if not user.is_authenticated:
        return Nomination.objects.none()
    grants = account_rules.active_grants(user)
    preparer_paths = [
        g.organization.path
        for g in grants
        if g.role in (Role.UNIT_CLERK, Role.RECOMMENDING_OFFICER)
    ]
    program_paths = [g.organization.path for g in grants if g.role == Role.PROGRAM_OFFICER]
    q = Q(pk__in=[])
    if preparer_paths:
        q |= account_rules.subtree_q(preparer_paths, field="nominating_unit__path")
    not_draft = ~Q(status=Nomination.Status.DRAFT)
    if program_paths:
        q |= account_rules.subtree_q(program_paths, field="campaign__issuing_org__path") & not_draft
    staff_campaigns = CampaignStaff.objects.filter(user_id=user.pk).values("campaign_id")
    q |= Q(campaign_id__in=staff_campaigns) & not_draft
    return Nomination.objects.filter(q)


def list_queryset(qs: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """What a list page shows per row, in a fixed number of queries."""
    return qs.select_related(
        "campaign", "person", "nominating_unit", "current_level", "person__employer"
    )


def awaiting_endorsement_by(user: AnyUser) -> QuerySet[Nomination]:
    """Nominations waiting at a level the user endorses for."""
    org_ids = [
        g.organization_id
        for g in account_rules.active_grants(user)
        if g.role in (Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER)
    ]
    return nominations_visible_to(user).filter(
        status=Nomination.Status.SUBMITTED, current_level_id__in=org_ids
    )


def chain_of(nomination: Nomination) -> list[EndorsementStep]:
    """The steps of the nomination's current (latest) round, lowest level first."""
    return list(
        nomination.steps.filter(round=nomination.chain_round)
        .select_related("organization", "acted_by")
        .order_by("position")
    )


def open_campaigns_for(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns the user sees whose recommendation is open today."""
    today = timezone.localdate()
    return program_selectors.campaigns_visible_to(user).filter(
        status=Campaign.Status.DEPLOYED,
        recommendation_opens__lte=today,
        recommendation_closes__gte=today,
    )


def imports_visible_to(user: AnyUser) -> QuerySet[NominationImport]:
    """A batch is seen by the preparer who uploaded it, and by no one else."""
    if not user.is_authenticated or not rules.can_import_nominations(user):
        return NominationImport.objects.none()
    return NominationImport.objects.filter(created_by_id=user.pk)
