"""Writes to the organization tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules as account_rules
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.orgs.models import Organization
from jiangxin.orgs.rules import child_kinds

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.reference.models import Industry, Region


@transaction.atomic
def do_create_organization(
    *,
    acting_user: User | None,
    parent: Organization | None,
    name: str,
    kind: str,
    name_en: str = "",
    region: Region | None = None,
    industry: Industry | None = None,
    credit_code: str = "",
) -> Organization:
    """Create an organization under `parent` (None creates the root, for set-up commands only).

    `acting_user` None means a system command (migrations, demo, set-up).
    """
    if parent is not None:
        # Lock the parent: treebeard computes the next child path from its numchild.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    if acting_user is not None and (
        parent is None or not account_rules.can_manage_organization(acting_user, parent)
    ):
        raise PermissionDenied(
            "orgs.manage_scope",
            _("You may only create organizations inside your own organization's subtree."),
        )
    if kind not in child_kinds(parent):
        raise DomainError(
            "orgs.tree_shape",
            _("An organization of this kind cannot be placed under “%(parent)s”.")
            % {"parent": parent.name if parent else "-"},
        )
    if parent is not None and not parent.is_active:
        raise DomainError("orgs.parent_inactive", _("The parent organization is deactivated."))
    fields = dict(
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        region=region,
        industry=industry,
        credit_code=credit_code.strip(),
    )
    if parent is not None:
        org = Organization.objects.add_child(parent, create_kwargs=fields)
    else:
        org = Organization.objects.add_root(create_kwargs=fields)
    record_event(
        "org.created",
        actor=acting_user,
        obj=org,
        summary={
            "after": {"name": org.name, "kind": kind, "parent": parent.name if parent else None}
        },
    )
    return org


@transaction.atomic
def do_update_organization(
    *,
    acting_user: User,
    organization_id: int,
    name: str,
    name_en: str,
    region: Region | None,
    industry: Industry | None,
    credit_code: str,
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization_id)
    if not account_rules.can_manage_organization(acting_user, org):
        raise PermissionDenied("orgs.manage_scope", _("This organization is outside your scope."))
    before = {
        "name": org.name,
        "name_en": org.name_en,
        "region": org.region_id,
        "industry": org.industry_id,
        "credit_code": org.credit_code,
    }
    org.name, org.name_en, org.region, org.industry, org.credit_code = (
        name.strip(),
        name_en.strip(),
        region,
        industry,
        credit_code.strip(),
    )
    org.save(update_fields=["name", "name_en", "region", "industry", "credit_code", "updated_at"])
    after = {
        "name": org.name,
        "name_en": org.name_en,
        "region": org.region_id,
        "industry": org.industry_id,
        "credit_code": org.credit_code,
    }
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    record_event("org.updated", actor=acting_user, obj=org, summary=changed)
    return org


@transaction.atomic
def do_set_organization_active(
    *, acting_user: User, organization_id: int, active: bool
) -> Organization:
    """Deactivate (or reactivate) an organization. Deactivating needs an inactive-ready subtree:
    an organization with active children cannot be deactivated."""
    org = Organization.objects.select_for_update().get(pk=organization_id)
    if not account_rules.can_manage_organization(acting_user, org):
        raise PermissionDenied("orgs.manage_scope", _("This organization is outside your scope."))
    if org.is_root():
        raise DomainError("orgs.root", _("The root organization cannot be deactivated."))
    if not active and Organization.objects.get_children(org).filter(is_active=True).exists():
        raise DomainError(
            "orgs.active_children",
            _("Deactivate the organizations under it first."),
        )
    if active and not Organization.objects.get_parent(org).is_active:
        raise DomainError("orgs.parent_inactive", _("The parent organization is deactivated."))
    if org.is_active == active:
        return org
    org.is_active = active
    org.save(update_fields=["is_active", "updated_at"])
    record_event(
        "org.activated" if active else "org.deactivated",
        actor=acting_user,
        obj=org,
        summary={"before": {"is_active": not active}, "after": {"is_active": active}},
    )
    return org
