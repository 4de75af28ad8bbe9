"""The publication part of the demo world: a provincial list published last year (Hebei), its
craftsmen in cultivation, two of them with a craftsman page (highlights, a story).

Built through the real actions with the clock moved (time-machine): recommendation, format
check, the expert review of the Hebei pool (jiangxin.reviews.demo), a notice without
objections opened and closed by the daily job, then the publication.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiangxin.accounts.models import User
from jiangxin.core import calendar
from jiangxin.core.calendar import CalendarUnknownError
from jiangxin.core.demo import at
from jiangxin.nominations import actions as nomination_actions
from jiangxin.nominations.models import Nomination
from jiangxin.orgs.models import Organization
from jiangxin.people.models import Person
from jiangxin.programs import actions as program_actions
from jiangxin.programs.models import Campaign, PolicyVersion

#: In the selection demo's form (jiangxin.nominations.demo.PEOPLE): name, gender, birth,
#: employer, occupation, skill level, front-line since, honours. Prepared by the 石家庄钢铁
#: union's clerk or, for 华北制药, by the 石家庄 city officer.
PEOPLE: list[tuple[Any, ...]] = [
    ("丁振国", "M", dt.date(1975, 4, 8), "石家庄钢铁有限责任公司", "轧钢工", "senior_technician",
     dt.date(1995, 7, 1), []),
    ("王秀英", "F", dt.date(1981, 9, 23), "华北制药集团有限责任公司", "化学检验员",
     "senior_technician", dt.date(2002, 8, 1), []),
    ("尹大伟", "M", dt.date(1979, 1, 30), "石家庄钢铁有限责任公司", "维修电工", "technician",
     dt.date(1998, 7, 1), []),
    ("卢海生", "M", dt.date(1972, 11, 2), "华北制药集团有限责任公司", "制药设备维修工",
     "senior_technician", dt.date(1993, 3, 1), []),
    ("孙丽华", "F", dt.date(1984, 6, 14), "石家庄钢铁有限责任公司", "焊工", "senior_technician",
     dt.date(2004, 7, 1), []),
]  # fmt: skip
#: Sequence numbers of the demo's ID numbers, past the selection demo's.
SEQ_FROM = 40


def _dates(year: int) -> dict[str, dt.date]:
    """The phase dates of last year's provincial campaign (working days of that year)."""
    opens = dt.date(year, 3, 2)
    if not calendar.is_working_day(opens):
        opens = calendar.add_working_days(opens, 1)
    closes = calendar.add_working_days(opens, 20)
    check_ends = calendar.add_working_days(closes, 10)
    review_ends = calendar.add_working_days(check_ends, 15)
    notice_starts = calendar.add_working_days(review_ends, 5)
    return {
        "recommendation_opens": opens,
        "recommendation_closes": closes,
        "format_check_ends": check_ends,
        "review_ends": review_ends,
        "notice_starts": notice_starts,
        "publication_date": calendar.add_working_days(notice_starts, 10),
    }


def _nominate(preparer: User, campaign: Campaign, person: Person, day: dt.date) -> Nomination:
    from jiangxin.nominations.demo import _complete

    n = nomination_actions.do_start_nomination(
        acting_user=preparer,
        campaign_id=campaign.pk,
        nominating_unit_id=(person.union or person.employer).pk,
    )
    _complete(preparer, n, person, day)
    return nomination_actions.do_submit_nomination(acting_user=preparer, nomination_id=n.pk)


def build_publication_demo() -> Campaign | None:
    """Last year's Hebei provincial campaign, published and in cultivation (idempotent).

    Returns the campaign, or None when last year's holiday schedule is not known (the phase
    dates could not be checked). Needs the demo tree and users (jiangxin.core.demo).
    """
    from jiangxin.nominations.demo import _person
    from jiangxin.notices.demo import play_quiet_notice
    from jiangxin.notices.publication import do_publish_results, policy_title, suggested_title
    from jiangxin.portal import actions as portal_actions
    from jiangxin.portal import craftsmen
    from jiangxin.reviews.demo import HEBEI_POOL, ReviewDays, play_review

    hebei = Organization.objects.get(name="河北省总工会")
    officer, clerk, sjz = (User.objects.get(username=u) for u in ("hbprogram", "clerk", "sjz"))
    year = timezone.localdate().year - 1
    existing = Campaign.objects.filter(tier="provincial", year=year, issuing_org=hebei).first()
    if existing is not None:
        return existing
    try:
        dates = _dates(year)
    except CalendarUnknownError:
        return None
    version = PolicyVersion.objects.get(code="2024-trial")
    city = Organization.objects.get(name="石家庄市总工会")
    with at(dates["recommendation_opens"]):
        campaign = program_actions.do_create_campaign(
            acting_user=officer,
            issuing_org_id=hebei.pk,
            tier="provincial",
            year=year,
            name=f"{year}年度河北省省级工匠遴选",
            policy_version_id=version.pk,
            dates=dates,
            target=len(PEOPLE),
            recommendation_ratio=Decimal("1.50"),
        )
        program_actions.do_set_allocations(
            acting_user=officer,
            campaign_id=campaign.pk,
            rows=[program_actions.AllocationRow(organization_id=city.pk, slots=len(PEOPLE))],
        )
        campaign = program_actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    drafting = dates["recommendation_opens"] + dt.timedelta(days=7)
    with at(drafting):
        preparers = [clerk if spec[3].startswith("石家庄钢铁") else sjz for spec in PEOPLE]
        people = [
            _person(preparer, spec, SEQ_FROM + i)
            for i, (preparer, spec) in enumerate(zip(preparers, PEOPLE, strict=True))
        ]
        nominations = [
            _nominate(preparer, campaign, person, drafting)
            for preparer, person in zip(preparers, people, strict=True)
        ]
        for n in nominations:
            nomination_actions.do_endorse_nomination(
                acting_user=sjz, nomination_id=n.pk, opinion="同意推荐。"
            )
    with at(dates["recommendation_closes"] + dt.timedelta(days=1)):
        program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
        program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
        for n in nominations:
            nomination_actions.do_decide_format_check(
                acting_user=officer,
                nomination_id=n.pk,
                decision="accept",
                checklist=dict.fromkeys(nomination_actions.CHECKLIST, True),
            )
        nomination_actions.do_close_format_check(acting_user=officer, campaign_id=campaign.pk)
    closes = dates["recommendation_closes"]
    wd = calendar.add_working_days
    days = ReviewDays(
        invitations=wd(closes, 2),
        assignment=wd(closes, 4),
        scoring=wd(closes, 5),
        review_closes=wd(closes, 10),
        panel=wd(closes, 11),
        approval=wd(closes, 13),
    )
    steel = {n.pk for n, p in zip(nominations, preparers, strict=True) if p == clerk}
    play_review(
        campaign,
        officer=officer,
        nominations=[Nomination.objects.select_related("person").get(pk=n.pk) for n in nominations],
        days=days,
        unit_user=lambda n: clerk if n.pk in steel else sjz,
        plan=HEBEI_POOL,
        reject_last=False,
    )
    play_quiet_notice(campaign, starts_on=dates["notice_starts"])
    signed_on = dates["publication_date"]
    with at(signed_on, hour=15):
        do_publish_results(
            acting_user=officer,
            campaign_id=campaign.pk,
            document_number=f"冀工发〔{year}〕8号",
            title=suggested_title(campaign),
            addressees="各市总工会，省各产业工会，省直机关工会",
            signed_on=signed_on,
            body=(
                f"根据《{policy_title(version.document_title)}》和省总工会工作安排，经推荐、形式审查、"
                f"网络评审、会议评审、审定和公示，现将{year}年度河北省省级工匠名单予以公布"
                "（见附件）。\n"
                "希望入选的省级工匠珍惜荣誉，继续弘扬劳模精神、劳动精神、工匠精神，"
                "在培育期内认真完成培育任务。各推荐单位要认真落实培养方案，定期报备培育情况。"
            ),
        )
        # Two craftsman pages with highlights and a story.
        for person in people[:2]:
            latest = craftsmen.governing_nomination(person.pk)
            if latest is None:  # pragma: no cover - just published
                continue
            drafts = craftsmen.highlight_drafts(latest, None)
            craftsmen.do_save_craftsman_highlights(
                acting_user=officer,
                person_id=person.pk,
                texts={d["dimension"].pk: d["text"] for d in drafts[:3]},
            )
            story = portal_actions.do_create_article(
                acting_user=officer,
                fields=portal_actions.ArticleFields(
                    category="stories",
                    title=f"{person.name}：在{person.occupation}岗位上追求极致",
                    summary=f"记{year}年度河北省省级工匠{person.name}。",
                    body=(
                        f"<p>{person.name}扎根生产一线二十余年，从一名普通{person.occupation}"
                        "成长为企业的技术骨干。</p><p>他带领班组攻克多项关键工艺难题，"
                        "把经验总结成操作法，手把手传给年轻人。</p>"
                    ),
                    source_org=hebei,
                ),
            )
            portal_actions.do_publish_article(acting_user=officer, article_id=story.pk)
            craftsmen.do_link_craftsman_story(
                acting_user=officer, person_id=person.pk, article_id=story.pk
            )
    campaign.refresh_from_db()
    return campaign
