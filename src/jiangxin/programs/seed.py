"""The policy versions shipped with Jiangxin, loaded by the data migration 0002.

Sources and interpretation (shown on each version as its "source and interpretation notes"):

- "2024 试行" follows 《大国工匠人才培育工程实施办法（试行）》 (ACFTU, January 2024) and how the
  first cohort (2024, 220 people) was run: tiers and yearly targets (≈200 / ≈1000 / ≈5000), the
  eligibility conditions (political quality attested by the recommending unit, at least five
  years of front-line production work, outstanding skill, mainly manufacturing and real-economy
  workers), the five craftsman powers 引领力 实践力 创新力 攻关力 传承力, 24 months of cultivation.
- "2025 修订（示例）" is an example of a revised version with the wording ACFTU published in 2025
  for the five powers (引领力 成就力 创新力 专注力 传承力); every other setting is copied from
  2024 and should be checked against the revised text before it is used.

What the measures do not fix and this project had to choose (officers edit them in a copy):
the article numbers of the measures (left empty: the seed cites the wording instead), the score
range (0–20 per power, equal weights, so totals are out of 100), the rubric descriptors, the
statement lengths, the review settings (5 experts per nomination, 30 nominations per expert,
shortlist 1.2 × quota, two thirds of the panel to pass), the skill thresholds per tier (national:
高级技师, provincial: 技师, municipal: 高级工, or honours/contest results of an equivalent level),
the industry sections treated as the real economy, and the reporting interval (6 months).
"""

from __future__ import annotations

from typing import Any

DOCUMENT_2024 = "《大国工匠人才培育工程实施办法（试行）》"

NOTES_2024 = (
    "依据中华全国总工会《大国工匠人才培育工程实施办法（试行）》（2024年1月）及首批（2024年，220人）"
    "遴选的实际做法。层级与年度目标、推荐条件、“工匠五力”评价维度、培育期24个月取自该办法；"
    "办法未规定的参数（条款序号、每项评分0–20分且权重相同、评分细则表述、陈述字数、每件推荐材料"
    "5位专家、每位专家至多30件、入围比例1.2倍、会评三分之二通过、各层级技能等级门槛、实体经济行业范围、"
    "每6个月报备一次）为本系统的默认取值，使用前请按正式文本核对并在新版本中修改。"
)

NOTES_2025 = (
    "示例版本：采用全国总工会2025年公布的“工匠五力”新表述（引领力、成就力、创新力、专注力、传承力），"
    "其余设置复制自“2024 试行”版本，正式使用前须按修订后的文本逐项核对。"
)


_BANDS = [("优秀", "Excellent", 17, 20), ("良好", "Good", 13, 16), ("一般", "Fair", 9, 12),
          ("较弱", "Weak", 0, 8)]  # fmt: skip


def _levels(*descriptors: tuple[str, str]) -> list[dict[str, Any]]:
    """Four rubric levels, best first; each descriptor is (Chinese, English)."""
    return [
        {
            "label_zh": zh_label,
            "label_en": en_label,
            "score_from": low,
            "score_to": high,
            "descriptor_zh": zh,
            "descriptor_en": en,
        }
        for (zh_label, en_label, low, high), (zh, en) in zip(_BANDS, descriptors, strict=True)
    ]


LEADERSHIP = {
    "code": "leadership",
    "name_zh": "引领力",
    "name_en": "Leadership",
    "description_zh": "政治素质过硬，弘扬劳模精神、劳动精神、工匠精神，"
    "在本行业本领域发挥示范引领作用。",
    "description_en": "Sets an example in the trade: political integrity, the spirit of model "
    "workers, of labour and of craftsmanship, recognised leadership in the field.",
    "levels": _levels(
        (
            "在全国或全行业有广泛影响，是公认的技能领军人物，带动作用显著。",
            "Wide influence nationally or across the trade;"
            " a recognised leading figure whose example carries others.",
        ),
        (
            "在省内或本行业有较大影响，示范带动作用明显。",
            "Considerable influence in the province or the trade; a clear example to others.",
        ),
        (
            "在本企业本地区有一定影响，能发挥一定的示范作用。",
            "Some influence in the enterprise or locality; sets an example to some extent.",
        ),
        (
            "示范引领作用不明显，或缺少事实材料支撑。",
            "Little evidence of leadership by example, or no supporting facts.",
        ),
    ),
}
PRACTICE = {
    "code": "practice",
    "name_zh": "实践力",
    "name_en": "Practice",
    "description_zh": "长期扎根生产一线，技艺精湛，能解决生产中的复杂技术问题，业绩突出。",
    "description_en": "Long front-line work, superb technique, solves complex production "
    "problems, outstanding results.",
    "levels": _levels(
        (
            "技艺达到国内领先水平，长期解决生产中的关键、复杂问题，业绩特别突出。",
            "Technique among the best in the country; has long solved key,"
            " complex production problems; exceptional results.",
        ),
        (
            "技艺精湛，能独立解决复杂技术问题，业绩突出。",
            "Superb technique; solves complex technical problems independently;"
            " outstanding results.",
        ),
        (
            "技术熟练，能解决一般技术问题，业绩较好。",
            "Skilled; solves ordinary technical problems; good results.",
        ),
        (
            "实践业绩一般，或缺少事实材料支撑。",
            "Ordinary practical results, or no supporting facts.",
        ),
    ),
}
INNOVATION = {
    "code": "innovation",
    "name_zh": "创新力",
    "name_en": "Innovation",
    "description_zh": "在技术革新、工艺改进、发明创造方面成果显著，形成专利、先进操作法或标准。",
    "description_en": "Technical renovation, process improvement and invention: patents, "
    "advanced work methods, standards.",
    "levels": _levels(
        (
            "取得重大创新成果（发明专利、以本人命名的先进操作法、国家或行业标准等），效益显著。",
            "Major innovations (invention patents, a work method named after the nominee,"
            " national or trade standards) with marked benefits.",
        ),
        ("取得多项创新成果并在本行业推广应用。", "Several innovations adopted across the trade."),
        ("有一定的创新成果并在本企业应用。", "Some innovations used in the enterprise."),
        ("创新成果较少，或缺少事实材料支撑。", "Few innovations, or no supporting facts."),
    ),
}
TACKLING = {
    "code": "tackling",
    "name_zh": "攻关力",
    "name_en": "Tackling key problems",
    "description_zh": "参与国家重大战略、重大工程、重点产业的关键技术攻关，解决“卡脖子”难题。",
    "description_en": "Takes part in solving key technical problems of national strategies, "
    "major projects and key industries.",
    "levels": _levels(
        (
            "在国家重大工程或关键核心技术攻关中承担核心任务，解决了关键难题。",
            "Core tasks in major national projects or key technologies; solved critical problems.",
        ),
        (
            "在省部级或行业重点项目攻关中发挥重要作用。",
            "An important part in key provincial, ministerial or trade projects.",
        ),
        ("参与企业重点项目攻关并有贡献。", "Contributed to key projects of the enterprise."),
        (
            "攻关业绩不明显，或缺少事实材料支撑。",
            "Little evidence of problem-solving on key projects, or no supporting facts.",
        ),
    ),
}
INHERITANCE = {
    "code": "inheritance",
    "name_zh": "传承力",
    "name_en": "Passing skills on",
    "description_zh": "带徒传技，培养高技能人才，推广绝技绝活和先进操作法。",
    "description_en": "Trains apprentices and highly skilled workers, spreads unique skills "
    "and advanced work methods.",
    "levels": _levels(
        (
            "培养出一批高技能人才（含技师、高级技师或获省部级以上荣誉者），传承成效显著。",
            "Trained a group of highly skilled workers (technicians,"
            " senior technicians or provincial honourees); marked results.",
        ),
        (
            "带徒成效明显，所带徒弟多人成为技能骨干。",
            "Clear results: several apprentices became mainstays of their teams.",
        ),
        ("有带徒传技的实践和一定成效。", "Has trained apprentices with some results."),
        (
            "传承工作不明显，或缺少事实材料支撑。",
            "Little evidence of passing skills on, or no supporting facts.",
        ),
    ),
}
ACHIEVEMENT = {
    "code": "achievement",
    "name_zh": "成就力",
    "name_en": "Achievement",
    "description_zh": "在本职岗位上取得突出业绩和重大成就，获得行业和社会广泛认可。",
    "description_en": "Outstanding results and major achievements in the job, widely "
    "recognised in the trade and by society.",
    "levels": _levels(
        (
            "取得国内领先的重大成就，获得全国性荣誉或奖励。",
            "Major achievements among the best in the country; national honours or awards.",
        ),
        (
            "业绩突出，获得省部级荣誉或奖励。",
            "Outstanding results; provincial or ministerial honours or awards.",
        ),
        ("业绩较好，获得市级或企业荣誉。", "Good results; city or enterprise honours."),
        ("业绩一般，或缺少事实材料支撑。", "Ordinary results, or no supporting facts."),
    ),
}
FOCUS = {
    "code": "focus",
    "name_zh": "专注力",
    "name_en": "Focus",
    "description_zh": "数十年如一日深耕本职岗位，精益求精，执着专注。",
    "description_en": "Decades of dedication to one craft, striving for perfection.",
    "levels": _levels(
        (
            "长期（20年以上）专注一个领域，精益求精，事迹感人。",
            "More than 20 years devoted to one field, striving for perfection; a moving record.",
        ),
        (
            "长期（10年以上）专注本职岗位，追求卓越。",
            "More than 10 years devoted to the job, pursuing excellence.",
        ),
        ("能够专注本职岗位，工作踏实。", "Devoted and steady in the job."),
        (
            "专注程度不明显，或缺少事实材料支撑。",
            "Little evidence of sustained dedication, or no supporting facts.",
        ),
    ),
}

REAL_ECONOMY_SECTIONS = ["A", "B", "C", "D", "E", "G", "I", "M"]

RULES = [
    {
        "code": "frontline-5-years",
        "kind": "frontline_experience",
        "severity": "hard",
        "params": {"min_months": 60},
        "tiers": [],
        "title_zh": "5年以上一线生产现场工作经历",
        "title_en": "At least five years of front-line production work",
        "basis": "具有5年以上一线生产现场工作经历。"
        "按工作经历中标注为“一线生产”的时段计算（重叠时段只计一次），截至推荐截止日期。",
    },
    {
        "code": "political-quality",
        "kind": "political_attestation",
        "severity": "hard",
        "params": {},
        "tiers": [],
        "title_zh": "政治素质过硬",
        "title_en": "Political integrity attested by the recommending unit",
        "basis": "政治素质过硬，由推荐单位出具证明（须有签署人和日期）。",
    },
    {
        "code": "skill-national",
        "kind": "skill_or_honors",
        "severity": "hard",
        "params": {
            "min_skill_level": "senior_technician",
            "honor_levels": ["international", "national"],
            "contest_levels": ["international", "national"],
        },
        "tiers": ["national"],
        "title_zh": "技术技能水平高超（大国工匠）",
        "title_en": "Outstanding skill (national tier)",
        "basis": "技术技能水平高超：具有高级技师及以上职业技能等级，"
        "或获得全国性荣誉、全国及以上职业技能竞赛奖项。",
    },
    {
        "code": "skill-provincial",
        "kind": "skill_or_honors",
        "severity": "hard",
        "params": {
            "min_skill_level": "technician",
            "honor_levels": ["international", "national", "provincial"],
            "contest_levels": ["international", "national", "provincial"],
        },
        "tiers": ["provincial"],
        "title_zh": "技术技能水平高超（省部级工匠）",
        "title_en": "Outstanding skill (provincial tier)",
        "basis": "具有技师及以上职业技能等级，或获得省部级及以上荣誉、职业技能竞赛奖项。",
    },
    {
        "code": "skill-municipal",
        "kind": "skill_or_honors",
        "severity": "hard",
        "params": {
            "min_skill_level": "senior",
            "honor_levels": ["international", "national", "provincial", "city"],
            "contest_levels": ["international", "national", "provincial", "city"],
        },
        "tiers": ["municipal"],
        "title_zh": "技术技能水平高超（市级工匠）",
        "title_en": "Outstanding skill (municipal tier)",
        "basis": "具有高级工及以上职业技能等级，或获得市级及以上荣誉、职业技能竞赛奖项。",
    },
    {
        "code": "real-economy",
        "kind": "industry_preference",
        "severity": "advisory",
        "params": {"sections": REAL_ECONOMY_SECTIONS},
        "tiers": [],
        "title_zh": "以制造业和实体经济领域职工为主",
        "title_en": "Mainly manufacturing and real-economy workers",
        "basis": "培育对象以制造业和实体经济领域一线职工为主，兼顾行业和地区平衡。",
    },
]

VERSIONS: list[dict[str, Any]] = [
    {
        "code": "2024-trial",
        "name_zh": "2024 试行",
        "name_en": "2024 trial measures",
        "document_title": DOCUMENT_2024,
        "issuing_body": "中华全国总工会",
        "issued_on": "2024-01-01",
        "source_note": NOTES_2024,
        "based_on": None,
        "tiers": {"national": 200, "provincial": 1000, "municipal": 5000},
        "dimensions": [LEADERSHIP, PRACTICE, INNOVATION, TACKLING, INHERITANCE],
        "rules": RULES,
    },
    {
        "code": "2025-revision-example",
        "name_zh": "2025 修订（示例）",
        "name_en": "2025 revision (example)",
        "document_title": DOCUMENT_2024 + "（2025年修订表述）",
        "issuing_body": "中华全国总工会",
        "issued_on": "2025-01-01",
        "source_note": NOTES_2025,
        "based_on": "2024-trial",
        "tiers": {"national": 200, "provincial": 1000, "municipal": 5000},
        "dimensions": [LEADERSHIP, ACHIEVEMENT, INNOVATION, FOCUS, INHERITANCE],
        "rules": RULES,
    },
]


def load_policy_versions(apps: Any) -> None:
    """Create the shipped versions (published) if they are missing. Uses the historical
    models of a migration, so only fields, never model methods."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    PolicyVersion = apps.get_model("programs", "PolicyVersion")
    PolicyTier = apps.get_model("programs", "PolicyTier")
    Dimension = apps.get_model("programs", "Dimension")
    RubricLevel = apps.get_model("programs", "RubricLevel")
    EligibilityRule = apps.get_model("programs", "EligibilityRule")

    for spec in VERSIONS:
        if PolicyVersion.objects.filter(code=spec["code"]).exists():
            continue
        based_on = PolicyVersion.objects.get(code=spec["based_on"]) if spec["based_on"] else None
        version = PolicyVersion.objects.create(
            code=spec["code"],
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            document_title=spec["document_title"],
            issuing_body=spec["issuing_body"],
            issued_on=dt.date.fromisoformat(spec["issued_on"]),
            source_note=spec["source_note"],
            based_on=based_on,
            status="published",
            published_at=timezone.now(),
        )
        for tier, target in spec["tiers"].items():
            PolicyTier.objects.create(version=version, tier=tier, yearly_target=target)
        for order, dim in enumerate(spec["dimensions"], start=1):
            dimension = Dimension.objects.create(
                version=version,
                code=dim["code"],
                order=order,
                name_zh=dim["name_zh"],
                name_en=dim["name_en"],
                description_zh=dim["description_zh"],
                description_en=dim["description_en"],
                weight=Decimal("1.00"),
                score_min=0,
                score_max=20,
                statement_min_chars=100,
                statement_max_chars=800,
            )
            for level in dim["levels"]:
                RubricLevel.objects.create(dimension=dimension, **level)
        for order, rule in enumerate(spec["rules"], start=1):
            EligibilityRule.objects.create(version=version, order=order, **rule)
