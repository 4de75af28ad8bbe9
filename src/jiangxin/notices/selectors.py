"""Scoped reads of notices, objections and explanation requests.

Every signed-in page reads through these, so a notice, objection or request outside the user's
reach answers 404 exactly like a missing one. The public pages read `public_notices()` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.notices.models import ExplanationRequest, NoticeEntry, Objection, PublicNotice
from jiangxin.people import rules as people_rules
from jiangxin.programs.models import CampaignStaff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser


def _campaign_q(user: AnyUser, field: str) -> Q:
    """Campaigns the user runs (a program officer grant on the issuing organization itself)
    or handles objections in (named for the duty)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    issuers = [
        g.organization_id
        for g in account_rules.active_grants(user)
        if g.role == Role.PROGRAM_OFFICER
    ]
    named = CampaignStaff.objects.filter(
        campaign_id=OuterRef(f"{field}_id"),
        user_id=user.pk,
        duty=CampaignStaff.Duty.OBJECTION_HANDLER,
    )
    return Q(**{f"{field}__issuing_org_id__in": issuers}) | Q(Exists(named))


def notices_visible_to(user: AnyUser) -> QuerySet[PublicNotice]:
    return PublicNotice.objects.filter(_campaign_q(user, "campaign")).select_related(
        "campaign", "campaign__issuing_org", "campaign__policy_version"
    )


def objections_visible_to(user: AnyUser) -> QuerySet[Objection]:
    return Objection.objects.filter(_campaign_q(user, "notice__campaign")).select_related(
        "notice",
        "notice__campaign",
        "entry",
        "entry__nomination",
        "entry__nomination__person",
        "entry__nomination__nominating_unit",
        "assigned_to",
    )


def explanation_requests_for(user: AnyUser) -> QuerySet[ExplanationRequest]:
    """Requests addressed to units the user prepares nominations for (their subtree)."""
    paths = account_rules.grant_paths(user, people_rules.PREPARER_ROLES)
    if not paths:
        return ExplanationRequest.objects.none()
    return ExplanationRequest.objects.filter(
        account_rules.subtree_q(paths, field="unit__path")
    ).select_related(
        "unit",
        "objection",
        "objection__notice",
        "objection__entry",
        "objection__entry__nomination",
        "objection__entry__nomination__person",
    )


def public_notices() -> QuerySet[PublicNotice]:
    """Notices the public may read: open, or closed (the record stays readable)."""
    return PublicNotice.objects.filter(
        status__in=[PublicNotice.Status.OPEN, PublicNotice.Status.CLOSED]
    ).select_related("campaign", "campaign__issuing_org")


def objectable_entries(notice: PublicNotice) -> QuerySet[NoticeEntry]:
    """The entries of a public notice a visitor may object to (listed and named)."""
    return notice.entries.exclude(public_name="").order_by("position", "id")
