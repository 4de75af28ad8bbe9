"""The permission policy: which roles a user holds, where, and what that lets them do.

Every decision about roles lives here (and in each app's own rules module for its objects).
Views and templates receive decisions (`can_manage_users`), never role names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from jiangxin.accounts.models import ADMIN_ROLES, Role, RoleGrant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization

#: Roles whose holders must sign in with a second factor (experts read personal records).
TWO_FACTOR_ROLES = frozenset({*ADMIN_ROLES, Role.PROGRAM_OFFICER, Role.EXPERT})

#: Roles that manage organizations and people in their subtree.
OFFICER_ROLES = frozenset({Role.PROGRAM_OFFICER, Role.RECOMMENDING_OFFICER})

#: Which roles an officer of each kind may grant inside their own subtree. The security
#: administrator may grant any role anywhere (but never to themself).
GRANTABLE_BY_OFFICER: dict[str, frozenset[str]] = {
    Role.PROGRAM_OFFICER: frozenset(
        {Role.PROGRAM_OFFICER, Role.RECOMMENDING_OFFICER, Role.UNIT_CLERK, Role.EXPERT}
    ),
    Role.RECOMMENDING_OFFICER: frozenset({Role.RECOMMENDING_OFFICER, Role.UNIT_CLERK}),
}

_CACHE_ATTR = "_jx_active_grants"


def active_grants(user: User | AnonymousUser) -> list[RoleGrant]:
    """The user's active grants with their organizations, cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("organization")
            .order_by("organization__depth", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: User) -> None:
    """Drop the per-object cache after grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: User | AnonymousUser) -> set[str]:
    return {g.role for g in active_grants(user)}


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def requires_two_factor(user: User) -> bool:
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    """A Q object matching every organization under any of `paths` (inclusive).

    Nested paths are collapsed first so the query stays short.
    """
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    if not kept:
        return Q(pk__in=[])
    q = Q()
    for path in kept:
        q |= Q(**{f"{field}__startswith": path})
    return q


def grant_paths(user: User | AnonymousUser, roles: Iterable[str] | None = None) -> list[str]:
    wanted = set(roles) if roles is not None else None
    return [g.organization.path for g in active_grants(user) if wanted is None or g.role in wanted]


def is_in_scope(user: User | AnonymousUser, org: Organization, roles: Iterable[str]) -> bool:
    return any(org.path.startswith(p) for p in grant_paths(user, roles))


# --- Decisions --------------------------------------------------------------------------------


def can_manage_organizations(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN, *OFFICER_ROLES)


def can_manage_organization(user: User | AnonymousUser, org: Organization) -> bool:
    """Create children under, edit or deactivate `org`."""
    if has_role(user, Role.SYSTEM_ADMIN):
        return True
    return is_in_scope(user, org, OFFICER_ROLES)


def can_manage_users(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.SECURITY_ADMIN, *OFFICER_ROLES)


def grantable_roles(user: User | AnonymousUser, org: Organization) -> list[str]:
    """The roles `user` may grant on `org` (empty when org is out of their scope)."""
    if has_role(user, Role.SECURITY_ADMIN):
        return [r.value for r in Role]
    allowed: set[str] = set()
    for grant in active_grants(user):
        if org.path.startswith(grant.organization.path):
            allowed |= GRANTABLE_BY_OFFICER.get(grant.role, frozenset())
    return [r.value for r in Role if r.value in allowed]


def can_read_audit_log(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.AUDIT_ADMIN)


def can_manage_calendar(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN, Role.PROGRAM_OFFICER)


def can_unlock_accounts(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def can_reveal_personal_data(user: User | AnonymousUser) -> bool:
    """Who may reveal a full ID or phone number (each reveal is audited with a reason)."""
    return has_role(user, Role.SECURITY_ADMIN, *OFFICER_ROLES)
