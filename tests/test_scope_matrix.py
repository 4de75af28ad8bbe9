"""Role × URL × object matrix: each role sees exactly its scope; anything outside answers 404,
exactly like a record that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

OK, MISSING = 200, 404

# (user key, url name, object key, expected status)
MATRIX = [
    # Organizations: officers see their subtree only.
    ("hebei_officer", "orgs:list", None, OK),
    ("hebei_officer", "orgs:detail", "hebei_enterprise", OK),
    ("hebei_officer", "orgs:detail", "hebei", OK),
    ("hebei_officer", "orgs:detail", "henan", MISSING),
    ("hebei_officer", "orgs:detail", "henan_enterprise", MISSING),
    ("hebei_officer", "orgs:detail", "acftu", MISSING),
    ("hebei_officer", "orgs:edit", "henan", MISSING),
    ("hebei_officer", "orgs:create", "henan", MISSING),
    ("hebei_officer", "orgs:create", "shijiazhuang", OK),
    ("henan_officer", "orgs:detail", "hebei_enterprise", MISSING),
    ("henan_officer", "orgs:detail", "henan_enterprise", OK),
    ("sjz_officer", "orgs:detail", "hebei", MISSING),
    ("sjz_officer", "orgs:detail", "hebei_union", OK),
    ("sjz_officer", "orgs:edit", "shijiazhuang", OK),
    ("program_officer", "orgs:detail", "henan_enterprise", OK),
    ("system_admin", "orgs:detail", "henan_enterprise", OK),
    ("system_admin", "orgs:edit", "machinery_union", OK),
    # A unit clerk sees its own organization but manages nothing.
    ("hebei_clerk", "orgs:list", None, MISSING),
    ("hebei_clerk", "orgs:detail", "hebei_union", OK),
    ("hebei_clerk", "orgs:detail", "henan_enterprise", MISSING),
    ("hebei_clerk", "orgs:edit", "hebei_union", MISSING),
    ("expert", "orgs:list", None, MISSING),
    ("craftsman", "orgs:list", None, MISSING),
    ("audit_admin", "orgs:list", None, MISSING),
    ("audit_admin", "orgs:detail", "acftu", MISSING),
    # Users.
    ("hebei_officer", "orgs:user_list", None, OK),
    ("hebei_officer", "orgs:user_detail", "u:hebei_clerk", OK),
    ("hebei_officer", "orgs:user_detail", "u:sjz_officer", OK),
    ("hebei_officer", "orgs:user_detail", "u:henan_officer", MISSING),
    ("hebei_officer", "orgs:user_detail", "u:program_officer", MISSING),
    ("sjz_officer", "orgs:user_detail", "u:hebei_officer", MISSING),
    ("henan_officer", "orgs:user_detail", "u:hebei_clerk", MISSING),
    ("security_admin", "orgs:user_detail", "u:henan_officer", OK),
    ("security_admin", "orgs:user_list", None, OK),
    ("system_admin", "orgs:user_list", None, MISSING),
    ("audit_admin", "orgs:user_list", None, MISSING),
    ("hebei_clerk", "orgs:user_list", None, MISSING),
    ("hebei_clerk", "orgs:user_detail", "u:hebei_clerk", MISSING),
    # Audit log: the audit administrator only.
    ("audit_admin", "core:audit_list", None, OK),
    ("security_admin", "core:audit_list", None, MISSING),
    ("system_admin", "core:audit_list", None, MISSING),
    ("program_officer", "core:audit_list", None, MISSING),
    # Dashboard: everyone signed in.
    *[
        (u, "core:dashboard", None, OK)
        for u in (
            "program_officer",
            "hebei_officer",
            "hebei_clerk",
            "expert",
            "craftsman",
            "system_admin",
            "security_admin",
            "audit_admin",
        )
    ],
]


def _url(world, name: str, obj: str | None) -> str:  # type: ignore[no-untyped-def]
    if obj is None:
        return reverse(name)
    if obj.startswith("u:"):
        return reverse(name, args=[world.users[obj[2:]].pk])
    return reverse(name, args=[getattr(world, obj).pk])


@pytest.mark.parametrize(
    ("user", "name", "obj", "expected"), MATRIX, ids=[f"{u}-{n}-{o}" for u, n, o, _ in MATRIX]
)
def test_scope_matrix(client, world, user, name, obj, expected):
    client.force_login(world.users[user])
    response = client.get(_url(world, name, obj))
    assert response.status_code == expected


def test_missing_and_forbidden_look_alike(client, world):
    client.force_login(world.users["hebei_officer"])
    forbidden = client.get(reverse("orgs:detail", args=[world.henan.pk]))
    missing = client.get(reverse("orgs:detail", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_posts_outside_scope_answer_404_and_change_nothing(client, world):
    client.force_login(world.users["hebei_officer"])
    henan = world.henan
    response = client.post(reverse("orgs:set_active", args=[henan.pk]), {"active": "0"})
    assert response.status_code == 404
    henan.refresh_from_db()
    assert henan.is_active
    target = world.users["henan_officer"]
    response = client.post(reverse("orgs:user_set_active", args=[target.pk]), {"active": "0"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.is_active
