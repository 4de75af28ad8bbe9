"""按姓氏笔画为序: stroke count, then stroke order 横竖撇点折, then the given name."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from jiangxin.core.collation import (
    COMPOUND_SURNAMES,
    split_name,
    stroke_key,
    stroke_table,
    strokes_of,
    surname_stroke_count,
)


def order(*names: str) -> list[str]:
    return sorted(names, key=stroke_key)


def test_stroke_data_is_the_real_table() -> None:
    assert len(stroke_table()) > 20000
    assert strokes_of("王") == "1121"
    assert strokes_of("尹") == "5113"
    assert strokes_of("李") == "1234521"
    assert strokes_of("张") == "5153154"
    assert strokes_of("马") == "551"
    assert strokes_of("陈") == "5215234"
    assert set("".join(stroke_table().values())) <= set("12345")


def test_fewer_strokes_first() -> None:
    assert order("尹力", "王芳", "马超") == ["马超", "王芳", "尹力"]  # 3 < 4 = 4


def test_same_count_by_stroke_order() -> None:
    # 王 1121 before 尹 5113: both four strokes, 横 before 折.
    assert order("尹力", "王芳") == ["王芳", "尹力"]
    # 李 1234521 before 张 5153154: both seven strokes, 横 before 折.
    assert order("张伟", "李娜") == ["李娜", "张伟"]
    # 陈 5215234 also starts with 折; its second stroke 竖 comes after 张's 横.
    assert order("陈静", "张伟", "李娜") == ["李娜", "张伟", "陈静"]


def test_same_surname_then_given_name() -> None:
    # 一 (1) < 小 (3) < 五 (4) < 伟 (6) < 芳 (7)
    assert order("王芳", "王伟", "王五", "王小明", "王一") == [
        "王一",
        "王小明",
        "王五",
        "王伟",
        "王芳",
    ]
    # Same count in the given name: 大 (134) < 山 (252) < 川 (322), first stroke 横 < 竖 < 撇.
    assert order("王川", "王山", "王大") == ["王大", "王山", "王川"]


def test_split_name_and_compound_surnames() -> None:
    assert split_name("王芳") == ("王", "芳")
    assert split_name("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_name("司马光") == ("司马", "光")
    assert split_name("诸葛亮") == ("诸葛", "亮")
    assert split_name("  上官 婉儿 ") == ("上官", "婉儿")
    # Two characters only: the name cannot be a compound surname with no given name.
    assert split_name("司马") == ("司", "马")
    # The record may state the surname (e.g. 单于 is usually 单 + 于…).
    assert split_name("单于明") == ("单", "于明")
    assert split_name("单于明", surname="单于") == ("单于", "明")
    assert {"欧阳", "司马", "诸葛", "上官", "万俟", "澹台"} <= COMPOUND_SURNAMES


def test_compound_surname_by_first_then_second_character() -> None:
    # 欧 has 8 strokes: 欧阳 sorts among eight-stroke surnames, not by its 14 strokes in total.
    assert order("黄强", "欧阳娜娜", "林琳") == ["林琳", "欧阳娜娜", "黄强"]
    # Every 欧 comes before every 欧阳, so each surname stays one block, whatever the given
    # names (明 8 strokes vs 阳 6 would interleave them under plain character-by-character).
    assert order("欧阳娜娜", "欧明", "欧阳一", "欧小") == ["欧小", "欧明", "欧阳一", "欧阳娜娜"]
    # 司马 (司 5) after 尹 (4) and before 朱 (6); 司马 after a plain 司.
    assert order("朱红", "司马光", "尹力", "司一") == ["尹力", "司一", "司马光", "朱红"]


def test_unknown_characters_sort_after_known_ones_deterministically() -> None:
    assert strokes_of("𠮷") is None
    names = ["Smith", "黄强", "𠮷野", "丁一", "Adams"]
    expected = ["丁一", "黄强", "Adams", "Smith", "𠮷野"]
    for _ in range(5):
        random.shuffle(names)
        assert sorted(names, key=stroke_key) == expected
    # In a given name too: 王𠮷 after every 王 whose given name is known.
    assert order("王𠮷", "王芳") == ["王芳", "王𠮷"]


def test_surnames_with_identical_stroke_sequences_do_not_interleave() -> None:
    # 己 已 巳 share 515; each surname must stay one block.
    assert strokes_of("己") == strokes_of("已") == "515"
    result = order("已乙", "己丙", "已丁", "己甲")
    surnames = [name[0] for name in result]
    assert surnames in (["己", "己", "已", "已"], ["已", "已", "己", "己"])


def test_separators_and_spaces_are_ignored() -> None:
    assert stroke_key("王　芳")[:2] == stroke_key("王芳")[:2]
    assert split_name("阿依古丽·买买提") == ("阿", "依古丽买买提")


def test_surname_stroke_count() -> None:
    assert surname_stroke_count("欧阳娜娜") == 8
    assert surname_stroke_count("马超") == 3
    assert surname_stroke_count("") is None


def test_realistic_list() -> None:
    names = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄强", "周杰", "吴敏", "徐丽",
        "孙涛", "马超", "朱红", "胡军", "郭峰", "何平", "高明", "林琳", "罗刚", "欧阳娜娜",
        "司马光", "诸葛亮", "丁一", "于谦", "尹力", "上官婉儿",
    ]  # fmt: skip
    assert sorted(names, key=stroke_key) == [
        "丁一",  # 2
        "于谦",  # 3: 于 112
        "上官婉儿",  # 3: 上 211
        "马超",  # 3: 马 551
        "王芳",  # 4: 王 1121
        "尹力",  # 4: 尹 5113
        "司马光",  # 5
        "朱红",  # 6: 朱 311234
        "刘洋",  # 6: 刘 413422
        "孙涛",  # 6: 孙 521234
        "李娜",  # 7: 李 1234521
        "杨帆",  # 7: 杨 1234533
        "吴敏",  # 7: 吴 2511134
        "何平",  # 7: 何 3212512
        "张伟",  # 7: 张 5153154
        "陈静",  # 7: 陈 5215234
        "林琳",  # 8: 林 12341234
        "欧阳娜娜",  # 8: 欧 13453534
        "罗刚",  # 8: 罗 25221354
        "周杰",  # 8: 周 35121251
        "赵磊",  # 9: 赵 121213434
        "胡军",  # 9: 胡 122513511
        "徐丽",  # 10: 徐 3323411234
        "高明",  # 10: 高 4125125251
        "郭峰",  # 10: 郭 4125152152
        "诸葛亮",  # 10: 诸 4512132511
        "黄强",  # 11
    ]


@given(st.lists(st.text(alphabet="王尹李张马陈欧阳司𠮷A ·", min_size=1, max_size=4), max_size=12))
def test_order_is_total_and_independent_of_input_order(names: list[str]) -> None:
    once = sorted(names, key=stroke_key)
    assert sorted(reversed(names), key=stroke_key) == once
    assert sorted(once, key=stroke_key) == once
