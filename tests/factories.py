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


# --- Selection: campaigns, people, nominations ----------------------------------------------

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from jiangxin.core.idnumbers import check_character  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The day domain tests run on (time-machine): inside a campaign's recommendation window, in a
#: year whose holiday schedule the calendar package knows.
CAMPAIGN_DAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)

#: Phase dates around CAMPAIGN_DAY; every one a working day of 2026.
CAMPAIGN_DATES = {
    "recommendation_opens": dt.date(2026, 6, 1),
    "recommendation_closes": dt.date(2026, 7, 15),
    "format_check_ends": dt.date(2026, 7, 31),
    "review_ends": dt.date(2026, 8, 31),
    "notice_starts": dt.date(2026, 9, 14),
    "publication_date": dt.date(2026, 9, 30),
}

_id_seq = count(100)


def valid_id_number(
    region: str = "130102", birth: dt.date = dt.date(1978, 5, 17), male: bool = True
) -> str:
    """A fresh GB 11643 number with a correct check character (sequence digits vary)."""
    seq = next(_id_seq) % 500 * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def policy(code: str = "2024-trial"):  # type: ignore[no-untyped-def]
    from jiangxin.programs.models import PolicyVersion

    return PolicyVersion.objects.get(code=code)


def make_campaign(  # type: ignore[no-untyped-def]
    officer: User,
    issuer: Organization,
    *,
    tier: str = "national",
    allocations: dict[Organization, int] | None = None,
    deploy: bool = True,
    dates: dict[str, dt.date] | None = None,
    target: int | None = None,
    ratio: Decimal | None = None,
    name: str | None = None,
):
    from jiangxin.programs import actions as program_actions

    campaign = program_actions.do_create_campaign(
        acting_user=officer,
        issuing_org_id=issuer.pk,
        tier=tier,
        year=2026,
        name=name or f"2026年度{issuer.name}工匠遴选",
        policy_version_id=policy().pk,
        dates=dates or CAMPAIGN_DATES,
        target=target,
        recommendation_ratio=ratio,
    )
    if allocations:
        program_actions.do_set_allocations(
            acting_user=officer,
            campaign_id=campaign.pk,
            rows=[
                program_actions.AllocationRow(organization_id=org.pk, slots=slots)
                for org, slots in allocations.items()
            ],
        )
    if deploy:
        campaign = program_actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    return campaign


def make_person(  # type: ignore[no-untyped-def]
    user: User,
    employer: Organization,
    *,
    union: Organization | None = None,
    name: str = "张建华",
    id_number: str | None = None,
    frontline_from: dt.date = dt.date(2005, 3, 1),
    skill: str = "senior_technician",
):
    """A profile that meets every rule of the 2024 policy for the national tier."""
    from jiangxin.people import actions as people_actions
    from jiangxin.reference.models import Industry, SkillLevel

    person = people_actions.do_create_person(
        acting_user=user,
        id_number=id_number or valid_id_number(),
        name=name,
        employer_id=employer.pk,
        fields={
            "union": union,
            "ethnicity": "01",
            "political_status": "01",
            "education": "47",
            "occupation": "焊工",
            "industry": Industry.objects.get(code="31"),
            "skill_level": SkillLevel.objects.get(code=skill),
            "skill_certificate_no": "S000123456",
            "skill_certified_on": dt.date(2015, 6, 1),
        },
    )
    people_actions.do_save_record(
        acting_user=user,
        person_id=person.pk,
        kind="work",
        fields={
            "employer_name": employer.name,
            "organization": employer,
            "position": "焊工",
            "start": frontline_from,
            "end": None,
            "is_frontline": True,
        },
    )
    return person


STATEMENT = "长期扎根生产一线，" * 15  # 135 characters, within 100–800


def fill_nomination(user: User, nomination, person=None):  # type: ignore[no-untyped-def]
    """Complete every step of a draft so it can be submitted."""
    from jiangxin.nominations import actions as nomination_actions

    if person is not None:
        nomination_actions.do_set_person(
            acting_user=user, nomination_id=nomination.pk, person_id=person.pk
        )
    dims = nomination.campaign.policy_version.dimensions.all()
    nomination_actions.do_save_statements(
        acting_user=user, nomination_id=nomination.pk, texts={d.pk: STATEMENT for d in dims}
    )
    return nomination_actions.do_save_opinion(
        acting_user=user,
        nomination_id=nomination.pk,
        values={
            "deeds_summary": "从事焊接工作二十年，攻克多项关键焊接技术难题。",
            "unit_opinion": "同意推荐。",
            "attestation_text": "该同志政治素质过硬。",
            "attestation_signer": "李明",
            "attestation_date": dt.date(2026, 6, 10),
            "consent_given": True,
            "consent_date": dt.date(2026, 6, 10),
        },
    )


def make_nomination(  # type: ignore[no-untyped-def]
    clerk: User,
    campaign,
    unit: Organization,
    employer: Organization,
    *,
    submit: bool = True,
    **person_kw,
):
    """A complete nomination of a new person by `unit`, submitted unless told otherwise."""
    from jiangxin.nominations import actions as nomination_actions

    person = make_person(
        clerk, employer, union=unit if unit.kind == "enterprise_union" else None, **person_kw
    )
    nomination = nomination_actions.do_start_nomination(
        acting_user=clerk, campaign_id=campaign.pk, nominating_unit_id=unit.pk
    )
    nomination = fill_nomination(clerk, nomination, person)
    if submit:
        nomination = nomination_actions.do_submit_nomination(
            acting_user=clerk, nomination_id=nomination.pk
        )
    return nomination
