"""The documents of a publication (公布): the announcement as a PDF laid out after GB/T 9704-2012
(WeasyPrint, fonts embedded) and the name list as Excel.

Both are made from a `DocumentData` so that the officer's preview (before anything is written)
and the published documents come from the same code. The layout and the standard's values it
follows are in templates/notices/publication/document.css.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

from django.template.loader import render_to_string
from django.utils import translation

from jiangxin.core.excel import TableWorkbook

#: The fixed words of the documents. The announcement is an official Chinese document whatever
#: the reader's language, and GB/T 9704-2012 prescribes several of these words itself ("文件"
#: of the issuer's mark, 7.2.4; "附件", 7.3.4 and 7.3.7), so they are not translated.
WORDS = {
    "document": "文件",
    "attachment": "附件",
    "attachment_colon": "附件：",
    "order": "（按姓氏笔画为序）",
    "no": "序号",
    "name": "姓名",
    "gender": "性别",
    "unit": "工作单位",
    "occupation": "职业（工种）",
    "withheld": "注：空白处为本人未同意公开的信息。",
    "preview": "预览稿　未发布",
    "list_sheet": "名单",
    "about_sheet": "说明",
    "item": "项目",
    "value": "内容",
    "title": "标题",
    "document_number": "发文字号",
    "issuer": "发文机关",
    "signed_on": "成文日期",
    "list": "名单",
    "order_label": "排序",
    "note": "备注",
}

#: The width of the type area (版心, 156 mm) in points, for sizing the issuer's mark.
TYPE_AREA_WIDTH_PT = 156 / 25.4 * 72
#: The issuer's mark (发文机关标志) is as large as fits on one line, up to this size.
ISSUER_MARK_MAX_PT = 42


@dataclass(frozen=True)
class ListRow:
    """One line of the published list; a field the person did not agree to publish is ""."""

    number: int
    name: str
    gender: str
    unit: str
    occupation: str


@dataclass(frozen=True)
class DocumentData:
    issuer_name: str
    document_number: str
    title: str
    addressees: str
    body: str
    signed_on: dt.date
    attachment_title: str
    rows: Sequence[ListRow] = field(default_factory=tuple)
    withheld: bool = False


def chinese_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.4 writes it: Arabic numerals, the year in full, no
    leading zeros (2026年3月5日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: one per non-empty line, stripped (the indent is the layout's)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def addressee_line(addressees: str) -> str:
    """主送机关 on one paragraph, ending with a full-width colon (GB/T 9704-2012 7.3.2)."""
    text = "".join(addressees.split("\n")).strip().rstrip(":：，,。")
    return f"{text}：" if text else ""


#: Characters of a 2号 (22 pt) title on one line of the type area (156 mm).
TITLE_CHARS_PER_LINE = 20
#: No line of a broken title is shorter than this (no lone "的通知" on the second line).
MIN_TITLE_LINE = 4
#: Where a title may turn to the next line without cutting a word (GB/T 9704-2012 7.3.1:
#: 回行时要做到词意完整): after these words, or before the closing "的通知" and the like.
_BREAK_AFTER = ("关于", "公布", "命名", "年度", "工程", "培育对象", "名单", "结果", "工匠")
_BREAK_BEFORE = ("的通知", "的决定", "的公告", "的通报", "名单")


def title_lines(title: str, per_line: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """A title in lines that each fit the type area, broken between words, as even as the
    break points allow; a title with no such break point is left to the layout."""
    if len(title) <= per_line:
        return [title]
    points = {
        i + len(word)
        for word in _BREAK_AFTER
        for i in range(len(title))
        if title.startswith(word, i)
    } | {i for word in _BREAK_BEFORE for i in range(len(title)) if title.startswith(word, i)}
    fitting = [
        p
        for p in points
        if MIN_TITLE_LINE <= p <= len(title) - MIN_TITLE_LINE and max(p, len(title) - p) <= per_line
    ]
    if not fitting:
        return [title]
    best = min(fitting, key=lambda p: abs(len(title) - 2 * p))
    return [title[:best], title[best:]]


def issuer_mark_size(mark: str) -> float:
    """The font size (pt) at which the issuer's mark fills at most the type area's width."""
    per_char = TYPE_AREA_WIDTH_PT / max(len(mark), 1) * 0.9
    return round(min(ISSUER_MARK_MAX_PT, per_char), 1)


def render_pdf(data: DocumentData, *, preview: bool = False) -> bytes:
    """The announcement as PDF bytes (WeasyPrint embeds the font subsets it uses)."""
    # WeasyPrint logs every layout step at INFO (from its import on: it parses its own
    # stylesheets then); the site's log is not the place for them.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import CSS, HTML

    mark = f"{data.issuer_name}{WORDS['document']}"
    context = {
        "words": WORDS,
        "issuer_name": data.issuer_name,
        "issuer_mark": mark,
        "document_number": data.document_number,
        "title": data.title,
        "title_lines": title_lines(data.title),
        "attachment_title_lines": title_lines(data.attachment_title),
        "addressees": addressee_line(data.addressees),
        "paragraphs": paragraphs(data.body),
        "attachment_title": data.attachment_title,
        "signed_on_text": chinese_date(data.signed_on),
        "rows": data.rows,
        "withheld": data.withheld,
        "preview": preview,
    }
    with translation.override("zh-hans"):
        html = render_to_string("notices/publication/document.html", context)
        css = render_to_string("notices/publication/document.css")
    size_rule = f"\n.issuer-mark {{ font-size: {issuer_mark_size(mark)}pt; }}\n"
    document = HTML(string=html).render(stylesheets=[CSS(string=str(css) + size_rule)])
    return bytes(document.write_pdf())


def build_xlsx(data: DocumentData) -> IO[bytes]:
    """The name list as a workbook: the list in the document's order, and a sheet saying what
    the list is."""
    book = TableWorkbook()
    ws = book.sheet(
        WORDS["list_sheet"],
        [
            (WORDS["no"], 8),
            (WORDS["name"], 14),
            (WORDS["gender"], 8),
            (WORDS["unit"], 40),
            (WORDS["occupation"], 20),
        ],
    )
    for row in data.rows:
        book.append(ws, [row.number, row.name, row.gender, row.unit, row.occupation])
    about = book.sheet(WORDS["about_sheet"], [(WORDS["item"], 16), (WORDS["value"], 70)])
    lines = [
        (WORDS["title"], data.title),
        (WORDS["document_number"], data.document_number),
        (WORDS["issuer"], data.issuer_name),
        (WORDS["signed_on"], chinese_date(data.signed_on)),
        (WORDS["list"], data.attachment_title),
        (WORDS["order_label"], WORDS["order"]),
    ]
    if data.withheld:
        lines.append((WORDS["note"], WORDS["withheld"]))
    for label, value in lines:
        book.append(about, [label, value])
    return book.save()
