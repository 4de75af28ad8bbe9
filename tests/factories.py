"""Test data built through the real actions (no direct model writes for domain state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from jiangxin.accounts.actions import do_create_user, do_grant_role
from jiangxin.accounts.models import Role, User
from jiangxin.orgs.actions import do_create_organization
from jiangxin.orgs.models import Organization

PASSWORD = "Craft-Test-2024!"
_seq = count(1)


def make_org(parent: Organization | None, name: str, kind: str) -> Organization:
    return do_create_organization(acting_user=None, parent=parent, name=name, kind=kind)


def make_user(
    username: str | None = None,
    *,
    role: str | None = None,
    org: Organization | None = None,
    password: str = PASSWORD,
    **extra: object,
) -> User:
    username = username or f"user{next(_seq)}"
    user = do_create_user(
        acting_user=None,
        username=username,
        full_name=extra.pop("full_name", username),  # type: ignore[arg-type]
        password=password,
        must_change_password=False,
        **extra,  # type: ignore[arg-type]
    )
    if role is not None and org is not None:
        do_grant_role(acting_user=None, user_id=user.pk, organization_id=org.pk, role=role)
    return user


@dataclass
class World:
    acftu: Organization
    hebei: Organization
    henan: Organization
    shijiazhuang: Organization
    zhengzhou: Organization
    hebei_enterprise: Organization
    hebei_union: Organization
    henan_enterprise: Organization
    machinery_union: Organization
    users: dict[str, User] = field(default_factory=dict)


def build_world() -> World:
    K = Organization.Kind
    acftu = make_org(None, "中华全国总工会", K.ACFTU)
    hebei = make_org(acftu, "河北省总工会", K.PROVINCIAL_FEDERATION)
    henan = make_org(acftu, "河南省总工会", K.PROVINCIAL_FEDERATION)
    machinery = make_org(acftu, "中国机械冶金建材工会", K.INDUSTRIAL_UNION)
    sjz = make_org(hebei, "石家庄市总工会", K.CITY_FEDERATION)
    zz = make_org(henan, "郑州市总工会", K.CITY_FEDERATION)
    hb_ent = make_org(sjz, "石家庄钢铁有限责任公司", K.ENTERPRISE)
    hb_union = make_org(hb_ent, "石家庄钢铁有限责任公司工会", K.ENTERPRISE_UNION)
    hn_ent = make_org(zz, "郑州煤矿机械集团股份有限公司", K.ENTERPRISE)
    w = World(acftu, hebei, henan, sjz, zz, hb_ent, hb_union, hn_ent, machinery)
    w.users = {
        "program_officer": make_user("program", role=Role.PROGRAM_OFFICER, org=acftu),
        "hebei_officer": make_user("hebei", role=Role.RECOMMENDING_OFFICER, org=hebei),
        "henan_officer": make_user("henan", role=Role.RECOMMENDING_OFFICER, org=henan),
        "sjz_officer": make_user("sjz", role=Role.RECOMMENDING_OFFICER, org=sjz),
        "hebei_clerk": make_user("hbclerk", role=Role.UNIT_CLERK, org=hb_union),
        "expert": make_user("expert", role=Role.EXPERT, org=acftu),
        "craftsman": make_user("craftsman", role=Role.CRAFTSMAN, org=hb_ent),
        "system_admin": make_user("sysadmin", role=Role.SYSTEM_ADMIN, org=acftu),
        "security_admin": make_user("secadmin", role=Role.SECURITY_ADMIN, org=acftu),
        "audit_admin": make_user("auditor", role=Role.AUDIT_ADMIN, org=acftu),
    }
    return w
