"""Permission decisions for publication (公布) and the craftsman pages.

- The publication of a campaign's list is the act of its issuing organization: program
  officers holding a grant on that organization itself publish it and run its documents.
- Officers who see a campaign (programs.selectors.campaigns_visible_to) see its publication.
- A craftsman page is edited by the program officers whose subtree holds the issuing
  organization of one of the person's published campaigns (the publishers, and those above).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.programs import rules as program_rules
from jiangxin.programs.models import Campaign

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.cultivation.models import Publication

    AnyUser = User | AnonymousUser


def can_publish_results(user: AnyUser, campaign: Campaign) -> bool:
    """Page decision: offer the publication form (the action re-checks everything)."""
    return (
        campaign.status == Campaign.Status.PUBLIC_NOTICE
        and not hasattr(campaign, "publication")
        and program_rules.can_manage_campaign(user, campaign)
    )


def can_manage_publication(user: AnyUser, publication: Publication) -> bool:
    return program_rules.can_manage_campaign(user, publication.campaign)


def can_view_publication(user: AnyUser, campaign: Campaign) -> bool:
    """The officer's result page (the cohort, including people not on the public list): the
    program officers whose subtree holds the issuing organization. Everyone else reads the
    public announcement."""
    return account_rules.is_in_scope(user, campaign.issuing_org, (Role.PROGRAM_OFFICER,))


def program_officer_paths(user: AnyUser) -> list[str]:
    return account_rules.grant_paths(user, (Role.PROGRAM_OFFICER,))


def can_edit_craftsman_pages(user: AnyUser) -> bool:
    """Who has the craftsman page editor at all (the list is then scoped)."""
    return bool(program_officer_paths(user))


def can_edit_craftsman_page(user: AnyUser, issuer_paths: Iterable[str]) -> bool:
    """`issuer_paths`: the tree paths of the issuing organizations of the person's published
    campaigns."""
    mine = program_officer_paths(user)
    return any(path.startswith(own) for path in issuer_paths for own in mine)
