"""The shipped reference data, as loaded by migration 0002."""

from __future__ import annotations

import pytest

from jiangxin.reference.models import Industry, OccupationGroup, Region, SkillLevel

pytestmark = pytest.mark.django_db

# Prefecture-level rows per province (GB/T 2260, MCA 2023 list). Municipalities count their
# 市辖区 (and Chongqing's 县) grouping rows.
PREFECTURES_PER_PROVINCE = {
    "110000": 1,  # 北京: 市辖区
    "120000": 1,  # 天津: 市辖区
    "130000": 11,  # 河北: 11 地级市
    "140000": 11,  # 山西
    "150000": 12,  # 内蒙古: 9 市 + 3 盟
    "210000": 14,  # 辽宁
    "220000": 9,  # 吉林: 8 市 + 延边州
    "230000": 13,  # 黑龙江: 12 市 + 大兴安岭地区
    "310000": 1,  # 上海: 市辖区
    "320000": 13,  # 江苏
    "330000": 11,  # 浙江
    "340000": 16,  # 安徽
    "350000": 9,  # 福建
    "360000": 11,  # 江西
    "370000": 16,  # 山东 (莱芜 merged into 济南, 2019)
    "410000": 17,  # 河南
    "420000": 13,  # 湖北: 12 市 + 恩施州
    "430000": 14,  # 湖南: 13 市 + 湘西州
    "440000": 21,  # 广东
    "450000": 14,  # 广西
    "460000": 4,  # 海南: 海口, 三亚, 三沙, 儋州
    "500000": 2,  # 重庆: 市辖区 + 县
    "510000": 21,  # 四川: 18 市 + 3 州
    "520000": 9,  # 贵州: 6 市 + 3 州
    "530000": 16,  # 云南: 8 市 + 8 州
    "540000": 7,  # 西藏: 6 市 + 阿里地区
    "610000": 10,  # 陕西
    "620000": 14,  # 甘肃: 12 市 + 2 州
    "630000": 8,  # 青海: 2 市 + 6 州
    "640000": 5,  # 宁夏
    "650000": 14,  # 新疆: 4 市 + 5 地区 + 5 州
    "710000": 0,  # 台湾省
    "810000": 0,  # 香港特别行政区
    "820000": 0,  # 澳门特别行政区
}


def test_province_level_rows() -> None:
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    assert provinces.count() == 34
    assert set(provinces.values_list("code", flat=True)) == set(PREFECTURES_PER_PROVINCE)
    assert not provinces.exclude(parent=None).exists()
    mainland = provinces.exclude(code__in=["710000", "810000", "820000"])
    assert mainland.count() == 31
    assert Region.objects.get(code="150000").name_en == "Inner Mongolia Autonomous Region"
    assert Region.objects.get(code="650000").name_zh == "新疆维吾尔自治区"
    assert Region.objects.get(code="710000").name_zh == "台湾省"


def test_prefecture_count_per_province() -> None:
    counts = {
        code: Region.objects.filter(parent_id=code).count() for code in PREFECTURES_PER_PROVINCE
    }
    assert counts == PREFECTURES_PER_PROVINCE
    prefectures = Region.objects.filter(level=Region.Level.PREFECTURE)
    assert prefectures.count() == 338
    # 333 prefecture-level units plus the five municipal grouping rows.
    groupings = prefectures.filter(name_zh__in=["市辖区", "县"])
    assert sorted(groupings.values_list("code", flat=True)) == [
        "110100",
        "120100",
        "310100",
        "500100",
        "500200",
    ]
    units = prefectures.exclude(code__in=groupings.values("code"))
    assert units.count() == 333
    assert units.filter(name_zh__endswith="市").count() == 293
    assert units.filter(name_zh__endswith="地区").count() == 7
    assert units.filter(name_zh__endswith="自治州").count() == 30
    assert units.filter(name_zh__endswith="盟").count() == 3


def test_every_prefecture_sits_under_its_code_prefix() -> None:
    for region in Region.objects.filter(level=Region.Level.PREFECTURE).select_related("parent"):
        assert region.parent is not None, region.code
        assert region.parent.level == Region.Level.PROVINCE
        assert region.parent.code == region.code[:2] + "0000", region.code
        assert region.code.endswith("00") and not region.code.endswith("0000")


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en", "parent"),
    [
        ("130100", "石家庄市", "Shijiazhuang", "130000"),
        ("410100", "郑州市", "Zhengzhou", "410000"),
        ("440300", "深圳市", "Shenzhen", "440000"),
        ("650100", "乌鲁木齐市", "Ürümqi", "650000"),
        ("222400", "延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture", "220000"),
        ("152900", "阿拉善盟", "Alxa League", "150000"),
        ("542500", "阿里地区", "Ngari Prefecture", "540000"),
        ("460400", "儋州市", "Danzhou", "460000"),
        ("500200", "县", "Chongqing Counties", "500000"),
    ],
)
def test_region_spot_checks(code: str, name_zh: str, name_en: str, parent: str) -> None:
    region = Region.objects.get(code=code)
    assert (region.name_zh, region.name_en, region.parent_id) == (name_zh, name_en, parent)


def test_retired_codes_are_absent() -> None:
    # 莱芜市 (merged into 济南市 in 2019) and the counties rows of Beijing/Tianjin/Shanghai.
    assert not Region.objects.filter(code__in=["371200", "110200", "120200", "310200"]).exists()


SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def test_industry_sections_and_divisions() -> None:
    sections = Industry.objects.filter(level=Industry.Level.SECTION)
    divisions = Industry.objects.filter(level=Industry.Level.DIVISION)
    assert sections.count() == 20
    assert divisions.count() == 97
    assert list(sections.values_list("code", flat=True)) == list(SECTION_RANGES)
    assert not sections.exclude(section=None).exists()
    expected = {
        f"{n:02d}": letter for letter, (lo, hi) in SECTION_RANGES.items() for n in range(lo, hi + 1)
    }
    assert dict(divisions.values_list("code", "section_id")) == expected


def test_industry_spot_checks() -> None:
    cars = Industry.objects.get(code="36")
    assert cars.name_zh == "汽车制造业"
    assert cars.section_id == "C"
    assert cars.name_en == "Manufacture of Automobiles"
    assert Industry.objects.get(code="38").name_zh == "电气机械和器材制造业"
    assert Industry.objects.get(code="25").name_zh == "石油、煤炭及其他燃料加工业"
    assert Industry.objects.get(code="C").name_zh == "制造业"
    assert Industry.objects.get(code="D").name_zh == "电力、热力、燃气及水生产和供应业"
    assert Industry.objects.get(code="97").section_id == "T"


def test_occupation_groups() -> None:
    groups = dict(OccupationGroup.objects.values_list("code", "name_zh"))
    assert groups == {
        "1": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
        "2": "专业技术人员",
        "3": "办事人员和有关人员",
        "4": "社会生产服务和生活服务人员",
        "5": "农、林、牧、渔业生产及辅助人员",
        "6": "生产制造及有关人员",
        "7": "军队人员",
        "8": "不便分类的其他从业人员",
    }
    assert not OccupationGroup.objects.filter(name_en="").exists()


def test_skill_levels_ranked_one_to_eight() -> None:
    levels = list(SkillLevel.objects.order_by("rank").values_list("rank", "code", "name_zh"))
    assert levels == [
        (1, "apprentice", "学徒工"),
        (2, "junior", "初级工（五级）"),
        (3, "intermediate", "中级工（四级）"),
        (4, "senior", "高级工（三级）"),
        (5, "technician", "技师（二级）"),
        (6, "senior_technician", "高级技师（一级）"),
        (7, "special_technician", "特级技师"),
        (8, "chief_technician", "首席技师"),
    ]
    chief = SkillLevel.objects.get(name_zh="首席技师")
    assert chief.rank == 8
    assert chief.name_en == "Chief technician"
