"""The selection part of the demo world, built through the real actions.

- A national campaign (大国工匠) played from its deployment to its public notice, which is
  open today: nominations from several provinces in every state of recommendation (drafts
  never submitted, nominations stuck in the chain at the deadline, returned and withdrawn
  ones, a format-check rejection, a return for correction resubmitted); then the expert
  review (jiangxin.reviews.demo: pool, conflicts, assignment, scores, panel, final approval)
  and the notice with objections in several states (jiangxin.notices.demo).
- A provincial campaign of the Hebei federation whose recommendation is open now, so the demo
  clerk and officers can nominate and endorse live.

The past is played through with time-machine (the clock moves; every action runs at the date
it would have run), so the history, notifications and audit events are consistent. Dates are
counted back from today in working days; when today's year has no holiday schedule on the
calendar yet, the national campaign is played as of 1 December of the last known year, and
the provincial campaign is left as a draft with a note (the officer must enter that year's
schedule first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiangxin.accounts.models import User
from jiangxin.core import calendar
from jiangxin.core.calendar import CalendarUnknownError
from jiangxin.core.demo import at
from jiangxin.core.idnumbers import check_character
from jiangxin.nominations import actions
from jiangxin.nominations.models import Nomination
from jiangxin.notices.demo import play_notice
from jiangxin.orgs.models import Organization
from jiangxin.people import actions as people_actions
from jiangxin.people.models import Person
from jiangxin.programs import actions as program_actions
from jiangxin.programs.models import Campaign, PolicyVersion
from jiangxin.programs.quotas import largest_remainder
from jiangxin.reference.models import SkillLevel
from jiangxin.reviews.demo import ReviewDays, play_review


@dataclass
class SelectionDemo:
    national: Campaign | None = None
    provincial: Campaign | None = None
    notes: list[str] = field(default_factory=list)


def _working_day_on_or_after(day: dt.date) -> dt.date:
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _later(day: dt.date, working_days: int) -> dt.date:
    """`working_days` after `day`, or the same span of weekdays where the year is unknown
    (the campaign then shows those dates as provisional)."""
    try:
        return calendar.add_working_days(day, working_days)
    except CalendarUnknownError:
        result = day
        for _ in range(working_days):
            result = _weekday_on_or_after(result + dt.timedelta(days=1))
        return result


@dataclass(frozen=True)
class NationalTimeline:
    """The national campaign's history, counted back from `anchor` in working days."""

    anchor: dt.date
    dates: dict[str, dt.date]
    format_check_closes: dt.date
    review: ReviewDays


def _national_timeline(today: dt.date) -> tuple[NationalTimeline, str | None]:
    """Today falls within the notice's five working days. Where today's holiday schedule
    is not known, the campaign is played as of 1 December of the last known year (with a
    note: its notice then has ended by the real clock)."""
    note = None
    anchor = today
    try:
        calendar.add_working_days(today, -70)
        calendar.add_working_days(today, 3)
    except CalendarUnknownError:
        anchor = dt.date(max(calendar.known_years()), 12, 1)
        note = (
            f"国家级遴选按{anchor.isoformat()}演示（今天所在年份的节假日安排尚未录入）。 / "
            f"The national campaign is played as of {anchor.isoformat()}: today's holiday "
            "schedule is not on the working-day calendar yet."
        )

    def wd(n: int) -> dt.date:
        return calendar.add_working_days(anchor, n)

    closes = wd(-25)
    dates = {
        "recommendation_opens": _working_day_on_or_after(closes - dt.timedelta(days=50)),
        "recommendation_closes": closes,
        "format_check_ends": wd(-15),
        "review_ends": wd(-4),
        "notice_starts": wd(-3),
        "publication_date": _later(anchor, 8),
    }
    review = ReviewDays(
        invitations=wd(-14),
        assignment=wd(-11),
        scoring=wd(-10),
        review_closes=wd(-6),
        panel=wd(-5),
        approval=wd(-4),
    )
    return NationalTimeline(anchor, dates, wd(-15), review), note


# (name, gender M/F, birth, employer, occupation, skill level code, front-line since, honours)
PEOPLE = [
    (
        "马旭东",
        "M",
        dt.date(1976, 3, 12),
        "石家庄钢铁有限责任公司",
        "电焊工",
        "chief_technician",
        dt.date(1996, 7, 1),
        [("全国技术能手", "national", 2015)],
    ),
    (
        "田丽娟",
        "F",
        dt.date(1981, 8, 23),
        "石家庄钢铁有限责任公司",
        "轧钢工",
        "senior_technician",
        dt.date(2001, 9, 1),
        [],
    ),
    (
        "孔德明",
        "M",
        dt.date(1972, 11, 5),
        "华北制药集团有限责任公司",
        "化学合成制药工",
        "senior_technician",
        dt.date(1993, 3, 1),
        [("全国五一劳动奖章", "national", 2019)],
    ),
    (
        "王春生",
        "M",
        dt.date(1979, 1, 30),
        "中车唐山机车车辆有限公司",
        "铆工",
        "special_technician",
        dt.date(1998, 8, 1),
        [("中华技能大奖", "national", 2022)],
    ),
    (
        "尹秀兰",
        "F",
        dt.date(1985, 6, 18),
        "中车唐山机车车辆有限公司",
        "电工",
        "senior_technician",
        dt.date(2006, 7, 1),
        [],
    ),
    (
        "张国栋",
        "M",
        dt.date(1974, 4, 9),
        "郑州煤矿机械集团股份有限公司",
        "数控车工",
        "senior_technician",
        dt.date(1994, 7, 1),
        [("河南省劳动模范", "provincial", 2018)],
    ),
    (
        "李建华",
        "M",
        dt.date(1983, 12, 1),
        "宇通客车股份有限公司",
        "汽车装调工",
        "senior_technician",
        dt.date(2004, 7, 1),
        [],
    ),
    (
        "陈淑芬",
        "F",
        dt.date(1978, 2, 14),
        "宇通客车股份有限公司",
        "涂装工",
        "senior_technician",
        dt.date(1999, 3, 1),
        [("全国三八红旗手", "national", 2020)],
    ),
    (
        "欧阳振华",
        "M",
        dt.date(1970, 9, 27),
        "中国一拖集团有限公司",
        "装配钳工",
        "chief_technician",
        dt.date(1990, 8, 1),
        [("全国劳动模范", "national", 2015)],
    ),
    (
        "司马文涛",
        "M",
        dt.date(1987, 5, 3),
        "中国一拖集团有限公司",
        "焊工",
        "technician",
        dt.date(2021, 3, 1),
        [],
    ),
    (
        "刘海燕",
        "F",
        dt.date(1982, 10, 10),
        "郑州煤矿机械集团股份有限公司",
        "质检员",
        "senior_technician",
        dt.date(2003, 7, 1),
        [],
    ),
    (
        "赵志刚",
        "M",
        dt.date(1975, 7, 7),
        "华北制药集团有限责任公司",
        "设备维修工",
        "senior_technician",
        dt.date(1995, 7, 1),
        [],
    ),
    (
        "黄立新",
        "M",
        dt.date(1980, 4, 22),
        "石家庄钢铁有限责任公司",
        "炼钢工",
        "senior_technician",
        dt.date(2000, 7, 1),
        [],
    ),
    (
        "周红",
        "F",
        dt.date(1984, 9, 9),
        "宇通客车股份有限公司",
        "电气装配工",
        "senior_technician",
        dt.date(2005, 7, 1),
        [],
    ),
]

REGION_OF_EMPLOYER = {
    "石家庄钢铁有限责任公司": "130104",
    "华北制药集团有限责任公司": "130102",
    "中车唐山机车车辆有限公司": "130203",
    "郑州煤矿机械集团股份有限公司": "410102",
    "宇通客车股份有限公司": "410105",
    "中国一拖集团有限公司": "410305",
}

STATEMENTS = {
    "leadership": (
        "长期扎根一线，带领班组攻坚克难，所在班组多次获评先进集体，在行业内具有示范引"
        "领作用；积极参加劳模工匠宣讲活动，走进企业、学校和社区，讲述一线技术工人的奋"
        "斗故事，大力弘扬劳模精神、劳动精神和工匠精神，带动身边职工学技术、比贡献。"
    ),
    "practice": (
        "熟练掌握本工种全部技能，能够独立解决生产中的复杂技术问题，连续多年保持零质量"
        "事故，产品一次合格率保持在百分之九十九以上；多次在设备突发故障时第一时间赶到"
        "现场排除隐患，保障了生产线的连续稳定运行，被同事称为“技术活字典”。"
    ),
    "innovation": (
        "主持完成技术革新项目十余项，取得国家专利多项，总结形成以本人命名的先进操作法"
        "并在全行业推广，累计创造经济效益数千万元；牵头组建职工创新小组，围绕降本增效"
        "开展群众性技术创新活动，多项合理化建议被企业采纳实施。"
    ),
    "tackling": (
        "参与国家重点工程关键部件的制造攻关，解决了长期制约生产的工艺难题，相关成果达"
        "到国内领先水平，保障了重点项目按期交付；在进口设备国产化替代中带领团队反复试"
        "验，突破了关键工序的精度瓶颈，填补了企业在该领域的技术空白。"
    ),
    "inheritance": (
        "坚持带徒传技，先后培养徒弟三十余人，其中多人成长为技师、高级技师并在各级技能"
        "竞赛中获奖；依托技能大师工作室编写培训教材，定期开展技术交流和现场教学，把绝"
        "技绝活毫无保留地传授给青年职工，带出了一支技术过硬、作风优良的技能人才队伍。"
    ),
    "achievement": (
        "在本职岗位上取得突出业绩，获得多项省部级以上荣誉，技术成果在行业内得到广泛认"
        "可，主持的技术改造项目显著提高了生产效率和产品质量，为企业创造了可观的经济效"
        "益和社会效益。"
    ),
    "focus": (
        "二十余年如一日专注本职岗位，精益求精，把每一件产品都做成精品；面对急难险重任"
        "务始终冲在一线，坚持在生产现场钻研技术、改进工艺，以执着专注诠释新时代的工匠"
        "精神。"
    ),
}


def _id_number(region: str, birth: dt.date, seq: int, male: bool) -> str:
    digit = seq * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{digit:03d}"
    return first17 + check_character(first17)


def _person(preparer: User, spec: tuple, seq: int) -> Person:
    name, gender, birth, employer_name, occupation, skill, since, honors = spec
    employer = Organization.objects.get(name=employer_name, kind=Organization.Kind.ENTERPRISE)
    union = Organization.objects.get_children(employer).filter(kind="enterprise_union").first()
    id_number = _id_number(REGION_OF_EMPLOYER[employer_name], birth, seq, gender == "M")
    from jiangxin.people.selectors import find_person_by_id_number

    existing = find_person_by_id_number(id_number)
    if existing is not None:
        return existing
    person = people_actions.do_create_person(
        acting_user=preparer,
        id_number=id_number,
        name=name,
        employer_id=employer.pk,
        fields={
            "union": union,
            "ethnicity": "01",
            "political_status": "01" if seq % 3 else "13",
            "education": "47" if seq % 2 else "30",
            "occupation": occupation,
            "industry": employer.industry,
            "skill_level": SkillLevel.objects.get(code=skill),
            "skill_certificate_no": f"S{2010 + seq}{seq:06d}",
            "skill_certified_on": dt.date(2012 + seq % 8, 6, 1),
            # Fictitious numbers in the 13800138xxx test range, shown masked everywhere.
            "phone": f"13800138{100 + seq:03d}",
        },
    )
    people_actions.do_save_record(
        acting_user=preparer,
        person_id=person.pk,
        kind="work",
        fields={
            "employer_name": employer_name,
            "organization": employer,
            "position": occupation,
            "start": since,
            "end": None,
            "is_frontline": True,
        },
    )
    for title, level, year in honors:
        people_actions.do_save_record(
            acting_user=preparer,
            person_id=person.pk,
            kind="honor",
            fields={"title": title, "level": level, "year": year, "awarded_by": ""},
        )
    return person


def _complete(preparer: User, nomination: Nomination, person: Person, day: dt.date) -> Nomination:
    actions.do_set_person(acting_user=preparer, nomination_id=nomination.pk, person_id=person.pk)
    dims = list(nomination.campaign.policy_version.dimensions.all())
    actions.do_save_statements(
        acting_user=preparer,
        nomination_id=nomination.pk,
        texts={d.pk: STATEMENTS.get(d.code, STATEMENTS["practice"]) for d in dims},
    )
    return actions.do_save_opinion(
        acting_user=preparer,
        nomination_id=nomination.pk,
        values={
            "deeds_summary": (
                f"{person.name}同志长期从事{person.occupation}工作，技艺精湛，"
                "攻克多项技术难题，带徒传技成效显著。"
            ),
            "unit_opinion": "经单位党组织和工会研究，同意推荐。",
            "attestation_text": "该同志政治立场坚定，遵纪守法，政治素质过硬。",
            "attestation_signer": "单位党委书记",
            "attestation_date": day,
            "consent_given": True,
            "consent_date": day,
        },
    )


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _unit_of(person: Person) -> Organization:
    return person.union or person.employer


@transaction.atomic
def build_selection_demo() -> SelectionDemo:
    """Build the demo campaigns once (idempotent: nothing is added when they exist)."""
    result = SelectionDemo()
    version = PolicyVersion.objects.get(code="2024-trial")
    program = _user("program")
    acftu = Organization.objects.get(depth=1)
    today = timezone.localdate()
    existing = Campaign.objects.filter(issuing_org=acftu, tier="national").first()
    if existing is not None:
        result.national = existing
        result.provincial = Campaign.objects.filter(tier="provincial").first()
        return result

    timeline, note = _national_timeline(today)
    if note:
        result.notes.append(note)
    dates = timeline.dates
    opens, closes = dates["recommendation_opens"], dates["recommendation_closes"]
    year = closes.year
    clerk, sjz, hebei, henan, zz = (_user(u) for u in ("clerk", "sjz", "hebei", "henan", "zz"))

    with at(opens):
        campaign = program_actions.do_create_campaign(
            acting_user=program,
            issuing_org_id=acftu.pk,
            tier="national",
            year=year,
            name=f"{year}年度大国工匠人才培育对象遴选",
            policy_version_id=version.pk,
            dates=dates,
        )
        recommending = program_actions.default_recommending_orgs(campaign)
        weights = [(org.pk, Decimal(1)) for org in recommending]
        split = largest_remainder(campaign.target, weights)
        program_actions.do_set_allocations(
            acting_user=program,
            campaign_id=campaign.pk,
            rows=[
                program_actions.AllocationRow(
                    organization_id=pk, slots=split[pk], weight=Decimal(1), suggested=split[pk]
                )
                for pk, _w in weights
            ],
        )
        campaign = program_actions.do_deploy_campaign(acting_user=program, campaign_id=campaign.pk)
    result.national = campaign

    tangshan, luoyang = _user("ts"), _user("ly")
    # Who prepares each nomination (a clerk or the city officer of the unit), its city and
    # its province, by the index in PEOPLE.
    preparers = [
        clerk,
        clerk,
        sjz,
        tangshan,
        tangshan,
        zz,
        zz,
        zz,
        luoyang,
        luoyang,
        zz,
        sjz,
        clerk,
        zz,
    ]
    city_of = [sjz, sjz, sjz, tangshan, tangshan, zz, zz, zz, luoyang, luoyang, zz, sjz, sjz, zz]
    province_of = [hebei] * 5 + [henan] * 5 + [henan, hebei, hebei, henan]
    people = [_person(preparers[i], spec, i + 1) for i, spec in enumerate(PEOPLE)]
    drafting = opens + dt.timedelta(days=14)
    nominations: list[Nomination] = []
    with at(drafting):
        for preparer, person in zip(preparers, people, strict=True):
            n = actions.do_start_nomination(
                acting_user=preparer,
                campaign_id=campaign.pk,
                nominating_unit_id=_unit_of(person).pk,
            )
            nominations.append(_complete(preparer, n, person, drafting))

    def submit(*indices: int) -> None:
        for i in indices:
            actions.do_submit_nomination(acting_user=preparers[i], nomination_id=nominations[i].pk)

    def endorse(by: list[User], *indices: int, opinion: str = "同意推荐。") -> None:
        for i in indices:
            actions.do_endorse_nomination(
                acting_user=by[i], nomination_id=nominations[i].pk, opinion=opinion
            )

    # 1 (田丽娟) stays a draft; 9 (司马文涛) too: under five years of front-line work, the
    # eligibility engine blocks its submission.
    with at(drafting + dt.timedelta(days=7)):
        submit(0, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13)
    with at(drafting + dt.timedelta(days=12)):
        endorse(city_of, 0, 2, 3, 5, 6, 7, 8, 11, 13)
        actions.do_return_nomination(
            acting_user=tangshan,
            nomination_id=nominations[4].pk,
            comment="请补充近五年的攻关项目材料和带徒情况。",
        )
        actions.do_withdraw_nomination(
            acting_user=clerk,
            nomination_id=nominations[12].pk,
            reason="本人因工作调动申请退出推荐。",
        )
        # 10 (刘海燕) is still with the city at the deadline.
    with at(drafting + dt.timedelta(days=18)):
        endorse(province_of, 0, 2, 3, 5, 6, 7, 8, 11, opinion="经审核，同意上报全国总工会。")
        # 13 (周红) is still with the province at the deadline.

    with at(closes + dt.timedelta(days=1)):
        program_actions.do_close_recommendation(acting_user=program, campaign_id=campaign.pk)
        program_actions.do_open_format_check(acting_user=program, campaign_id=campaign.pk)
        checked = dict.fromkeys(actions.CHECKLIST, True)
        for i in (0, 3, 8):
            actions.do_decide_format_check(
                acting_user=program,
                nomination_id=nominations[i].pk,
                decision="accept",
                checklist=checked,
            )
        actions.do_decide_format_check(
            acting_user=program,
            nomination_id=nominations[11].pk,
            decision="reject",
            checklist={},
            rule_code="format.facts",
            reason="所述获奖情况与佐证材料不符，经核实不予通过。",
        )
        actions.do_decide_format_check(
            acting_user=program,
            nomination_id=nominations[2].pk,
            decision="return",
            checklist={"complete": True},
            rule_code="format.illegible",
            reason="政治素质证明扫描件不清晰，请重新上传盖章件。",
            return_deadline=calendar.add_working_days(closes, 6),
        )
    with at(calendar.add_working_days(closes, 3), 14):
        # 孔德明's unit uploads a legible attestation and puts the nomination forward again.
        actions.do_submit_nomination(acting_user=preparers[2], nomination_id=nominations[2].pk)
    with at(timeline.format_check_closes, 11):
        for i in (2, 5, 6, 7):
            actions.do_decide_format_check(
                acting_user=program,
                nomination_id=nominations[i].pk,
                decision="accept",
                checklist=checked,
            )
        actions.do_close_format_check(acting_user=program, campaign_id=campaign.pk)

    # The expert review (reviews.demo) and the public notice now open (notices.demo).
    accepted = [nominations[i] for i in (0, 5, 3, 8, 2, 6, 7)]  # strongest first
    unit_users = {n.pk: preparers[i] for i, n in enumerate(nominations)}
    play_review(
        campaign,
        officer=program,
        nominations=[Nomination.objects.select_related("person").get(pk=n.pk) for n in accepted],
        days=timeline.review,
        unit_user=lambda n: unit_users[n.pk],
    )
    play_notice(
        campaign,
        starts_on=dates["notice_starts"],
        handler=program,
        unit_user=lambda n: unit_users[n.pk],
    )

    result.provincial = _provincial_campaign(today, version, result)
    campaign.refresh_from_db()
    return result


def _provincial_campaign(
    today: dt.date, version: PolicyVersion, result: SelectionDemo
) -> Campaign | None:
    hebei_org = Organization.objects.get(name="河北省总工会")
    officer = _user("hbprogram")
    try:
        opens = calendar.add_working_days(today, -5)
        closes = calendar.add_working_days(today, 15)
    except CalendarUnknownError as exc:
        result.notes.append(
            f"河北省省级工匠遴选未部署：{exc.message} / The Hebei provincial campaign stays a "
            "draft until that year's holiday schedule is entered on the working-day calendar page."
        )
        return None
    check_ends = _later(closes, 10)
    review = _later(check_ends, 15)
    notice = _later(review, 5)
    dates = {
        "recommendation_opens": opens,
        "recommendation_closes": closes,
        "format_check_ends": check_ends,
        "review_ends": review,
        "notice_starts": notice,
        "publication_date": _later(notice, 10),
    }
    campaign = program_actions.do_create_campaign(
        acting_user=officer,
        issuing_org_id=hebei_org.pk,
        tier="provincial",
        year=closes.year,
        name=f"{closes.year}年度河北省省级工匠遴选",
        policy_version_id=version.pk,
        dates=dates,
        target=30,
    )
    cities = program_actions.default_recommending_orgs(campaign)
    program_actions.do_set_allocations(
        acting_user=officer,
        campaign_id=campaign.pk,
        rows=[
            program_actions.AllocationRow(
                organization_id=c.pk, slots=30 // len(cities) + (1 if i < 30 % len(cities) else 0)
            )
            for i, c in enumerate(cities)
        ],
    )
    campaign = program_actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    # Live work for the demo users: the clerk has a draft to finish, the city one to endorse.
    clerk = _user("clerk")
    unit = Organization.objects.get(name="石家庄钢铁有限责任公司工会")
    for name, submit in (("黄立新", True), ("田丽娟", False)):
        person = Person.objects.get(name=name)
        n = actions.do_start_nomination(
            acting_user=clerk, campaign_id=campaign.pk, nominating_unit_id=unit.pk
        )
        if submit:
            n = _complete(clerk, n, person, today)
            actions.do_submit_nomination(acting_user=clerk, nomination_id=n.pk)
        else:
            actions.do_set_person(acting_user=clerk, nomination_id=n.pk, person_id=person.pk)
    return campaign
