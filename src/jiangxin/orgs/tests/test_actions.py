from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jiangxin.accounts.actions import do_grant_role, do_revoke_role, do_set_user_active
from jiangxin.accounts.models import Role, RoleGrant
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.orgs.actions import do_create_organization, do_set_organization_active
from jiangxin.orgs.models import Organization
from tests.factories import make_user


def test_officer_creates_only_inside_subtree(world):
    officer = world.users["hebei_officer"]
    org = do_create_organization(
        acting_user=officer, parent=world.shijiazhuang, name="新企业", kind="enterprise"
    )
    assert org.path.startswith(world.hebei.path)
    assert AuditEvent.objects.filter(action="org.created", object_id=str(org.pk)).exists()
    with pytest.raises(PermissionDenied) as exc:
        do_create_organization(
            acting_user=officer, parent=world.zhengzhou, name="x", kind="enterprise"
        )
    assert exc.value.rule == "orgs.manage_scope"


def test_tree_shape_is_enforced(world):
    with pytest.raises(DomainError) as exc:
        do_create_organization(
            acting_user=world.users["hebei_officer"],
            parent=world.hebei_union,
            name="x",
            kind="city_federation",
        )
    assert exc.value.rule == "orgs.tree_shape"


def test_deactivation_needs_inactive_children(world):
    officer = world.users["hebei_officer"]
    with pytest.raises(DomainError) as exc:
        do_set_organization_active(
            acting_user=officer, organization_id=world.hebei_enterprise.pk, active=False
        )
    assert exc.value.rule == "orgs.active_children"
    do_set_organization_active(
        acting_user=officer, organization_id=world.hebei_union.pk, active=False
    )
    do_set_organization_active(
        acting_user=officer, organization_id=world.hebei_enterprise.pk, active=False
    )
    assert not Organization.objects.get(pk=world.hebei_enterprise.pk).is_active


def test_three_admin_roles_never_held_together_action(world):
    secadmin = world.users["security_admin"]
    person = make_user("ops")
    do_grant_role(
        acting_user=secadmin,
        user_id=person.pk,
        organization_id=world.acftu.pk,
        role=Role.SYSTEM_ADMIN,
    )
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        with pytest.raises(DomainError) as exc:
            do_grant_role(
                acting_user=secadmin, user_id=person.pk, organization_id=world.acftu.pk, role=role
            )
        assert exc.value.rule == "accounts.separation_of_duties"
        assert "三员分立" in str(exc.value)


def test_three_admin_roles_never_held_together_database(world):
    person = world.users["system_admin"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=person, organization=world.hebei, role=Role.AUDIT_ADMIN)


def test_revoked_admin_role_frees_the_person(world):
    secadmin = world.users["security_admin"]
    person = make_user("ops2")
    grant = do_grant_role(
        acting_user=secadmin,
        user_id=person.pk,
        organization_id=world.acftu.pk,
        role=Role.SYSTEM_ADMIN,
    )
    do_revoke_role(acting_user=secadmin, grant_id=grant.pk)
    do_grant_role(
        acting_user=secadmin,
        user_id=person.pk,
        organization_id=world.acftu.pk,
        role=Role.AUDIT_ADMIN,
    )


def test_officer_grants_only_lower_roles_in_scope(world):
    officer = world.users["hebei_officer"]
    person = make_user("newclerk")
    do_grant_role(
        acting_user=officer,
        user_id=person.pk,
        organization_id=world.hebei_union.pk,
        role=Role.UNIT_CLERK,
    )
    for org, role in [
        (world.hebei_union, Role.PROGRAM_OFFICER),
        (world.hebei_union, Role.SECURITY_ADMIN),
        (world.henan_enterprise, Role.UNIT_CLERK),
    ]:
        with pytest.raises(PermissionDenied):
            do_grant_role(acting_user=officer, user_id=person.pk, organization_id=org.pk, role=role)


def test_nobody_grants_to_themself(world):
    secadmin = world.users["security_admin"]
    with pytest.raises(PermissionDenied) as exc:
        do_grant_role(
            acting_user=secadmin,
            user_id=secadmin.pk,
            organization_id=world.hebei.pk,
            role=Role.PROGRAM_OFFICER,
        )
    assert exc.value.rule == "accounts.self_grant"


def test_deactivated_user_loses_sessions(client, world):
    clerk = world.users["hebei_clerk"]
    client.force_login(clerk)
    do_set_user_active(acting_user=world.users["hebei_officer"], user_id=clerk.pk, active=False)
    response = client.get("/")
    assert response.status_code == 302


def test_security_admin_unlocks_and_resets_two_factor(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiangxin.accounts.actions import do_reset_two_factor, do_unlock_user

    officer = world.users["program_officer"]
    TOTPDevice.objects.create(user=officer, confirmed=True, name="phone")
    for _ in range(5):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong-Pass1!"})
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username=officer.username).exists()
    with pytest.raises(PermissionDenied):
        do_unlock_user(acting_user=world.users["hebei_officer"], user_id=officer.pk)
    assert do_unlock_user(acting_user=world.users["security_admin"], user_id=officer.pk) >= 1
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert do_reset_two_factor(acting_user=world.users["security_admin"], user_id=officer.pk) == 1
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(
        action="auth.second_factor_reset", object_id=str(officer.pk)
    ).exists()
