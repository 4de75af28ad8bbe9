"""Which kinds of organization may sit under which (the shape of the tree)."""

from __future__ import annotations

from jiangxin.orgs.models import Organization

K = Organization.Kind

ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    K.ACFTU: frozenset({K.PROVINCIAL_FEDERATION, K.INDUSTRIAL_UNION, K.CENTRAL_ENTERPRISE_UNION}),
    K.PROVINCIAL_FEDERATION: frozenset({K.CITY_FEDERATION, K.ENTERPRISE}),
    K.INDUSTRIAL_UNION: frozenset({K.ENTERPRISE}),
    K.CENTRAL_ENTERPRISE_UNION: frozenset({K.ENTERPRISE}),
    K.CITY_FEDERATION: frozenset({K.ENTERPRISE}),
    K.ENTERPRISE: frozenset({K.ENTERPRISE_UNION, K.ENTERPRISE}),
    K.ENTERPRISE_UNION: frozenset(),
}


def child_kinds(parent: Organization | None) -> list[str]:
    if parent is None:
        return [K.ACFTU]
    allowed = ALLOWED_CHILDREN.get(parent.kind, frozenset())
    return [k.value for k in K if k.value in allowed]
