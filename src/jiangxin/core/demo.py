"""The demo world: ACFTU, all 31 provincial federations, industrial and central-enterprise
unions, cities and enterprises under two provinces, and one user for every role.

Built through the real actions, idempotently: running it again keeps the data and issues
fresh one-time two-factor tokens for the demo officers and administrators.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from jiangxin.accounts import rules
from jiangxin.accounts.actions import do_create_user, do_grant_role
from jiangxin.accounts.models import Role, User
from jiangxin.orgs.actions import do_create_organization
from jiangxin.orgs.models import Organization
from jiangxin.reference.models import Industry, Region

#: Meets the password policy (≥8 characters, 4 character classes, not common).
DEMO_PASSWORD = "Gongjiang@2024"  # noqa: S105 - printed for the demo; never in production
OTP_TOKENS_PER_USER = 5

K = Organization.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")


class DemoArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at a small cost, only while `seed_demo` builds the demo world (about a hundred
    hashes and checks, 0.4 s each at Django's cost). The cost is stored in each hash, so the
    normal hasher verifies them and re-hashes at its own cost at the first sign-in."""

    time_cost = 1
    memory_cost = 8192
    parallelism = 1


@contextmanager
def at(when: dt.date | dt.datetime, hour: int = 10) -> Iterator[None]:
    """Run the block at `when` (a datetime, or a date at `hour` o'clock, Beijing time); the
    clock keeps ticking from there. The demo plays its history this way, so every action,
    notification and audit event carries the date it would have had."""
    try:
        import time_machine
    except ImportError as exc:  # pragma: no cover - a production install without dev tools
        raise RuntimeError(
            "The demo plays its history with time-machine; install the development "
            "dependencies (uv sync) to build it."
        ) from exc
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day, hour, tzinfo=SHANGHAI)
    with time_machine.travel(when):
        yield


PROVINCES = [
    ("110000", "北京市总工会", "Beijing Federation of Trade Unions"),
    ("120000", "天津市总工会", "Tianjin Federation of Trade Unions"),
    ("130000", "河北省总工会", "Hebei Federation of Trade Unions"),
    ("140000", "山西省总工会", "Shanxi Federation of Trade Unions"),
    ("150000", "内蒙古自治区总工会", "Inner Mongolia Federation of Trade Unions"),
    ("210000", "辽宁省总工会", "Liaoning Federation of Trade Unions"),
    ("220000", "吉林省总工会", "Jilin Federation of Trade Unions"),
    ("230000", "黑龙江省总工会", "Heilongjiang Federation of Trade Unions"),
    ("310000", "上海市总工会", "Shanghai Federation of Trade Unions"),
    ("320000", "江苏省总工会", "Jiangsu Federation of Trade Unions"),
    ("330000", "浙江省总工会", "Zhejiang Federation of Trade Unions"),
    ("340000", "安徽省总工会", "Anhui Federation of Trade Unions"),
    ("350000", "福建省总工会", "Fujian Federation of Trade Unions"),
    ("360000", "江西省总工会", "Jiangxi Federation of Trade Unions"),
    ("370000", "山东省总工会", "Shandong Federation of Trade Unions"),
    ("410000", "河南省总工会", "Henan Federation of Trade Unions"),
    ("420000", "湖北省总工会", "Hubei Federation of Trade Unions"),
    ("430000", "湖南省总工会", "Hunan Federation of Trade Unions"),
    ("440000", "广东省总工会", "Guangdong Federation of Trade Unions"),
    ("450000", "广西壮族自治区总工会", "Guangxi Federation of Trade Unions"),
    ("460000", "海南省总工会", "Hainan Federation of Trade Unions"),
    ("500000", "重庆市总工会", "Chongqing Federation of Trade Unions"),
    ("510000", "四川省总工会", "Sichuan Federation of Trade Unions"),
    ("520000", "贵州省总工会", "Guizhou Federation of Trade Unions"),
    ("530000", "云南省总工会", "Yunnan Federation of Trade Unions"),
    ("540000", "西藏自治区总工会", "Tibet Federation of Trade Unions"),
    ("610000", "陕西省总工会", "Shaanxi Federation of Trade Unions"),
    ("620000", "甘肃省总工会", "Gansu Federation of Trade Unions"),
    ("630000", "青海省总工会", "Qinghai Federation of Trade Unions"),
    ("640000", "宁夏回族自治区总工会", "Ningxia Federation of Trade Unions"),
    ("650000", "新疆维吾尔自治区总工会", "Xinjiang Federation of Trade Unions"),
]

INDUSTRIAL_UNIONS = [
    ("中华全国铁路总工会", "All-China Railway Trade Union"),
    ("中国海员建设工会", "China Seamen and Construction Workers' Union"),
    ("中国机械冶金建材工会", "China Machinery, Metallurgy and Building Materials Workers' Union"),
    ("中国能源化学地质工会", "China Energy, Chemical and Geological Workers' Union"),
    ("中国国防邮电工会", "China Defence, Posts and Telecommunications Workers' Union"),
]

CENTRAL_ENTERPRISE_UNIONS = [
    ("中国航天科技集团有限公司工会", "China Aerospace Science and Technology Corporation Union"),
    ("国家电网有限公司工会", "State Grid Corporation of China Union"),
]

# (province code, city region code, city federation, enterprises [(name, en, industry)])
CITIES = [
    (
        "130000",
        "130100",
        "石家庄市总工会",
        "Shijiazhuang Federation of Trade Unions",
        [
            ("石家庄钢铁有限责任公司", "Shijiazhuang Iron and Steel Co., Ltd.", "31"),
            ("华北制药集团有限责任公司", "North China Pharmaceutical Group", "27"),
        ],
    ),
    (
        "130000",
        "130200",
        "唐山市总工会",
        "Tangshan Federation of Trade Unions",
        [
            ("中车唐山机车车辆有限公司", "CRRC Tangshan Co., Ltd.", "37"),
        ],
    ),
    (
        "410000",
        "410100",
        "郑州市总工会",
        "Zhengzhou Federation of Trade Unions",
        [
            ("郑州煤矿机械集团股份有限公司", "Zhengzhou Coal Mining Machinery Group", "35"),
            ("宇通客车股份有限公司", "Yutong Bus Co., Ltd.", "36"),
        ],
    ),
    (
        "410000",
        "410300",
        "洛阳市总工会",
        "Luoyang Federation of Trade Unions",
        [
            ("中国一拖集团有限公司", "YTO Group Corporation", "35"),
        ],
    ),
]


@dataclass
class DemoLogin:
    username: str
    password: str
    role_label: str
    organization: str
    otp_tokens: list[str] = field(default_factory=list)


# (username, full name, role, organization name)
DEMO_USERS = [
    ("program", "国家项目官员 王建国", Role.PROGRAM_OFFICER, "中华全国总工会"),
    ("hebei", "河北省推荐官员 李红梅", Role.RECOMMENDING_OFFICER, "河北省总工会"),
    ("henan", "河南省推荐官员 张伟", Role.RECOMMENDING_OFFICER, "河南省总工会"),
    ("sjz", "石家庄市推荐官员 赵磊", Role.RECOMMENDING_OFFICER, "石家庄市总工会"),
    ("ts", "唐山市推荐官员 高翔", Role.RECOMMENDING_OFFICER, "唐山市总工会"),
    ("zz", "郑州市推荐官员 杨帆", Role.RECOMMENDING_OFFICER, "郑州市总工会"),
    ("ly", "洛阳市推荐官员 郭静", Role.RECOMMENDING_OFFICER, "洛阳市总工会"),
    ("hbprogram", "河北省项目官员 韩冰", Role.PROGRAM_OFFICER, "河北省总工会"),
    ("clerk", "企业工会干事 陈静", Role.UNIT_CLERK, "石家庄钢铁有限责任公司工会"),
    ("expert", "评审专家 刘志强", Role.EXPERT, "中华全国总工会"),
    ("craftsman", "工匠 马旭东", Role.CRAFTSMAN, "石家庄钢铁有限责任公司"),
    ("sysadmin", "系统管理员 孙立", Role.SYSTEM_ADMIN, "中华全国总工会"),
    ("secadmin", "安全管理员 周敏", Role.SECURITY_ADMIN, "中华全国总工会"),
    ("auditor", "审计管理员 吴芳", Role.AUDIT_ADMIN, "中华全国总工会"),
]


def _region(code: str) -> Region | None:
    return Region.objects.filter(pk=code).first()


def _industry(code: str) -> Industry | None:
    return Industry.objects.filter(pk=code).first()


def _build_tree() -> None:
    root = do_create_organization(
        acting_user=None,
        parent=None,
        name="中华全国总工会",
        kind=K.ACFTU,
        name_en="All-China Federation of Trade Unions",
    )
    provinces: dict[str, Organization] = {}
    for code, name, name_en in PROVINCES:
        provinces[code] = do_create_organization(
            acting_user=None,
            parent=root,
            name=name,
            name_en=name_en,
            kind=K.PROVINCIAL_FEDERATION,
            region=_region(code),
        )
    for name, name_en in INDUSTRIAL_UNIONS:
        do_create_organization(
            acting_user=None, parent=root, name=name, name_en=name_en, kind=K.INDUSTRIAL_UNION
        )
    for name, name_en in CENTRAL_ENTERPRISE_UNIONS:
        do_create_organization(
            acting_user=None,
            parent=root,
            name=name,
            name_en=name_en,
            kind=K.CENTRAL_ENTERPRISE_UNION,
        )
    for province_code, city_code, city_name, city_en, enterprises in CITIES:
        province = Organization.objects.get(pk=provinces[province_code].pk)
        city = do_create_organization(
            acting_user=None,
            parent=province,
            name=city_name,
            name_en=city_en,
            kind=K.CITY_FEDERATION,
            region=_region(city_code),
        )
        for ent_name, ent_en, industry in enterprises:
            enterprise = do_create_organization(
                acting_user=None,
                parent=city,
                name=ent_name,
                name_en=ent_en,
                kind=K.ENTERPRISE,
                region=_region(city_code),
                industry=_industry(industry),
            )
            do_create_organization(
                acting_user=None,
                parent=enterprise,
                name=f"{ent_name}工会",
                name_en=f"Trade Union of {ent_en}",
                kind=K.ENTERPRISE_UNION,
                region=_region(city_code),
                industry=_industry(industry),
            )


def _issue_tokens(user: User) -> list[str]:
    """Replace the user's demo static tokens with fresh ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="demo", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    tokens = [f"{secrets.randbelow(10**8):08d}" for _ in range(OTP_TOKENS_PER_USER)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return tokens


@transaction.atomic
def build_demo() -> list[DemoLogin]:
    """Build the demo world if absent; return the demo logins with fresh two-factor tokens."""
    if not Organization.objects.filter(depth=1).exists():
        _build_tree()
    logins = []
    for number, (username, full_name, role, org_name) in enumerate(DEMO_USERS, start=1):
        org = Organization.objects.get(name=org_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = do_create_user(
                acting_user=None,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                must_change_password=False,
                email=f"{username}@example.cn",
                # Fictitious numbers (the 13800138xxx test range), shown masked everywhere.
                phone=f"13800138{number:03d}",
            )
            do_grant_role(acting_user=None, user_id=user.pk, organization_id=org.pk, role=role)
        tokens = _issue_tokens(user) if rules.requires_two_factor(user) else []
        logins.append(
            DemoLogin(
                username=username,
                password=DEMO_PASSWORD,
                role_label=str(role.label),
                organization=org.name,
                otp_tokens=tokens,
            )
        )
    return logins
