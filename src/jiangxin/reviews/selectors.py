"""Scoped reads of the expert review.

Experts reach nominations only through their own active assignments, and never one they have
a conflict with: every expert-facing page, partial, download and export reads through
`assignments_for_expert`, so a conflicted or unassigned nomination answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.reviews.models import Assignment, Conflict, ExpertProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser


def expert_profile_of(user: AnyUser) -> ExpertProfile | None:
    if not user.is_authenticated or not account_rules.has_role(user, Role.EXPERT):
        return None
    return ExpertProfile.objects.filter(user_id=user.pk, is_active=True).first()


def experts_visible_to(user: AnyUser) -> QuerySet[ExpertProfile]:
    """The pools of the issuing organizations under the user's program officer grants."""
    paths = account_rules.grant_paths(user, [Role.PROGRAM_OFFICER])
    if not paths:
        return ExpertProfile.objects.none()
    return ExpertProfile.objects.filter(account_rules.subtree_q(paths, field="pool__path"))


def assignments_for_expert(user: AnyUser) -> QuerySet[Assignment]:
    """The user's own active assignments, without any nomination they conflict with."""
    profile = expert_profile_of(user)
    if profile is None:
        return Assignment.objects.none()
    conflicted = Conflict.objects.filter(
        expert_id=profile.pk,
        nomination_id=OuterRef("nomination_id"),
        campaign_id=OuterRef("campaign_id"),
    )
    return (
        Assignment.objects.filter(expert=profile, status=Assignment.Status.ACTIVE)
        .exclude(Exists(conflicted))
        .select_related("nomination", "campaign")
    )
