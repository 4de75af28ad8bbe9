"""The expert review of the demo world, played through the real actions with the clock moved
(time-machine, like the selection demo).

`play_review(campaign, ...)` takes a campaign whose format check is closed (ONLINE_REVIEW) and
plays, day by day: the ACFTU expert pool (the demo "expert" login and the experts of
`EXPERTS`), invitations (one declined, a replacement invited), the computed conflicts and
the declared ones (by an expert, by the nominee's unit, by the officer), the assignment (a
run solved, previewed and executed), the score sheets (drafts, submissions, one reopened by
the officer and submitted again, one expert recusing after a draft and a replacement run for
that nomination), the close of the online review, a held panel meeting (presence, a recusal,
every nominee discussed, the votes, the minutes) and the final approval.

Scores are drawn from a seeded generator: each nomination has a quality, each expert a
leniency, so the calibrated ranking differs from the raw one, and one nomination divides
its experts (the disagreement flag).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jiangxin.accounts.models import User
from jiangxin.core.demo import at
from jiangxin.nominations.models import Nomination
from jiangxin.orgs.models import Organization
from jiangxin.programs.models import Campaign
from jiangxin.reference.models import Industry, Region
from jiangxin.reviews import approval, conflicts, panel, pool, scoring
from jiangxin.reviews.assignment import actions as assignment_actions
from jiangxin.reviews.models import (
    Assignment,
    AssignmentRun,
    ExpertProfile,
    FinalApproval,
    Invitation,
    ScoreSheet,
)


@dataclass(frozen=True)
class ExpertSpec:
    username: str
    name: str
    employer: str
    title: str
    region: str
    industries: tuple[str, ...]
    domains: tuple[str, ...]
    expertise: str
    #: Past employers (name, first year, last year): the colleague conflicts.
    past: tuple[tuple[str, int, int], ...] = ()


#: The demo login "expert" (刘志强) joins the pool with this profile.
DEMO_EXPERT = ExpertSpec(
    "expert",
    "刘志强",
    "清华大学机械工程系",
    "教授",
    "110000",
    ("34", "35", "36"),
    ("数控加工", "焊接工艺", "智能制造"),
    "长期从事先进制造工艺研究，参与多项国家重点研发计划，熟悉焊接与数控加工技能评价。",
)

EXPERTS = [
    ExpertSpec(
        "zj_song",
        "宋建平",
        "石家庄钢铁有限责任公司",
        "正高级工程师",
        "130000",
        ("31", "33"),
        ("冶炼", "轧钢", "焊接工艺"),
        "钢铁冶炼与轧制工艺三十年，主持多项炼钢节能改造。",
    ),
    ExpertSpec(
        "zj_han",
        "韩雪",
        "北京科技大学",
        "教授",
        "110000",
        ("31", "32", "33"),
        ("冶金材料", "焊接工艺"),
        "金属材料与焊接冶金，国家级技能大赛裁判长。",
    ),
    ExpertSpec(
        "zj_he",
        "何志远",
        "上海交通大学",
        "教授",
        "310000",
        ("36", "37"),
        ("汽车制造", "轨道交通装备", "涂装"),
        "汽车与轨道车辆制造工艺，车身焊装与涂装质量控制。",
    ),
    ExpertSpec(
        "zj_luo",
        "罗兰",
        "中国医药工业研究总院",
        "研究员",
        "310000",
        ("27",),
        ("化学制药", "质量检验"),
        "化学原料药合成工艺与GMP质量管理。",
    ),
    ExpertSpec(
        "zj_xu",
        "许明",
        "郑州大学",
        "教授",
        "410000",
        ("35", "36"),
        ("数控加工", "装配调试"),
        "机械制造及自动化，数控机床装调与维修技能标准起草人。",
    ),
    ExpertSpec(
        "zj_jiang",
        "蒋涛",
        "东风汽车集团有限公司",
        "高级技师",
        "420000",
        ("36",),
        ("汽车装调", "涂装"),
        "汽车装调工国家职业技能标准编写专家，首席技师。",
    ),
    ExpertSpec(
        "zj_cao",
        "曹立",
        "中国第二重型机械集团有限公司",
        "正高级工程师",
        "510000",
        ("34", "35"),
        ("重型装备", "装配钳工", "数控加工"),
        "重型机械装配与大型铸锻件加工。",
        past=(("郑州煤矿机械集团股份有限公司", 2001, 2010),),
    ),
    ExpertSpec(
        "zj_deng",
        "邓强",
        "中车大连机车车辆有限公司",
        "首席技师",
        "210000",
        ("37", "35"),
        ("铆焊", "轨道交通装备"),
        "机车车体铆焊工艺，全国技术能手。",
    ),
    ExpertSpec(
        "zj_feng",
        "冯丽",
        "广东药科大学",
        "教授",
        "440000",
        ("27",),
        ("化学制药",),
        "药物化学与制药工程。",
    ),
    ExpertSpec(
        "zj_peng",
        "彭辉",
        "浙江大学",
        "教授",
        "330000",
        ("27", "35"),
        ("化学制药", "设备维修"),
        "制药装备与过程控制。",
    ),
]


@dataclass(frozen=True)
class PoolPlan:
    """Who reviews: the pool's organization and experts (an existing account by username
    joins with its profile), who declines and who replaces them, the panel (chair first) and
    the member away on the day."""

    pool: str
    experts: tuple[ExpertSpec, ...]
    panel: tuple[str, ...]
    absent: str | None = None
    decliner: str | None = None
    replacement: str | None = None
    outside_province: bool = False


NATIONAL_POOL = PoolPlan(
    pool="中华全国总工会",
    experts=(DEMO_EXPERT, *EXPERTS),
    panel=("expert", "zj_han", "zj_he", "zj_luo", "zj_xu", "zj_cao", "zj_deng"),
    absent="zj_luo",
    decliner="zj_feng",
    replacement="zj_peng",
    outside_province=True,
)

HEBEI_POOL = PoolPlan(
    pool="河北省总工会",
    experts=(
        ExpertSpec(
            "hb_zhao",
            "赵文博",
            "河北工业大学",
            "教授",
            "130000",
            ("31", "33"),
            ("冶金材料", "焊接工艺"),
            "材料成型与焊接。",
        ),
        ExpertSpec(
            "hb_qian",
            "钱玉梅",
            "河北科技大学",
            "教授",
            "130000",
            ("27",),
            ("化学制药", "质量检验"),
            "制药工程与药品质量控制。",
        ),
        ExpertSpec(
            "hb_sun",
            "孙志军",
            "河北钢铁集团有限公司",
            "正高级工程师",
            "130000",
            ("31",),
            ("冶炼", "轧钢"),
            "钢铁冶炼与轧制。",
        ),
        ExpertSpec(
            "hb_li",
            "李卫东",
            "燕山大学",
            "教授",
            "130000",
            ("31", "34"),
            ("轧钢", "设备维修"),
            "轧钢装备与液压系统。",
        ),
        ExpertSpec(
            "hb_zhou",
            "周晓红",
            "河北医科大学",
            "教授",
            "130000",
            ("27",),
            ("化学检验",),
            "药物分析。",
        ),
        ExpertSpec(
            "hb_wu",
            "吴建新",
            "河北省机电技师学院",
            "高级讲师",
            "130000",
            ("34", "38"),
            ("维修电工", "焊接工艺"),
            "维修电工与焊工技能鉴定。",
        ),
        ExpertSpec(
            "hb_zheng",
            "郑国强",
            "河北省产品质量监督检验研究院",
            "正高级工程师",
            "130000",
            ("27", "31"),
            ("质量检验",),
            "工业产品质量检验。",
        ),
    ),
    panel=("hb_zhao", "hb_qian", "hb_sun", "hb_li", "hb_zhou"),
)


@dataclass(frozen=True)
class ReviewDays:
    """The days of the review (working days, in order)."""

    invitations: dt.date
    assignment: dt.date
    scoring: dt.date
    review_closes: dt.date
    panel: dt.date
    approval: dt.date


def _profile_fields(spec: ExpertSpec) -> dict[str, Any]:
    return {
        "employer_name": spec.employer,
        "organization": Organization.objects.filter(name=spec.employer).first(),
        "title": spec.title,
        "region": Region.objects.get(pk=spec.region),
        "industries": list(Industry.objects.filter(pk__in=spec.industries)),
        "skill_domains": list(spec.domains),
        "expertise": spec.expertise,
        "tiers": ["national", "provincial"],
    }


def _employment(spec: ExpertSpec) -> list[pool.EmploymentRow]:
    return [
        pool.EmploymentRow(
            employer_name=name,
            organization_id=Organization.objects.filter(name=name)
            .values_list("pk", flat=True)
            .first(),
            start=dt.date(first, 1, 1),
            end=dt.date(last, 12, 31),
        )
        for name, first, last in spec.past
    ]


def build_pool(plan: PoolPlan) -> dict[str, ExpertProfile]:
    """The experts of the plan's pool (idempotent), by username."""
    pool_org = Organization.objects.get(name=plan.pool)
    experts: dict[str, ExpertProfile] = {}
    for spec in plan.experts:
        profile = ExpertProfile.objects.filter(user__username=spec.username).first()
        if profile is None and User.objects.filter(username=spec.username).exists():
            profile = pool.do_add_expert_profile(
                acting_user=None,
                pool_id=pool_org.pk,
                user_id=User.objects.get(username=spec.username).pk,
                fields=_profile_fields(spec),
                employment=_employment(spec),
            )
        elif profile is None:
            profile = pool.do_create_expert(
                acting_user=None,
                pool_id=pool_org.pk,
                username=spec.username,
                full_name=spec.name,
                email=f"{spec.username}@example.cn",
                fields=_profile_fields(spec),
                employment=_employment(spec),
            )
        experts[spec.username] = profile
    return experts


def _accept(issued: pool.IssuedInvitation, **kw: Any) -> None:
    password = None
    if pool.needs_password(issued.invitation.expert.user):
        # The other experts never sign in to the demo: a strong password nobody knows.
        password = f"Zj-{secrets.token_urlsafe(12)}9a"
    pool.do_accept_invitation(token=issued.token, password=password, **kw)


def _invite(
    campaign: Campaign, officer: User, experts: dict[str, ExpertProfile], plan: PoolPlan
) -> None:
    invited = [e.pk for name, e in experts.items() if name != plan.replacement]
    issued = pool.do_invite_experts(
        acting_user=officer, campaign_id=campaign.pk, expert_ids=invited
    )
    for item in issued:
        username = item.invitation.expert.user.username
        if username == plan.decliner and plan.replacement:
            pool.do_decline_invitation(
                token=item.token, reason="本月赴外地参加国家标准审定会，无法按期完成评审。"
            )
            replacement = pool.do_invite_expert(
                acting_user=officer,
                campaign_id=campaign.pk,
                expert_id=experts[plan.replacement].pk,
                replaces_id=item.invitation.pk,
            )
            _accept(replacement, availability="工作日晚间及周末")
        elif username == "expert":
            _accept(item, availability="评审期内工作日均可", max_load=6)
        else:
            _accept(item)


def _declare_conflicts(
    campaign: Campaign,
    officer: User,
    experts: dict[str, ExpertProfile],
    by_name: dict[str, Nomination],
    unit_user: Callable[[Nomination], User],
) -> None:
    """The computed conflicts, and one declared by each side."""
    conflicts.do_recompute_conflicts(acting_user=officer, campaign_id=campaign.pk)
    if "李建华" in by_name and "zj_jiang" in experts:
        conflicts.do_declare_own_conflict(
            acting_user=experts["zj_jiang"].user,
            campaign_id=campaign.pk,
            nomination_id=by_name["李建华"].pk,
            kind="teacher_apprentice",
            reason="李建华曾在东风汽车培训中心随本人学习汽车装调，系师徒关系。",
        )
    if "马旭东" in by_name and "zj_han" in experts:
        nomination = by_name["马旭东"]
        conflicts.do_request_avoidance(
            acting_user=unit_user(nomination),
            nomination_id=nomination.pk,
            expert_name="韩雪",
            employer_name="北京科技大学",
            kind="co_inventor",
            reason="韩雪教授与被推荐人共同申请过焊接工艺发明专利，请予回避。",
        )
    if "王春生" in by_name and "zj_deng" in experts:
        conflicts.do_record_conflict(
            acting_user=officer,
            campaign_id=campaign.pk,
            expert_id=experts["zj_deng"].pk,
            nomination_id=by_name["王春生"].pk,
            kind="other",
            reason="邓强与王春生同为中车集团铆焊技能大师工作室联盟负责人，经研究予以回避。",
        )


def _solve(run: AssignmentRun) -> AssignmentRun:
    """The task runs at once with the immediate task backend; otherwise here."""
    run.refresh_from_db()
    if run.status in (AssignmentRun.Status.QUEUED, AssignmentRun.Status.RUNNING):
        assignment_actions.process_assignment_run(run.pk)
        run.refresh_from_db()
    if run.status != AssignmentRun.Status.SOLVED:
        raise RuntimeError(f"demo assignment run {run.pk} ended {run.status}: {run.result}")
    return run


def _assign(campaign: Campaign, officer: User, max_load: int, plan: PoolPlan) -> None:
    run = assignment_actions.do_start_assignment_run(
        acting_user=officer,
        campaign_id=campaign.pk,
        default_max_load=max_load,
        outside_province=plan.outside_province,
    )
    run = _solve(run)
    assignment_actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)


class _Scorer:
    """Seeded scores: quality of the nomination + leniency of the expert + noise."""

    def __init__(self, campaign: Campaign, nominations: Sequence[Nomination]) -> None:
        self.dimensions = list(campaign.policy_version.dimensions.order_by("order"))
        self.random = random.Random(f"jiangxin-demo-{campaign.year}-{campaign.tier}")  # noqa: S311
        # The first nominations are the strongest (in the order given); the last divides.
        self.quality = {n.pk: 0.85 - 0.06 * i for i, n in enumerate(nominations)}
        self.divisive = nominations[-1].pk if len(nominations) > 2 else None
        self.leniency: dict[int, float] = {}

    def values(self, assignment: Assignment) -> tuple[dict[int, int], dict[int, str]]:
        lenient = self.leniency.setdefault(assignment.expert_id, self.random.uniform(-0.1, 0.1))
        quality = self.quality[assignment.nomination_id] + lenient
        if assignment.nomination_id == self.divisive:
            quality += self.random.choice((-0.25, 0.2))
        scores, comments = {}, {}
        for d in self.dimensions:
            share = min(1.0, max(0.0, quality + self.random.uniform(-0.06, 0.06)))
            value = round(d.score_min + share * (d.score_max - d.score_min))
            scores[d.pk] = value
            if value in (d.score_min, d.score_max):
                comments[d.pk] = (
                    "该项表现突出，佐证材料充分。" if value == d.score_max else "该项缺少佐证材料。"
                )
        return scores, comments

    def submit(self, assignment: Assignment, comment: str = "") -> None:
        scores, comments = self.values(assignment)
        scoring.do_submit_score_sheet(
            acting_user=assignment.expert.user,
            assignment_id=assignment.pk,
            scores=scores,
            comments=comments,
            comment=comment or "材料翔实，事迹突出，同意推荐。",
        )

    def draft(self, assignment: Assignment) -> None:
        scores, _comments = self.values(assignment)
        scoring.do_save_score_draft(
            acting_user=assignment.expert.user,
            assignment_id=assignment.pk,
            data={scoring.score_field(pk): str(v) for pk, v in list(scores.items())[:2]},
        )


def _active(campaign: Campaign) -> list[Assignment]:
    return list(
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
        .select_related("expert__user", "nomination")
        .order_by("nomination_id", "expert_id")
    )


def _score(
    campaign: Campaign,
    officer: User,
    nominations: Sequence[Nomination],
    days: ReviewDays,
    plan: PoolPlan,
) -> None:
    scorer = _Scorer(campaign, nominations)
    assignments = _active(campaign)
    # The first expert's first sheet is reopened by the officer; the last other recuses.
    first = plan.experts[0].username
    demo_expert = [a for a in assignments if a.expert.user.username == first]
    others = [a for a in assignments if a.expert.user.username != first]
    with at(days.scoring, 9):
        for a in assignments:
            scorer.draft(a)
    with at(days.scoring + dt.timedelta(days=1), 20):
        # One expert recuses after the draft: the nomination is short until a replacement run.
        recusing = others[-1]
        assignment_actions.do_recuse_assignment(
            acting_user=recusing.expert.user,
            assignment_id=recusing.pk,
            reason="评审中发现被推荐人曾参与本人主持的科研项目，主动申请回避。",
        )
        for a in others[:-1] + demo_expert:
            scorer.submit(a)
    with at(days.scoring + dt.timedelta(days=2), 10):
        run = assignment_actions.do_start_replacement_run(
            acting_user=officer,
            campaign_id=campaign.pk,
            nomination_ids=[recusing.nomination_id],
        )
        run = _solve(run)
        assignment_actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
        if demo_expert:
            scoring.do_reopen_score_sheet(
                acting_user=officer,
                assignment_id=demo_expert[0].pk,
                reason="创新力一项评分与评语不一致，请专家核对后重新提交。",
            )
    with at(days.scoring + dt.timedelta(days=3), 16):
        for a in _active(campaign):
            sheet = ScoreSheet.objects.filter(assignment=a).first()
            if sheet is None or sheet.status != ScoreSheet.Status.SUBMITTED:
                reopened = sheet is not None and sheet.status == ScoreSheet.Status.REOPENED
                scorer.submit(a, comment="经核对后重新提交。" if reopened else "")


def _hold_panel(
    campaign: Campaign,
    officer: User,
    experts: dict[str, ExpertProfile],
    days: ReviewDays,
    plan: PoolPlan,
    reject_last: bool,
) -> None:
    with at(days.panel, 9):
        meeting = panel.do_set_up_panel(
            acting_user=officer,
            campaign_id=campaign.pk,
            held_on=days.panel,
            location="北京市西城区复兴门外大街10号 中华全国总工会第三会议室",
            chair_id=experts[plan.panel[0]].user_id,
        )
        seated = [
            panel.do_add_panel_member(
                acting_user=officer, meeting_id=meeting.pk, user_id=experts[name].user_id
            )
            for name in plan.panel
        ]
        away = experts[plan.absent].user if plan.absent else None
        panel.do_record_presence(
            acting_user=officer,
            meeting_id=meeting.pk,
            present_member_ids=[m.pk for m in seated if away is None or m.user_id != away.pk],
        )
        meeting = panel.do_open_panel(acting_user=officer, meeting_id=meeting.pk)
        state = panel.meeting_state(meeting)
        votes: dict[tuple[int, int], str] = {}
        last = state.entries[-1].pk if reject_last and len(state.entries) > 2 else None
        for entry in state.entries:
            panel.do_set_discussed(acting_user=officer, entry_id=entry.pk)
            voters = state.voters_for(entry.pk)
            for i, member in enumerate(voters):
                if entry.pk == last:
                    # Fewer than two thirds agree: this nominee does not pass.
                    choice = "agree" if i < 2 else ("abstain" if i == 2 else "disagree")
                else:
                    choice = "abstain" if i == len(voters) - 1 and i % 2 else "agree"
                votes[(entry.pk, member.pk)] = choice
        panel.do_record_votes(acting_user=officer, meeting_id=meeting.pk, votes=votes)
        panel.do_save_minutes(
            acting_user=officer,
            meeting_id=meeting.pk,
            minutes=(
                f"{days.panel.year}年{days.panel.month}月{days.panel.day}日，评审委员会召开会议评审。"
                f"应到委员{len(seated)}人，实到{len(seated) - (1 if away else 0)}人"
                + (f"，{away.full_name}委员因公请假。" if away else "。")
                + "会议听取了网络评审情况汇报，"
                "对入围人选逐一审议，对专家评分分歧较大的人选重点讨论；存在回避关系的委员"
                "未参加相关人选的表决。经无记名投票，以到会委员三分之二以上同意为通过。"
            ),
        )
        panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)


def play_review(
    campaign: Campaign,
    *,
    officer: User,
    nominations: Sequence[Nomination],
    days: ReviewDays,
    unit_user: Callable[[Nomination], User],
    plan: PoolPlan = NATIONAL_POOL,
    max_load: int = 5,
    reject_last: bool = True,
) -> FinalApproval:
    """Play the review of `campaign` (ONLINE_REVIEW) up to its final approval; `nominations`
    are its accepted nominations, strongest first; `unit_user` gives, for a nomination, a
    user of its unit (who asks for an expert to avoid). With `reject_last` the last nominee
    on the shortlist does not win two thirds of the panel's votes (it is not selected)."""
    existing = FinalApproval.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    by_name = {n.person.name: n for n in nominations if n.person is not None}
    with at(days.invitations, 10):
        experts = build_pool(plan)
        if not Invitation.objects.filter(campaign=campaign).exists():
            _invite(campaign, officer, experts, plan)
    with at(days.invitations + dt.timedelta(days=1), 11):
        _declare_conflicts(campaign, officer, experts, by_name, unit_user)
    with at(days.assignment, 10):
        _assign(campaign, officer, max_load, plan)
    _score(campaign, officer, nominations, days, plan)
    with at(days.review_closes, 17):
        scoring.do_close_online_review(acting_user=officer, campaign_id=campaign.pk)
    _hold_panel(campaign, officer, experts, days, plan, reject_last)
    with at(days.approval, 15):
        return approval.do_approve_final(
            acting_user=officer,
            campaign_id=campaign.pk,
            notes="经审定，名单在名额之内，地区、行业分布合理，同意进入公示。",
        )
