"""Demo articles for the portal: each channel with a few articles of different ages, written
and published through the real actions with the clock moved back (time-machine), so the
column-freshness report has something to say. Idempotent: nothing is added once they exist.
The public-notice channel stays empty here; the notices app fills it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiangxin.accounts.models import User
from jiangxin.core.demo import SHANGHAI, at
from jiangxin.orgs.models import Organization
from jiangxin.portal.actions import ArticleFields, do_create_article, do_publish_article
from jiangxin.portal.models import Article

C = Article.Category

_P = "<p>{}</p>".format


@dataclass(frozen=True)
class PolicyHeader:
    index_number: str
    issuing_authority: str
    document_number: str
    written_days_ago: int


#: (days ago, category, title, summary, body, policy header or None)
ARTICLES: list[tuple[int, str, str, str, str, PolicyHeader | None]] = [
    (
        420,
        C.POLICY,
        "大国工匠人才培育工程实施办法（试行）",
        "明确大国工匠人才培育工程的目标任务、遴选条件、培育措施和保障机制。",
        _P(
            "为深入贯彻落实党中央关于加快建设国家战略人才力量的部署，培养造就更多大国工匠，制定本办法。"
        )
        + "<h2>一、总体目标</h2>"
        + _P("每年遴选培育大国工匠人才约200名、省部级工匠人才约1000名、市级工匠人才约5000名。")
        + "<h2>二、遴选条件</h2><ul><li>政治素质过硬；</li>"
        "<li>具有5年以上一线生产现场工作经历；</li>"
        "<li>技术技能水平突出，具有工匠精神。</li></ul>"
        + "<h2>三、培育措施</h2>"
        + _P("培育周期一般为2年，由推荐单位制定培养方案并定期报备培育情况。"),
        PolicyHeader(
            "000013574/2024-00001", "中华全国总工会", "总工发〔2024〕1号", written_days_ago=425
        ),
    ),
    (
        18,
        C.POLICY,
        "关于做好2026年度工匠人才培育工作的通知",
        "部署2026年度工匠人才遴选、培育和服务保障工作。",
        _P("各省、自治区、直辖市总工会，各全国产业工会，中央和国家机关工会联合会，各中央企业工会：")
        + _P("现就做好2026年度工匠人才培育工作通知如下。")
        + "<h2>一、做好遴选推荐</h2>"
        + _P("各推荐单位要严格对照遴选条件，<strong>坚持标准、好中选优</strong>，确保推荐质量。")
        + "<h2>二、落实培育措施</h2>"
        + _P("要按照培养方案组织实施培育，按时报备培育情况。"),
        PolicyHeader(
            "000013574/2026-00003",
            "中华全国总工会办公厅",
            "总工办发〔2026〕3号",
            written_days_ago=20,
        ),
    ),
    (
        3,
        C.NOTICE,
        "关于举办2026年大国工匠高级研修班的通知",
        "研修班分理论授课、实践研修、创新攻关三个阶段，以结题答辩结业。",
        _P("为提升工匠人才创新能力，经研究，决定举办2026年大国工匠高级研修班。")
        + "<h2>一、研修内容</h2><ol><li>理论授课；</li><li>实践研修；</li><li>创新攻关。</li></ol>"
        + _P("请各单位于规定时间内完成报名。"),
        None,
    ),
    (
        10,
        C.NOTICE,
        "关于工匠学院第二期培训班报名的通知",
        "第二期培训班面向2025年度入选的培育对象。",
        _P("工匠学院第二期培训班将于近期开班，现将报名有关事项通知如下。")
        + _P("报名对象为2025年度入选的各级工匠人才培育对象。"),
        None,
    ),
    (
        220,
        C.RESULTS,
        "2025年度大国工匠人才培育对象名单公布",
        "经推荐、评审、审定和公示，2025年度大国工匠人才培育对象名单现予公布。",
        _P("经各单位推荐、形式审查、网络评审、会议评审、审定和公示，现将名单予以公布。")
        + _P("名单按姓氏笔画为序排列。"),
        None,
    ),
    (
        5,
        C.STORIES,
        "焊花里的匠心：一名焊工的二十年",
        "从学徒工到首席技师，他用二十年练就“钢铁裁缝”的绝活。",
        _P("清晨六点，车间里已经亮起第一道焊花。")
        + _P("二十年来，他带出徒弟三十余名，主持攻关项目十余项。")
        + "<blockquote><p>“手上的功夫，一天不练自己知道，三天不练师傅知道。”</p></blockquote>",
        None,
    ),
    (
        40,
        C.STORIES,
        "毫厘之间见真章",
        "精密加工误差控制在0.002毫米以内。",
        _P("在精密加工领域，0.002毫米是一根头发丝的三十分之一。")
        + _P("她和团队反复试验，终于攻克了这一难题。"),
        None,
    ),
]


@transaction.atomic
def build_portal_demo(editor: User | None = None) -> list[Article]:
    """Write and publish the demo articles as the national program officer ("program")."""
    if Article.objects.filter(body_format=Article.BodyFormat.HTML).exists():
        return []
    editor = editor or User.objects.get(username="program")
    acftu = Organization.objects.get(depth=1)
    now = timezone.now().astimezone(SHANGHAI).replace(hour=10, minute=0, second=0, microsecond=0)
    made = []
    for days_ago, category, title, summary, body, header in ARTICLES:
        policy = {}
        if header is not None:
            policy = {
                "index_number": header.index_number,
                "issuing_authority": header.issuing_authority,
                "document_number": header.document_number,
            }
        written = (now - dt.timedelta(days=header.written_days_ago)).date() if header else None
        with at(now - dt.timedelta(days=days_ago)):
            article = do_create_article(
                acting_user=editor,
                fields=ArticleFields(
                    category=category,
                    title=title,
                    summary=summary,
                    body=body,
                    source_org=acftu,
                    written_on=written,
                    **policy,
                ),
            )
            made.append(do_publish_article(acting_user=editor, article_id=article.pk))
    return made
