"""Who may edit the portal: program officers (栏目编辑), within their organizations.

An editor writes for the organizations on which they hold the program-officer role, and edits
the articles published by those organizations and their subtrees (a campaign's deployment
notice included). Templates receive these decisions, never role names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.portal.models import Article

    AnyUser = User | AnonymousUser

EDITOR_ROLES = (Role.PROGRAM_OFFICER,)


def can_edit_portal(user: AnyUser) -> bool:
    return account_rules.has_role(user, *EDITOR_ROLES)


def editor_orgs(user: AnyUser) -> list[Organization]:
    """The organizations an editor may publish under (their program-officer grants)."""
    seen: dict[int, Organization] = {}
    for grant in account_rules.active_grants(user):
        if grant.role in EDITOR_ROLES:
            seen.setdefault(grant.organization_id, grant.organization)
    return list(seen.values())


def can_edit_article(user: AnyUser, article: Article) -> bool:
    if not can_edit_portal(user):
        return False
    if article.source_org is None:
        # Articles without a publishing organization belong to the national portal.
        return any(org.depth == 1 for org in editor_orgs(user))
    return account_rules.is_in_scope(user, article.source_org, EDITOR_ROLES)


def can_see_freshness_report(user: AnyUser) -> bool:
    return can_edit_portal(user)
