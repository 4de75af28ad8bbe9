"""Scoped reads of organizations, users and grants. Details use get_object_or_404 on these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from jiangxin.accounts import rules
from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.orgs.models import Organization

if TYPE_CHECKING:
    AnyUser = User | AnonymousUser


def organizations_visible_to(user: AnyUser) -> QuerySet[Organization]:
    """Every organization under any of the user's grants (system and security admins: all)."""
    if rules.has_role(user, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        return Organization.objects.all()
    paths = rules.grant_paths(user, [r for r in Role if r not in (Role.AUDIT_ADMIN,)])
    return Organization.objects.filter(rules.subtree_q(paths))


def organizations_managed_by(user: AnyUser) -> QuerySet[Organization]:
    """Organizations the user may create under, edit or deactivate."""
    if rules.has_role(user, Role.SYSTEM_ADMIN):
        return Organization.objects.all()
    return Organization.objects.filter(
        rules.subtree_q(rules.grant_paths(user, rules.OFFICER_ROLES))
    )


def _user_management_paths(user: AnyUser) -> list[str] | None:
    """Subtree paths whose people the user manages; None means everyone (security admin)."""
    if rules.has_role(user, Role.SECURITY_ADMIN):
        return None
    return rules.grant_paths(user, rules.OFFICER_ROLES)


def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """People the user manages: those holding a grant in their subtree, or created by them."""
    paths = _user_management_paths(user)
    if paths is None:
        return User.objects.all()
    if not paths:
        return User.objects.none()
    in_scope = RoleGrant.objects.filter(
        rules.subtree_q(paths, field="organization__path"),
        user=OuterRef("pk"),
        revoked_at__isnull=True,
    )
    any_active = RoleGrant.objects.filter(user=OuterRef("pk"), revoked_at__isnull=True)
    # People without any role yet are visible to whoever created them, so they can be granted one.
    return User.objects.filter(
        Q(Exists(in_scope)) | (Q(created_by_id=user.pk) & ~Exists(any_active))
    )


def grants_visible_to(user: AnyUser) -> QuerySet[RoleGrant]:
    paths = _user_management_paths(user)
    qs = RoleGrant.objects.filter(revoked_at__isnull=True).select_related("user", "organization")
    if paths is None:
        return qs
    return qs.filter(rules.subtree_q(paths, field="organization__path"))
