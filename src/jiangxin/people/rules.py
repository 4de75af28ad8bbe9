"""Permission decisions for craftsman profiles.

Preparers — unit clerks and recommending officers — keep the profiles of the people employed
in (or unionised in) their subtree. A profile is frozen while one of the person's nominations
is with the chain or the campaign (from submission on), so reviewers judge what was submitted;
it opens again when a nomination is returned for correction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization
    from jiangxin.people.models import Person

    AnyUser = User | AnonymousUser

PREPARER_ROLES = (Role.UNIT_CLERK, Role.RECOMMENDING_OFFICER)
VIEWER_ROLES = (Role.UNIT_CLERK, Role.RECOMMENDING_OFFICER, Role.PROGRAM_OFFICER)

#: Nomination statuses in which the person's record must not change.
LOCKING_STATUSES = (
    "submitted",
    "endorsed",
    "accepted",
    "in_review",
    "shortlisted",
    "selected",
    "in_notice",
    "confirmed",
)


def can_view_people(user: AnyUser) -> bool:
    """May the user open the list of craftsman profiles (preparers and program officers)?"""
    return account_rules.has_role(user, *VIEWER_ROLES)


def can_create_person(user: AnyUser) -> bool:
    """May the user start new profiles (somewhere in their subtree)?"""
    return account_rules.has_role(user, *PREPARER_ROLES)


def can_export_people(user: AnyUser) -> bool:
    return can_view_people(user)


def can_reveal_person_data(user: AnyUser, person: Person) -> bool:
    """May the user see the full ID or phone number of `person` (an audited act)?

    Precondition: the caller found `person` through `persons_visible_to(user)`.
    """
    return account_rules.can_reveal_personal_data(user)


def can_prepare_at(user: AnyUser, org: Organization) -> bool:
    """May the user keep profiles (and prepare nominations) for people of `org`?"""
    return account_rules.is_in_scope(user, org, PREPARER_ROLES)


def can_edit_person(user: AnyUser, person: Person) -> bool:
    orgs = [person.employer, person.union]
    return any(can_prepare_at(user, org) for org in orgs if org is not None)


def is_person_locked(person: Person) -> bool:
    return person.nominations.filter(status__in=LOCKING_STATUSES).exists()
