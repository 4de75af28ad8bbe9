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
    year: int = 2026,
):
    """A campaign of `issuer` for `year` (one per tier, year and issuer), on CAMPAIGN_DATES
    unless told otherwise, deployed with `allocations` unless `deploy` is False."""
    from jiangxin.programs import actions as program_actions

    campaign = program_actions.do_create_campaign(
        acting_user=officer,
        issuing_org_id=issuer.pk,
        tier=tier,
        year=year,
        name=name or f"{year}年度{issuer.name}工匠遴选",
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


# --- Reviews: panel ---------------------------------------------------------------------------
# The pool, assignment and scoring stages are built apart: experts, assignments and submitted
# score sheets are written directly here, and the online review's close is played by setting
# the statuses those stages' actions set (nominations IN_REVIEW, campaign PANEL_MEETING).

CHECKED_FORMAT = {
    "complete": True,
    "attachments_legible": True,
    "attestation_present": True,
    "eligibility_confirmed": True,
}


def make_expert(pool: Organization, *, name: str | None = None):  # type: ignore[no-untyped-def]
    """An active expert of `pool` (a user with the expert role and an ExpertProfile)."""
    from jiangxin.reviews.models import ExpertProfile

    n = next(_seq)
    user = make_user(f"expert{n}", role=Role.EXPERT, org=pool, full_name=name or f"专家{n:02d}")
    return ExpertProfile.objects.create(user=user, pool=pool, employer_name="某高校")


def make_accepted_nominations(world: World, campaign, people):  # type: ignore[no-untyped-def]
    """One nomination per person (make_person keyword sets) by the Hebei enterprise union,
    endorsed by 石家庄 and Hebei and accepted in the format check; the campaign then moves to
    the online review (ONLINE_REVIEW)."""
    from jiangxin.nominations import actions as nomination_actions
    from jiangxin.programs import actions as program_actions

    clerk, officer = world.users["hebei_clerk"], world.users["program_officer"]
    nominations = []
    for person_kw in people:
        n = make_nomination(clerk, campaign, world.hebei_union, world.hebei_enterprise, **person_kw)
        for endorser in ("sjz_officer", "hebei_officer"):
            nomination_actions.do_endorse_nomination(
                acting_user=world.users[endorser], nomination_id=n.pk, opinion="同意推荐"
            )
        nominations.append(n)
    program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    for n in nominations:
        nomination_actions.do_decide_format_check(
            acting_user=officer, nomination_id=n.pk, decision="accept", checklist=CHECKED_FORMAT
        )
    nomination_actions.do_close_format_check(acting_user=officer, campaign_id=campaign.pk)
    return [type(n).objects.get(pk=n.pk) for n in nominations]


def score_nominations(campaign, nominations, experts, scores) -> None:  # type: ignore[no-untyped-def]
    """Submitted score sheets: `scores[i][j]` is what expert j gives nomination i on every
    dimension (None: no sheet). The nominations go IN_REVIEW, as the assignment does."""
    from django.utils import timezone

    from jiangxin.nominations.models import Nomination
    from jiangxin.reviews.models import Assignment, Score, ScoreSheet

    dimensions = list(campaign.policy_version.dimensions.all())
    rows = []
    for nomination, values in zip(nominations, scores, strict=True):
        for expert, value in zip(experts, values, strict=True):
            if value is None:
                continue
            assignment = Assignment.objects.create(
                campaign=campaign, nomination=nomination, expert=expert
            )
            sheet = ScoreSheet.objects.create(
                assignment=assignment,
                status=ScoreSheet.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
            rows += [Score(sheet=sheet, dimension=d, value=value) for d in dimensions]
    Score.objects.bulk_create(rows)
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
        status=Nomination.Status.IN_REVIEW
    )


def make_reviewed_campaign(  # type: ignore[no-untyped-def]
    world: World,
    *,
    count: int = 6,
    target: int = 3,
    experts: int = 3,
    scores=None,
    people=None,
):
    """A national campaign whose online review has closed (PANEL_MEETING), with `count`
    nominations scored by `experts` experts of the ACFTU pool. By default nomination i gets
    20 − i from everyone, so the ranking follows the order of creation. Returns
    (campaign, nominations, experts)."""
    from jiangxin.programs.models import Campaign

    people = people or [{"name": f"候选人{i + 1:02d}"} for i in range(count)]
    ratio = Decimal(-(-len(people) // target) + 1)
    campaign = make_campaign(
        world.users["program_officer"],
        world.acftu,
        allocations={world.hebei: target},
        target=target,
        ratio=ratio,
    )
    nominations = make_accepted_nominations(world, campaign, people)
    pool = [make_expert(world.acftu) for _ in range(experts)]
    if scores is None:
        scores = [[max(0, 20 - i)] * experts for i in range(len(nominations))]
    score_nominations(campaign, nominations, pool, scores)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PANEL_MEETING)
    campaign.refresh_from_db()
    return campaign, nominations, pool


def make_open_panel(world: World, campaign, *, members: int = 9, present: int | None = None):  # type: ignore[no-untyped-def]
    """Set up the campaign's panel meeting, seat `members` new experts of the ACFTU pool,
    mark the first `present` (default: all) present and open it. Returns (meeting, members)."""
    from jiangxin.reviews import panel

    officer = world.users["program_officer"]
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    seated = [
        panel.do_add_panel_member(
            acting_user=officer, meeting_id=meeting.pk, user_id=make_expert(world.acftu).user_id
        )
        for _ in range(members)
    ]
    panel.do_record_presence(
        acting_user=officer,
        meeting_id=meeting.pk,
        present_member_ids=[m.pk for m in seated[: members if present is None else present]],
    )
    meeting = panel.do_open_panel(acting_user=officer, meeting_id=meeting.pk)
    return meeting, seated


def cast_votes(officer: User, meeting, tallies, *, round_no: int = 0):  # type: ignore[no-untyped-def]
    """Record votes so that entry id → (agree, disagree, abstain) among its members voting
    (present, not recused, in seating order); the counts must add up to them."""
    from jiangxin.reviews import panel

    state = panel.meeting_state(meeting)
    votes = {}
    for entry_id, (agree, disagree, abstain) in tallies.items():
        voters = state.voters_for(entry_id)
        assert agree + disagree + abstain == len(voters), (entry_id, len(voters))
        choices = ["agree"] * agree + ["disagree"] * disagree + ["abstain"] * abstain
        votes.update({(entry_id, m.pk): c for m, c in zip(voters, choices, strict=True)})
    return panel.do_record_votes(
        acting_user=officer, meeting_id=meeting.pk, votes=votes, round_no=round_no
    )


# --- Reviews: scoring -------------------------------------------------------------------------
# Assignments are written directly (the assignment stage solves them apart); score sheets go
# through the scoring actions (jiangxin.reviews.scoring).

PHONE = "13812345678"


def tiny_pdf() -> bytes:
    """A small well-formed one-page PDF (passes the upload checks)."""
    from jiangxin.people.tests.conftest import pdf_bytes

    return pdf_bytes()


def assign(campaign, nomination, expert):  # type: ignore[no-untyped-def]
    """An active assignment; the nomination goes IN_REVIEW, as executing an assignment does."""
    from jiangxin.nominations.models import Nomination
    from jiangxin.reviews.models import Assignment

    assignment = Assignment.objects.create(campaign=campaign, nomination=nomination, expert=expert)
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.IN_REVIEW)
    return assignment


def make_scoring_campaign(  # type: ignore[no-untyped-def]
    world: World,
    *,
    count: int = 2,
    experts: int = 2,
    blind: bool = False,
    evidence: bool = False,
    people=None,
):
    """A national campaign in the online review: `count` nominations of the Hebei enterprise
    union (people with a mobile number; with `evidence`, a file linked under the first
    dimension and one in general), endorsed and accepted, each assigned to every one of
    `experts` new experts of the ACFTU pool. `blind` turns on the policy's blind review.
    Returns (campaign, nominations, experts, {(nomination id, expert id): assignment})."""
    from io import BytesIO

    from jiangxin.nominations import actions as nomination_actions
    from jiangxin.people import actions as people_actions
    from jiangxin.programs import actions as program_actions
    from jiangxin.programs.models import PolicyVersion

    clerk, officer = world.users["hebei_clerk"], world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: count}, target=count)
    people = people or [{"name": f"候选人{i + 1:02d}"} for i in range(count)]
    first_dimension = campaign.policy_version.dimensions.order_by("order").first()
    nominations = []
    for person_kw in people:
        n = make_nomination(
            clerk, campaign, world.hebei_union, world.hebei_enterprise, submit=False, **person_kw
        )
        people_actions.do_update_person(
            acting_user=clerk, person_id=n.person_id, changes={"phone": PHONE}
        )
        if evidence:
            for dimension, caption in ((first_dimension, "焊接工艺评定"), (None, "获奖证书")):
                data = tiny_pdf()
                attachment = people_actions.do_upload_attachment(
                    acting_user=clerk,
                    person_id=n.person_id,
                    name=f"{n.person.name}-{caption}.pdf",
                    stream=BytesIO(data),
                    size=len(data),
                )
                nomination_actions.do_add_evidence(
                    acting_user=clerk,
                    nomination_id=n.pk,
                    attachment_id=attachment.pk,
                    dimension_id=dimension.pk if dimension else None,
                    caption=caption,
                )
        nomination_actions.do_submit_nomination(acting_user=clerk, nomination_id=n.pk)
        for endorser in ("sjz_officer", "hebei_officer"):
            nomination_actions.do_endorse_nomination(
                acting_user=world.users[endorser], nomination_id=n.pk, opinion="同意推荐"
            )
        nominations.append(n)
    program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    for n in nominations:
        nomination_actions.do_decide_format_check(
            acting_user=officer, nomination_id=n.pk, decision="accept", checklist=CHECKED_FORMAT
        )
    nomination_actions.do_close_format_check(acting_user=officer, campaign_id=campaign.pk)
    if blind:
        PolicyVersion.objects.filter(pk=campaign.policy_version_id).update(blind_review=True)
    pool = [make_expert(world.acftu) for _ in range(experts)]
    assignments = {(n.pk, e.pk): assign(campaign, n, e) for n in nominations for e in pool}
    campaign.refresh_from_db()
    nominations = [type(n).objects.get(pk=n.pk) for n in nominations]
    return campaign, nominations, pool, assignments


def submit_sheet(assignment, value: int = 15, **per_dimension: int):  # type: ignore[no-untyped-def]
    """Submit the assignment's sheet through the action: `value` on every dimension (or
    per dimension code), with a comment where a score is at the top or bottom."""
    from jiangxin.reviews import scoring

    dims = list(assignment.campaign.policy_version.dimensions.all())
    scores = {d.pk: per_dimension.get(d.code, value) for d in dims}
    comments = {d.pk: "理由充分" for d in dims if scores[d.pk] in (d.score_min, d.score_max)}
    return scoring.do_submit_score_sheet(
        acting_user=assignment.expert.user,
        assignment_id=assignment.pk,
        scores=scores,
        comments=comments,
        comment="总体评价良好",
    )


# --- Reviews: assignment ----------------------------------------------------------------------
# Invitations are written directly (the pool stage's token flow is tested there): an accepted
# invitation is all the assignment needs of an expert.


def accept_invitation(campaign, expert, *, max_load: int | None = None):  # type: ignore[no-untyped-def]
    """An accepted invitation of `expert` (an ExpertProfile) to review `campaign`."""
    import hashlib
    import secrets

    from django.utils import timezone

    from jiangxin.reviews.models import Invitation

    return Invitation.objects.create(
        campaign=campaign,
        expert=expert,
        status=Invitation.Status.ACCEPTED,
        token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        token_expires_at=timezone.now() + dt.timedelta(days=14),
        max_load=max_load,
        responded_at=timezone.now(),
    )


# --- Reviews: pool and conflicts --------------------------------------------------------------
# Experts are created and invited through the pool actions (jiangxin.reviews.pool); the
# invitation's link token is what the expert answers with.

_expert_seq = count(1)


def make_pool_expert(  # type: ignore[no-untyped-def]
    officer: User | None,
    pool: Organization,
    *,
    full_name: str | None = None,
    organization: Organization | None = None,
    employer_name: str = "河北工业大学",
    employment=(),
    tiers=(),
    industries=(),
    username: str | None = None,
    email: str | None = None,
):
    """An expert created by `officer` (None: the system) in `pool`'s pool, with a new account
    (unusable password until they accept an invitation). `employment` is a list of
    jiangxin.reviews.pool.EmploymentRow."""
    from jiangxin.reviews.pool import do_create_expert

    n = next(_expert_seq)
    username = username or f"poolexpert{n}"
    return do_create_expert(
        acting_user=officer,
        pool_id=pool.pk,
        username=username,
        full_name=full_name or f"池专家{n:02d}",
        email=email or f"{username}@example.cn",
        fields={
            "organization": organization,
            "employer_name": employer_name,
            "tiers": list(tiers),
            "industries": list(industries),
        },
        employment=list(employment),
    )


def invite(officer: User, campaign, expert, **kw):  # type: ignore[no-untyped-def]
    """Invite `expert` to `campaign`; returns the IssuedInvitation (invitation and token)."""
    from jiangxin.reviews.pool import do_invite_expert

    return do_invite_expert(acting_user=officer, campaign_id=campaign.pk, expert_id=expert.pk, **kw)


def invite_and_accept(officer: User, campaign, expert, *, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Invite `expert` and accept through the link (choosing `password` if they have none)."""
    from jiangxin.reviews.pool import do_accept_invitation

    issued = invite(officer, campaign, expert)
    return do_accept_invitation(token=issued.token, password=password)


# --- Portal: articles -------------------------------------------------------------------------


def make_article(  # type: ignore[no-untyped-def]
    editor,
    *,
    org=None,
    category: str = "notice",
    title: str = "关于开展工匠学院培训的通知",
    body: str = "<p>各有关单位：</p><p>现将有关事项通知如下。</p>",
    publish: bool = True,
    **fields,
):
    """An article written by `editor` (a program officer) for `org` (the editor's own
    organization by default) through the portal's actions; published unless `publish` is
    False."""
    from jiangxin.portal import actions, rules

    article = actions.do_create_article(
        acting_user=editor,
        fields=actions.ArticleFields(
            category=category,
            title=title,
            body=body,
            source_org=org or rules.editor_orgs(editor)[0],
            **fields,
        ),
    )
    if publish:
        article = actions.do_publish_article(acting_user=editor, article_id=article.pk)
    return article


# --- Publication ------------------------------------------------------------------------------
# The review and notice stages are played by setting the statuses their actions set
# (play_review_and_notice): the accepted nominations CONFIRMED (as
# notices.actions.do_close_notice leaves them), the campaign PUBLIC_NOTICE, a closed notice.
# notices/tests/test_publication.py plays them through the real actions once.

NOTICE_DAYS = (dt.date(2026, 6, 1), dt.date(2026, 6, 5))
SIGNED_ON = dt.date(2026, 6, 12)


def play_review_and_notice(campaign, nominations, *, notice_starts, notice_ends) -> None:  # type: ignore[no-untyped-def]
    """Stand in for the expert review and the public notice: the nominations CONFIRMED, the
    campaign PUBLIC_NOTICE, and its main notice closed (as do_close_notice leaves them)."""
    from zoneinfo import ZoneInfo

    from jiangxin.nominations.models import Nomination
    from jiangxin.notices.models import PublicNotice
    from jiangxin.programs.models import Campaign

    shanghai = ZoneInfo("Asia/Shanghai")
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
        status=Nomination.Status.CONFIRMED
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLIC_NOTICE)
    opens = dt.datetime.combine(notice_starts, dt.time(0, 0), tzinfo=shanghai)
    closes = dt.datetime.combine(notice_ends + dt.timedelta(days=1), dt.time(0, 0), tzinfo=shanghai)
    PublicNotice.objects.create(
        campaign=campaign,
        title=f"{campaign.name}拟入选名单公示",
        status=PublicNotice.Status.CLOSED,
        starts_on=notice_starts,
        ends_on=notice_ends,
        working_days=campaign.policy_version.notice_working_days,
        opens_at=opens,
        closes_at=closes,
        closed_at=closes,
    )
    campaign.refresh_from_db()


def make_noticed_campaign(  # type: ignore[no-untyped-def]
    world: World, *, people=None, consent: dict[str, list[str]] | None = None
):
    """A national campaign whose public notice has closed, its nominations (one per
    make_person keyword set, by the Hebei enterprise union) CONFIRMED. `consent` maps a
    person's name to the notice fields they agreed to publish (default: all).
    Returns (campaign, nominations)."""
    from jiangxin.nominations.models import Nomination

    people = people or [{"name": name} for name in ("张建华", "王立军", "李红梅")]
    campaign = make_campaign(
        world.users["program_officer"],
        world.acftu,
        allocations={world.hebei: len(people)},
        target=len(people),
    )
    nominations = make_accepted_nominations(world, campaign, people)
    for n in nominations:
        fields = (consent or {}).get(n.person.name)
        if fields is not None:
            Nomination.objects.filter(pk=n.pk).update(
                consent_given=bool(fields), consent_fields=fields
            )
    play_review_and_notice(
        campaign, nominations, notice_starts=NOTICE_DAYS[0], notice_ends=NOTICE_DAYS[1]
    )
    return campaign, [Nomination.objects.get(pk=n.pk) for n in nominations]


def publish(world: World, campaign, **overrides):  # type: ignore[no-untyped-def]
    """Publish `campaign` as the national program officer (document 总工发〔2026〕12号)."""
    from jiangxin.notices.publication import do_publish_results

    acting_user = overrides.pop("acting_user", world.users["program_officer"])
    values = {
        "document_number": "总工发〔2026〕12号",
        "addressees": "各省、自治区、直辖市总工会",
        "signed_on": SIGNED_ON,
        "body": "现将入选名单予以公布。\n希望入选人员珍惜荣誉。",
        **overrides,
    }
    return do_publish_results(acting_user=acting_user, campaign_id=campaign.pk, **values)


# --- Notices ----------------------------------------------------------------------------------
# A campaign played through the real review actions up to the final approval
# (reviews.approval.do_approve_final sets the approved nominations SELECTED and the campaign
# PUBLIC_NOTICE), then the notice and objections through the notices actions.

NOTICE_PEOPLE = ("王立军", "张建华", "李红梅", "欧阳明", "马小兵", "刘志强")
NOTICE_CONTACT = "联系电话：010-68592114\n通信地址：北京市西城区复兴门外大街10号"
OBJECTOR_PHONE = "13912345678"


def make_approved_campaign(world: World, *, names=NOTICE_PEOPLE, target: int = 3):  # type: ignore[no-untyped-def]
    """A national campaign whose list is final-approved: `names` nominated, scored in that
    order (the first best), every shortlisted nominee passed by the panel; the first `target`
    approved (SELECTED), the next shortlisted one passed beyond the quota (NOT_SELECTED).
    Returns (campaign, approved nominations, the other nominations)."""
    from jiangxin.nominations.models import Nomination
    from jiangxin.reviews import approval, panel

    officer = world.users["program_officer"]
    campaign, nominations, _experts = make_reviewed_campaign(
        world, target=target, people=[{"name": n} for n in names]
    )
    meeting, _members = make_open_panel(world, campaign)
    entries = list(meeting.shortlist.order_by("rank"))
    for entry in entries:
        panel.do_set_discussed(acting_user=officer, entry_id=entry.pk, discussed=True)
    panel.do_save_minutes(acting_user=officer, meeting_id=meeting.pk, minutes="会议逐一审议。")
    cast_votes(officer, meeting, {e.pk: (9, 0, 0) for e in entries})
    panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    approval.do_approve_final(acting_user=officer, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    fresh = Nomination.objects.in_bulk([n.pk for n in nominations])
    ordered = [fresh[n.pk] for n in nominations]
    return campaign, ordered[:target], ordered[target:]


def make_handler(world: World, campaign, username: str = "handler"):  # type: ignore[no-untyped-def]
    """A program officer of ACFTU named to handle the campaign's objections."""
    from jiangxin.notices.actions import do_name_handler

    user = make_user(username, role=Role.PROGRAM_OFFICER, org=world.acftu, full_name="异议处理员")
    do_name_handler(
        acting_user=world.users["program_officer"],
        campaign_id=campaign.pk,
        user_id=user.pk,
        active=True,
    )
    return user


def make_open_notice(world: World, campaign, *, starts_on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """The campaign's main notice drafted, every summary approved, contacts given and
    scheduled from `starts_on` (default today, so it opens at once)."""
    from django.utils import timezone

    from jiangxin.notices import actions

    officer = world.users["program_officer"]
    notice = actions.do_create_notice(
        acting_user=officer,
        campaign_id=campaign.pk,
        starts_on=starts_on or timezone.localdate(),
    )
    actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"contact": NOTICE_CONTACT}
    )
    for entry in notice.entries.all():
        actions.do_approve_summary(
            acting_user=officer, entry_id=entry.pk, text=entry.approved_summary
        )
    return actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)


def file_objection(
    notice,
    entry,
    *,
    kind: str = "person",
    facts: str = "该同志申报材料中的专利并非本人发明，与事实不符。",
    **answers,
):  # type: ignore[no-untyped-def]
    """An objection filed through the public form's actions. Returns (objection, token)."""
    from io import BytesIO

    from jiangxin.notices import actions

    draft, _token = actions.do_start_objection(notice_id=notice.pk, entry_id=entry.pk)
    if kind == "person":
        values = {"name": "赵举报", "phone": OBJECTOR_PHONE, "id_number": valid_id_number()}
    else:
        values = {"unit_name": "某某机械厂", "contact_name": "钱联系", "phone": "0311-86012345"}
        actions.do_add_draft_file(
            draft=draft,
            kind="seal_letter",
            name="盖章函.pdf",
            stream=BytesIO(tiny_pdf()),
            size=len(tiny_pdf()),
        )
    actions.do_save_draft_answers(
        draft=draft, answers={"kind": kind, "facts": facts, **values, **answers}
    )
    return actions.do_file_objection(draft_id=draft.pk)
