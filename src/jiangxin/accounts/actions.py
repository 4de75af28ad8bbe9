"""Writes to users, role grants and passwords. Every function here is audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules
from jiangxin.accounts.models import ADMIN_ROLES, PasswordHistory, Role, RoleGrant, User
from jiangxin.core.audit import record_event
from jiangxin.core.crypto import blind_index
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_phone
from jiangxin.orgs.models import Organization

PHONE_INDEX_PURPOSE = "user.phone"


def _separation_error() -> DomainError:
    return DomainError(
        "accounts.separation_of_duties",
        _(
            "三员分立: the system, security and audit administrator roles must be held by three "
            "different people. This person already holds one of them."
        ),
    )


@transaction.atomic
def do_create_user(
    *,
    acting_user: User | None,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """Create a person's account. The password is checked against the whole policy.

    `acting_user` None is a system command (demo, set-up). Officers must then grant a role
    within their scope; until then only they (and the security administrator) see the user.
    """
    if acting_user is not None and not rules.can_manage_users(acting_user):
        raise PermissionDenied("accounts.manage_users", _("You may not create users."))
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("accounts.username_taken", _("This username is already taken."))
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        phone_index=blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone.strip() else "",
        created_by=acting_user,
        must_change_password=must_change_password,
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    record_event(
        "user.created",
        actor=acting_user,
        obj=user,
        summary={
            "after": {
                "username": user.username,
                "full_name": user.full_name,
                "phone": mask_phone(user.phone),
            }
        },
    )
    return user


@transaction.atomic
def do_grant_role(
    *, acting_user: User | None, user_id: int, organization_id: int, role: str
) -> RoleGrant:
    """Grant `role` on an organization (reaching its subtree).

    Guards: the granter may grant this role there (officers inside their subtree and only
    lower or equal roles; the security administrator anything), nobody grants to themself,
    and 三员分立 (also enforced by a partial unique index).
    """
    target = User.objects.select_for_update().get(pk=user_id)
    org = Organization.objects.get(pk=organization_id)
    if role not in Role.values:
        raise DomainError("accounts.unknown_role", _("Unknown role."))
    if acting_user is not None:
        if acting_user.pk == target.pk:
            raise PermissionDenied("accounts.self_grant", _("You may not grant roles to yourself."))
        if role not in rules.grantable_roles(acting_user, org):
            raise PermissionDenied(
                "accounts.grant_scope",
                _("You may not grant this role on this organization."),
            )
    if not org.is_active:
        raise DomainError("orgs.inactive", _("The organization is deactivated."))
    active = RoleGrant.objects.filter(user=target, revoked_at__isnull=True)
    if role in ADMIN_ROLES and active.filter(role__in=ADMIN_ROLES).exists():
        raise _separation_error()
    if active.filter(organization=org, role=role).exists():
        raise DomainError("accounts.grant_exists", _("This person already holds this role there."))
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=target, organization=org, role=role, granted_by=acting_user
            )
    except IntegrityError as exc:  # a concurrent grant won the race
        raise (
            _separation_error()
            if role in ADMIN_ROLES
            else DomainError(
                "accounts.grant_exists", _("This person already holds this role there.")
            )
        ) from exc
    rules.forget_grants(target)
    record_event(
        "role.granted",
        actor=acting_user,
        obj=grant,
        acting_org=None,
        summary={"after": {"user": target.username, "role": role, "organization": org.name}},
    )
    return grant


@transaction.atomic
def do_revoke_role(*, acting_user: User, grant_id: int) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=grant_id)
    )
    if grant.revoked_at is not None:
        return grant
    if grant.user_id == acting_user.pk:
        raise PermissionDenied("accounts.self_grant", _("You may not change your own roles."))
    if grant.role not in rules.grantable_roles(acting_user, grant.organization):
        raise PermissionDenied("accounts.grant_scope", _("You may not revoke this role."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = acting_user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    rules.forget_grants(grant.user)
    record_event(
        "role.revoked",
        actor=acting_user,
        obj=grant,
        summary={
            "before": {
                "user": grant.user.username,
                "role": grant.role,
                "organization": grant.organization.name,
            }
        },
    )
    return grant


@transaction.atomic
def do_set_user_active(*, acting_user: User, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account; a deactivated user cannot sign in."""
    from jiangxin.orgs.selectors import users_visible_to

    if not users_visible_to(acting_user).filter(pk=user_id).exists():
        raise PermissionDenied("accounts.manage_scope", _("This person is outside your scope."))
    if user_id == acting_user.pk:
        raise PermissionDenied("accounts.self_deactivate", _("You may not deactivate yourself."))
    user = User.objects.select_for_update().get(pk=user_id)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        from jiangxin.accounts.sessions import end_sessions_of

        end_sessions_of(user)
    record_event(
        "user.activated" if active else "user.deactivated",
        actor=acting_user,
        obj=user,
        summary={"before": {"is_active": not active}, "after": {"is_active": active}},
    )
    return user


@transaction.atomic
def do_change_password(*, user_id: int, new_password: str, acting_user: User) -> User:
    """Set a new password after the full policy check (history included) and record it."""
    user = User.objects.select_for_update().get(pk=user_id)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = list(user.password_history.values_list("pk", flat=True)[10:])
    PasswordHistory.objects.filter(pk__in=stale).delete()
    record_event("auth.password_changed", actor=acting_user, obj=user)
    return user


def _require_security_admin(acting_user: User, target: User) -> None:
    if not rules.can_unlock_accounts(acting_user):
        raise PermissionDenied(
            "accounts.security_admin_only", _("Only the security administrator may do this.")
        )
    if target.pk == acting_user.pk:
        raise PermissionDenied("accounts.self_grant", _("You may not do this to your own account."))


@transaction.atomic
def do_unlock_user(*, acting_user: User, user_id: int) -> int:
    """Lift a sign-in lock (django-axes) before its 30 minutes are over. Returns the number of
    failed-attempt records removed."""
    from axes.utils import reset

    target = User.objects.get(pk=user_id)
    _require_security_admin(acting_user, target)
    removed = reset(username=target.get_username())
    record_event(
        "auth.unlocked", actor=acting_user, obj=target, summary={"attempts_removed": removed}
    )
    return int(removed or 0)


@transaction.atomic
def do_reset_two_factor(*, acting_user: User, user_id: int) -> int:
    """Remove every second-factor device of a person who lost theirs; they enrol anew at their
    next sign-in (which still requires their password). Their sessions end."""
    from django_otp import devices_for_user

    from jiangxin.accounts.sessions import end_sessions_of

    target = User.objects.select_for_update().get(pk=user_id)
    _require_security_admin(acting_user, target)
    devices = list(devices_for_user(target, confirmed=None))
    for device in devices:
        device.delete()
    end_sessions_of(target)
    record_event(
        "auth.second_factor_reset",
        actor=acting_user,
        obj=target,
        summary={"devices_removed": len(devices)},
    )
    return len(devices)
