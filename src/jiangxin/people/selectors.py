"""Scoped reads of craftsman profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jiangxin.accounts import rules as account_rules
from jiangxin.core.crypto import blind_index
from jiangxin.core.idnumbers import normalise_id_number
from jiangxin.orgs.models import Organization
from jiangxin.people import rules
from jiangxin.people.models import Attachment, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser

ID_INDEX_PURPOSE = "person.id_number"
PHONE_INDEX_PURPOSE = "person.phone"


def id_index_of(id_number: str) -> str:
    return blind_index(normalise_id_number(id_number), purpose=ID_INDEX_PURPOSE)


def persons_visible_to(user: AnyUser) -> QuerySet[Person]:
    """People employed or unionised under the user's officer or clerk grants, and the
    user's own profile."""
    paths = account_rules.grant_paths(user, rules.VIEWER_ROLES)
    q = Q(pk__in=[])
    if paths:
        q = account_rules.subtree_q(paths, field="employer__path") | account_rules.subtree_q(
            paths, field="union__path"
        )
    if user.is_authenticated:
        q |= Q(user_id=user.pk)
    return Person.objects.filter(q)


def find_person_by_id_number(id_number: str) -> Person | None:
    """Unscoped exact lookup through the blind index (callers decide what may be shown)."""
    return Person.objects.filter(id_index=id_index_of(id_number)).first()


def attachments_visible_to(user: AnyUser) -> QuerySet[Attachment]:
    return Attachment.objects.filter(person__in=persons_visible_to(user))


def person_list_queryset(qs: QuerySet[Person]) -> QuerySet[Person]:
    """What a list row or an export row shows, in a fixed number of queries."""
    return qs.select_related("employer", "union", "skill_level", "industry", "occupation_group")


def person_detail_queryset(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.select_related("employer", "union", "skill_level", "industry", "occupation_group")


def employers_for(user: AnyUser) -> QuerySet[Organization]:
    """Enterprises the user may keep profiles for: those in a preparer subtree, and those
    whose enterprise union the user prepares for (a clerk of the union)."""
    grants = [g for g in account_rules.active_grants(user) if g.role in rules.PREPARER_ROLES]
    if not grants:
        return Organization.objects.none()
    step = Organization.steplen
    parents = [
        g.organization.path[:-step]
        for g in grants
        if g.organization.kind == Organization.Kind.ENTERPRISE_UNION
    ]
    q = account_rules.subtree_q([g.organization.path for g in grants])
    if parents:
        q |= Q(path__in=parents)
    return Organization.objects.filter(q, kind=Organization.Kind.ENTERPRISE, is_active=True)


def unions_for(user: AnyUser, employer: Organization | None = None) -> QuerySet[Organization]:
    """Enterprise unions a profile may be attached to: under `employer` (when given) and
    either in the user's preparer subtree or under an employer that is."""
    paths = account_rules.grant_paths(user, rules.PREPARER_ROLES)
    if not paths:
        return Organization.objects.none()
    unions = Organization.objects.filter(kind=Organization.Kind.ENTERPRISE_UNION, is_active=True)
    if employer is not None:
        unions = unions.filter(path__startswith=employer.path)
        if rules.can_prepare_at(user, employer):
            return unions
    return unions.filter(account_rules.subtree_q(paths))


def employers_with_people(qs: QuerySet[Person]) -> QuerySet[Organization]:
    """The employers of the people in `qs` (for a list filter)."""
    return Organization.objects.filter(pk__in=qs.values("employer_id")).order_by("name")
