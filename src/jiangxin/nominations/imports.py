"""Bulk import of nominations from an Excel workbook: parse → preview → execute.

1. **Template** (`template_workbook`): per campaign, so the statement columns are the
   assessment dimensions of the campaign's policy version. Sheets: the nominees (one row per
   nomination), their work history and their honours (any number of rows per person, linked by
   the ID number), and instructions explaining every column and the accepted values.
2. **Upload** (`do_upload_import`): the file is checked (size, ``.xlsx``, and a real Excel
   container), then every row of every sheet is parsed and validated against the data and the
   importer's scope, collecting *every* problem with its sheet, row, column and message. The
   result is stored on a `NominationImport` batch (rows, errors, counts).
3. **Execute** (`do_execute_import`): all or nothing, in one transaction, through the real
   actions (`do_create_person`, `do_save_record`, `do_start_nomination`, `do_set_person`,
   `do_save_statements`, `do_save_opinion`) as the importing user, so the permission and
   quota-area checks are those of the pages. The nominations are left as drafts.

Personal numbers are never kept in the stored result: its rows carry masked ID numbers only.
Execution reads the numbers again from the stored file (checked against its SHA-256), and
validates the whole file again, since the data may have changed since the preview. The file is
kept only while the batch can still be imported: a file with errors is not stored at all, and
the stored file is deleted once the batch is imported or discarded.

Existing profiles (matched by ID number through the blind index) are reused and never changed:
only the work periods and honours of the file are added to them (rows already in the profile
are not added twice).

Stored messages are rendered in every configured language at parse time, so the preview
follows the reader's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.excel import TableWorkbook, text_cell
from jiangxin.core.idnumbers import ParsedID, normalise_id_number, validate_id_number
from jiangxin.core.masking import mask_id_number
from jiangxin.nominations import actions as nomination_actions
from jiangxin.nominations import chain, rules, selectors
from jiangxin.nominations.checks import char_count
from jiangxin.nominations.models import Nomination, NominationEvent, NominationImport
from jiangxin.orgs.models import Organization
from jiangxin.people import actions as people_actions
from jiangxin.people import rules as people_rules
from jiangxin.people import selectors as people_selectors
from jiangxin.people.choices import Education, Ethnicity, PoliticalStatus, RecognitionLevel
from jiangxin.people.models import Honor, Person, WorkPeriod
from jiangxin.people.uploads import check_upload
from jiangxin.programs.models import Campaign, Dimension
from jiangxin.reference.models import Industry, OccupationGroup, SkillLevel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser

#: Upload limits. Parsing is synchronous, so a file is kept to what a preparer sends at once.
MAX_BYTES = 5 * 1024 * 1024
#: The uncompressed size of the workbook's parts (a zip bomb is refused before parsing).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_NOMINEES = 500
MAX_RECORD_ROWS = 5000
#: Errors kept on the batch (the count is always complete).
MAX_STORED_ERRORS = 1000
#: Rows listed in the instructions sheet's lists of units and employers.
MAX_LISTED_ORGS = 1000

EARLIEST_YEAR = 1949
ACTION_IMPORTED = "imported"
XLSX = ".xlsx"

S = NominationImport.Status


# --- Messages in every language ----------------------------------------------------------------


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def render_all(message: StrOrPromise, params: dict[str, Any] | None = None) -> dict[str, str]:
    """The message in every configured language ({language code: text})."""
    out: dict[str, str] = {}
    for code in _languages():
        with translation.override(code):
            text = str(message)
            if params:
                text = text % {
                    k: str(v) if isinstance(v, Promise) else v for k, v in params.items()
                }
            out[code] = text
    return out


def localized(texts: dict[str, str] | str) -> str:
    """Pick the reader's language from a stored {language code: text}."""
    if isinstance(texts, str):
        return texts
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return texts.get(lang) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")


def _echo(value: str) -> str:
    """A value quoted back in a message: short, and never a personal number."""
    value = re.sub(r"[\dXx]{7,}", lambda m: "*" * len(m.group()), value)
    return value if len(value) <= 40 else value[:39] + "…"


# --- Normalisation of cell values ---------------------------------------------------------------


def _norm(value: str) -> str:
    """For matching names and codes: NFKC (full-width → half-width), no white space, case-folded."""
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _header_key(value: Any) -> str:
    text = _norm(str(value or ""))
    return text.rstrip("*")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)


def parse_date(value: Any) -> dt.date | None:
    """A date from an Excel date cell, ``2026-06-10`` (or ``/``, ``.``, ``年月日``),
    ``20260610``, or an Excel serial day number. Raises ValueError when it is none of them."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return dt.datetime.strptime(str(int(value)), "%Y%m%d").date()  # noqa: DTZ007
        if 1 <= value < 2958466:
            result = from_excel(value)
            return result.date() if isinstance(result, dt.datetime) else None
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{8}", text):
        return dt.datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007
    match = _DATE_RE.fullmatch(text)
    if not match:
        raise ValueError(value)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


YES = {"是", "y", "yes", "true", "t", "1", "√", "✓", "✔"}
NO = {"否", "n", "no", "false", "f", "0", "×", "x", "✗"}


# --- Accepted values of the coded columns -------------------------------------------------------

#: The standard Chinese names (GB/T 3304-1991), accepted besides the codes and the labels.
ETHNICITY_ZH = {
    "01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "06": "苗族",
    "07": "彝族", "08": "壮族", "09": "布依族", "10": "朝鲜族", "11": "满族", "12": "侗族",
    "13": "瑶族", "14": "白族", "15": "土家族", "16": "哈尼族", "17": "哈萨克族", "18": "傣族",
    "19": "黎族", "20": "傈僳族", "21": "佤族", "22": "畲族", "23": "高山族", "24": "拉祜族",
    "25": "水族", "26": "东乡族", "27": "纳西族", "28": "景颇族", "29": "柯尔克孜族",
    "30": "土族", "31": "达斡尔族", "32": "仫佬族", "33": "羌族", "34": "布朗族", "35": "撒拉族",
    "36": "毛南族", "37": "仡佬族", "38": "锡伯族", "39": "阿昌族", "40": "普米族",
    "41": "塔吉克族", "42": "怒族", "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族",
    "46": "德昂族", "47": "保安族", "48": "裕固族", "49": "京族", "50": "塔塔尔族",
    "51": "独龙族", "52": "鄂伦春族", "53": "赫哲族", "54": "门巴族", "55": "珞巴族",
    "56": "基诺族", "97": "其他", "98": "外国血统中国籍人士",
}  # fmt: skip

#: GB/T 4762-1984 names, full and in the short forms used on forms.
POLITICAL_STATUS_ZH = {
    "01": ("中国共产党党员", "中共党员", "党员"),
    "02": ("中国共产党预备党员", "中共预备党员", "预备党员"),
    "03": ("中国共产主义青年团团员", "共青团员", "团员"),
    "04": ("中国国民党革命委员会会员", "民革会员", "民革党员"),
    "05": ("中国民主同盟盟员", "民盟盟员"),
    "06": ("中国民主建国会会员", "民建会员"),
    "07": ("中国民主促进会会员", "民进会员"),
    "08": ("中国农工民主党党员", "农工党党员"),
    "09": ("中国致公党党员", "致公党党员"),
    "10": ("九三学社社员",),
    "11": ("台湾民主自治同盟盟员", "台盟盟员"),
    "12": ("无党派民主人士", "无党派人士"),
    "13": ("群众", "普通居民"),
}

#: GB/T 4658-2006 names at the level of detail of the profile.
EDUCATION_ZH = {
    "11": ("博士研究生", "博士"),
    "14": ("硕士研究生", "硕士"),
    "20": ("大学本科", "本科"),
    "30": ("大学专科", "大专", "专科"),
    "41": ("中等专科", "中专"),
    "44": ("职业高中", "职高"),
    "47": ("技工学校", "技校"),
    "60": ("普通高中", "高中"),
    "70": ("初中", "初级中学"),
    "80": ("小学",),
    "90": ("其他",),
}

RECOGNITION_LEVEL_ZH: dict[str, tuple[str, ...]] = {
    RecognitionLevel.INTERNATIONAL: ("国际级", "国际"),
    RecognitionLevel.NATIONAL: ("国家级", "全国", "国家", "全国性"),
    RecognitionLevel.PROVINCIAL: ("省部级", "省级", "部级"),
    RecognitionLevel.CITY: ("市级", "地市级", "市厅级"),
    RecognitionLevel.ENTERPRISE: ("企业级", "企业", "公司级"),
}


@dataclass
class CodeList:
    """The accepted values of one coded column: normalised spelling → value."""

    lookup: dict[str, Any]
    #: (code, names) rows for the instructions sheet.
    listing: list[tuple[str, str]]

    def get(self, raw: str) -> Any:
        key = _norm(raw)
        if key in self.lookup:
            return self.lookup[key]
        if key.isdigit() and key.zfill(2) in self.lookup:
            return self.lookup[key.zfill(2)]
        return None


def _labels_everywhere(label: StrOrPromise) -> list[str]:
    return list(render_all(label).values())


def _choice_list(choices: Any, extra: Mapping[str, tuple[str, ...]]) -> CodeList:
    lookup: dict[str, Any] = {}
    listing: list[tuple[str, str]] = []
    for value, label in choices.choices:
        names = [*extra.get(value, ()), *_labels_everywhere(label)]
        for name in [value, *names]:
            lookup.setdefault(_norm(name), value)
        shown = [str(label), *[n for n in extra.get(value, ()) if n != str(label)][:1]]
        listing.append((value, " / ".join(shown)))
    return CodeList(lookup, listing)


def _short_skill_name(name: str) -> str:
    """高级技师（一级） → 高级技师."""
    return re.split(r"[（(]", name, maxsplit=1)[0].strip()


@dataclass
class Reference:
    """The reference data the coded columns are checked against (loaded once per file)."""

    ethnicity: CodeList
    political_status: CodeList
    education: CodeList
    honour_level: CodeList
    occupation_group: CodeList
    skill_level: CodeList
    industry: dict[str, Industry]

    @classmethod
    def load(cls) -> Reference:
        groups = list(OccupationGroup.objects.order_by("code"))
        group_lookup: dict[str, Any] = {}
        for g in groups:
            for name in (g.code, g.name_zh, g.name_en):
                group_lookup.setdefault(_norm(name), g)
        levels = list(SkillLevel.objects.order_by("rank"))
        level_lookup: dict[str, Any] = {}
        for lv in levels:
            for name in (lv.code, lv.name_zh, lv.name_en, _short_skill_name(lv.name_zh)):
                level_lookup.setdefault(_norm(name), lv)
        return cls(
            ethnicity=_choice_list(Ethnicity, {k: (v,) for k, v in ETHNICITY_ZH.items()}),
            political_status=_choice_list(PoliticalStatus, POLITICAL_STATUS_ZH),
            education=_choice_list(Education, EDUCATION_ZH),
            honour_level=_choice_list(RecognitionLevel, RECOGNITION_LEVEL_ZH),
            occupation_group=CodeList(group_lookup, [(g.code, g.name) for g in groups]),
            skill_level=CodeList(level_lookup, [(lv.code, lv.name) for lv in levels]),
            industry={i.code: i for i in Industry.objects.all()},
        )

    def find_industry(self, raw: str) -> Industry | None:
        token = unicodedata.normalize("NFKC", raw).strip().split(" ")[0].upper()
        if token.isdigit():
            token = token.zfill(2)
        return self.industry.get(token)


# --- The columns of the workbook ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    width: int
    help: StrOrPromise
    required: bool = False
    #: "text" (stored as text in the template), "date", or "general".
    fmt: str = "general"
    #: Other spellings of the header accepted on upload.
    aliases: tuple[str, ...] = ()

    def header_keys(self) -> set[str]:
        return {_header_key(x) for x in (*_labels_everywhere(self.label), *self.aliases)}


@dataclass(frozen=True)
class SheetSpec:
    key: str
    label: StrOrPromise
    columns: tuple[Column, ...]

    def title_keys(self) -> set[str]:
        return {_header_key(x[:31]) for x in _labels_everywhere(self.label)}


NOMINEES_SHEET = _("Nominees")
WORK_SHEET = _("Work history")
HONOURS_SHEET = _("Honours and awards")
INSTRUCTIONS_SHEET = _("Instructions")

DATE_HELP = _("A date: YYYY-MM-DD, e.g. 2026-06-10 (an Excel date cell is fine too).")
ID_AS_NUMBER = _(
    "The ID number was entered as a number, which Excel rounds; enter it as text (format the "
    "cell as text, then type it again)."
)
ID_HELP = _(
    "The 18-character citizen ID number (GB 11643), entered as text. It links the rows of the "
    "other sheets to this person."
)


def _nominee_columns(campaign: Campaign) -> tuple[Column, ...]:
    version = campaign.policy_version
    head = (
        Column(
            "unit",
            _("Nominating unit"),
            30,
            _(
                "The name of the nominating unit exactly as in the system (the list is at the "
                "end of the instructions). Leave it blank if you prepare nominations for one "
                "unit only."
            ),
        ),
        Column("name", _("Full name"), 12, _("The person's name, at most 50 characters."), True),
        Column("id_number", _("ID number"), 22, ID_HELP, True, "text"),
        Column("phone", _("Mobile phone"), 16, _("A mobile or landline number."), fmt="text"),
        Column(
            "ethnicity",
            _("Ethnic group"),
            10,
            _("A code of GB/T 3304 or the name (e.g. 01 or 汉族); see the list below."),
            fmt="text",
        ),
        Column(
            "political_status",
            _("Political status"),
            16,
            _("A code of GB/T 4762 or the name (e.g. 01 or 中共党员); see the list below."),
            fmt="text",
        ),
        Column(
            "education",
            _("Education"),
            12,
            _("A code of GB/T 4658 or the name (e.g. 47 or 技工学校); see the list below."),
            fmt="text",
        ),
        Column(
            "employer",
            _("Employer"),
            30,
            _(
                "The enterprise the person works for, by its name in the system. Blank means "
                "the nominating unit's enterprise."
            ),
        ),
        Column(
            "occupation_group",
            _("Occupation group"),
            12,
            _("The major group of the occupational classification: its code (1–8) or name."),
            fmt="text",
        ),
        Column(
            "occupation",
            _("Occupation / type of work"),
            14,
            _("Free text, e.g. 焊工, at most 100 characters."),
        ),
        Column(
            "skill_level",
            _("Skill level"),
            16,
            _(
                "A code or the name of a vocational skill level (e.g. 高级技师); see the list "
                "below."
            ),
        ),
        Column(
            "skill_certificate_no",
            _("Skill certificate number"),
            18,
            _("The number of the skill level certificate, at most 50 characters."),
            fmt="text",
        ),
        Column("skill_certified_on", _("Skill certified on"), 14, DATE_HELP, fmt="date"),
        Column(
            "industry",
            _("Industry division code"),
            12,
            _("A division code of GB/T 4754-2017 (e.g. 31); see the list below."),
            fmt="text",
        ),
    )
    dims = tuple(
        Column(
            f"dim:{d.pk}",
            d.name,
            40,
            _(
                "The deeds under %(dimension)s: %(min)s to %(max)s characters (white space not "
                "counted); a shorter text may be completed later on the nomination's page."
            )
            % {"dimension": d.name, "min": d.statement_min_chars, "max": d.statement_max_chars},
            aliases=(d.name_zh, d.name_en, d.code),
        )
        for d in _dimensions(campaign)
    )
    tail = (
        Column(
            "deeds_summary",
            _("Deeds summary"),
            40,
            _("For the public notice: at most %(max)s characters.")
            % {"max": version.summary_max_chars},
        ),
        Column(
            "unit_opinion",
            _("Recommendation opinion of the unit"),
            30,
            _("At most %(max)s characters.") % {"max": version.opinion_max_chars},
        ),
        Column(
            "attestation_text",
            _("Political quality attestation"),
            30,
            _("The recommending unit's attestation of the person's political quality."),
        ),
        Column(
            "attestation_signer",
            _("Attested by"),
            12,
            _("Who signed the attestation, at most 100 characters."),
        ),
        Column(
            "attestation_date",
            _("Attested on"),
            14,
            _("The date of the attestation, not in the future. %(format)s") % {"format": DATE_HELP},
            fmt="date",
        ),
        Column(
            "consent_date",
            _("Consent given on"),
            14,
            _(
                "The date the person consented to the publication of the notice fields (blank: "
                "not yet given). %(format)s"
            )
            % {"format": DATE_HELP},
            fmt="date",
        ),
    )
    return head + dims + tail


WORK_COLUMNS = (
    Column("id_number", _("ID number"), 22, ID_HELP, True, "text"),
    Column(
        "employer_name",
        _("Employer"),
        30,
        _("The employer of the period, in full (it need not be in the system)."),
        True,
    ),
    Column("position", _("Position or type of work"), 16, _("At most 100 characters."), True),
    Column("start", _("Start date"), 14, DATE_HELP, True, "date"),
    Column(
        "end",
        _("End date"),
        14,
        _("Blank means to date; not before the start. %(format)s") % {"format": DATE_HELP},
        fmt="date",
    ),
    Column(
        "is_frontline",
        _("Front-line production work"),
        12,
        _("Whether the period was front-line production work: %(values)s.")
        % {"values": "是 / 否 (Y / N)"},
        True,
        "text",
    ),
)

HONOUR_COLUMNS = (
    Column("id_number", _("ID number"), 22, ID_HELP, True, "text"),
    Column("title", _("Honour or award"), 30, _("At most 200 characters."), True),
    Column(
        "level",
        _("Level"),
        12,
        _("International, national, provincial or ministerial, city or enterprise (e.g. 国家级)."),
        True,
    ),
    Column("year", _("Year"), 8, _("The year it was awarded, e.g. 2021."), True),
    Column("awarded_by", _("Awarded by"), 24, _("At most 200 characters.")),
)


def _dimensions(campaign: Campaign) -> list[Dimension]:
    return list(campaign.policy_version.dimensions.order_by("order"))


def sheet_specs(campaign: Campaign) -> tuple[SheetSpec, SheetSpec, SheetSpec]:
    return (
        SheetSpec("nominees", NOMINEES_SHEET, _nominee_columns(campaign)),
        SheetSpec("work", WORK_SHEET, WORK_COLUMNS),
        SheetSpec("honours", HONOURS_SHEET, HONOUR_COLUMNS),
    )


# --- The template ---------------------------------------------------------------------------


def _data_sheet(book: TableWorkbook, spec: SheetSpec) -> WriteOnlyWorksheet:
    """A sheet with a bold, frozen header and column widths and formats (text columns keep
    ID numbers whole; Excel would round them as numbers)."""
    ws = book.workbook.create_sheet(str(spec.label)[:31])
    for index, column in enumerate(spec.columns, start=1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = column.width
        if column.fmt == "text":
            dim.number_format = "@"
        elif column.fmt == "date":
            dim.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.append([text_cell(ws, str(c.label), bold=True) for c in spec.columns])
    return ws


def template_workbook(campaign: Campaign, user: AnyUser) -> IO[bytes]:
    """The import template of `campaign` for `user` (the units and employers listed are the
    user's own)."""
    book = TableWorkbook()
    specs = sheet_specs(campaign)
    for spec in specs:
        _data_sheet(book, spec)
    ws = book.sheet(
        str(INSTRUCTIONS_SHEET),
        [
            (str(_("Sheet")), 18),
            (str(_("Column")), 26),
            (str(_("Required")), 10),
            (str(_("What to enter")), 90),
        ],
    )

    def heading(text: StrOrPromise) -> None:
        ws.append([])
        ws.append([text_cell(ws, str(text), bold=True)])

    def line(*values: Any) -> None:
        book.append(ws, [str(v) if isinstance(v, Promise) else v for v in values])

    for spec in specs:
        for column in spec.columns:
            line(spec.label, column.label, _("Yes") if column.required else "", column.help)
    version = campaign.policy_version
    heading(_("How the import works"))
    for text in (
        _("Campaign: %(campaign)s (policy version %(version)s).")
        % {"campaign": campaign.name, "version": version.name},
        _(
            "One row per nomination on the sheet “%(nominees)s”. The rows of “%(work)s” and "
            "“%(honours)s” belong to the nominee with the same ID number; a person may have "
            "any number of them."
        )
        % {"nominees": NOMINEES_SHEET, "work": WORK_SHEET, "honours": HONOURS_SHEET},
        _(
            "Keep the first row (the column headings) as it is; the order of the columns does "
            "not matter."
        ),
        DATE_HELP,
        _(
            "Enter ID numbers, phone numbers and codes as text: the template formats these "
            "columns as text, so paste values only."
        ),
        _(
            "A person who already has a profile in your scope (same ID number) keeps it "
            "unchanged: the profile columns of this file are then not used, and only the work "
            "periods and honours of the file are added to it."
        ),
        _(
            "The whole file is checked first and every problem is listed with its sheet, row "
            "and column. Nothing is imported while any row has an error."
        ),
        _("The nominations are created as drafts: check each one and submit it on its own page."),
        _("At most %(rows)s nominations and %(mb)s MB per file.")
        % {"rows": MAX_NOMINEES, "mb": MAX_BYTES // 1024 // 1024},
    ):
        line("", "", "", text)
    reference = Reference.load()
    for title, listing in (
        (_("Ethnic group"), reference.ethnicity.listing),
        (_("Political status"), reference.political_status.listing),
        (_("Education"), reference.education.listing),
        (_("Occupation group"), reference.occupation_group.listing),
        (_("Skill level"), reference.skill_level.listing),
        (_("Level of an honour"), reference.honour_level.listing),
    ):
        heading(title)
        for code, name in listing:
            line("", code, "", name)
    heading(_("Industry divisions (GB/T 4754-2017)"))
    for industry in sorted(reference.industry.values(), key=lambda i: i.code):
        if industry.level == Industry.Level.DIVISION:
            line("", industry.code, "", industry.name)
    heading(_("Units you may nominate for"))
    for org in rules.units_for(user)[:MAX_LISTED_ORGS]:
        line("", "", "", org.name)
    heading(_("Employers you keep profiles for"))
    for org in people_selectors.employers_for(user).order_by("path")[:MAX_LISTED_ORGS]:
        line("", "", "", org.name)
    return book.save()


def template_filename(campaign: Campaign) -> str:
    return f"nomination-import-template-{campaign.year}-{campaign.pk}.xlsx"


# --- The parse result -------------------------------------------------------------------------


@dataclass
class Issue:
    """One problem: where (sheet and column as they appear in the file, row number) and what."""

    sheet: str
    row: int | None
    column: str
    message: StrOrPromise
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": render_all(self.message, self.params),
        }


@dataclass
class WorkRow:
    row: int
    fields: dict[str, Any]


@dataclass
class HonourRow:
    row: int
    fields: dict[str, Any]


@dataclass
class NomineeRow:
    row: int
    id_number: str = ""  # normalised, plain: never stored
    parsed_id: ParsedID | None = None
    name: str = ""
    unit: Organization | None = None
    employer: Organization | None = None
    person: Person | None = None  # an existing profile, reused unchanged
    profile: dict[str, Any] = field(default_factory=dict)
    statements: dict[int, str] = field(default_factory=dict)
    opinion: dict[str, Any] = field(default_factory=dict)
    work: list[WorkRow] = field(default_factory=list)
    honours: list[HonourRow] = field(default_factory=list)
    skipped_work: int = 0
    skipped_honours: int = 0
    issues: int = 0
    notes: list[tuple[StrOrPromise, dict[str, Any]]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.name,
            "id": mask_id_number(self.id_number),
            "unit": self.unit.name if self.unit else "",
            "employer": (
                self.person.employer.name
                if self.person is not None
                else (self.employer.name if self.employer else "")
            ),
            "profile": "existing" if self.person is not None else "new",
            "work": len(self.work),
            "honours": len(self.honours),
            "errors": self.issues,
            "notes": [render_all(m, p) for m, p in self.notes],
        }


@dataclass
class ImportPlan:
    campaign: Campaign
    nominees: list[NomineeRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: The nominee sheet's name and its ID number heading, as in the file.
    nominees_sheet: str = ""
    id_header: str = ""

    @property
    def error_count(self) -> int:
        return len(self.issues)

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.nominees),
            "ok": sum(1 for n in self.nominees if not n.issues),
            "with_errors": sum(1 for n in self.nominees if n.issues),
            "errors": len(self.issues),
            "work": sum(len(n.work) for n in self.nominees),
            "honours": sum(len(n.honours) for n in self.nominees),
            "new_profiles": sum(1 for n in self.nominees if n.person is None),
            "existing_profiles": sum(1 for n in self.nominees if n.person is not None),
        }

    def result(self) -> dict[str, Any]:
        return {
            "rows": [n.as_dict() for n in self.nominees],
            "errors": [i.as_dict() for i in self.issues[:MAX_STORED_ERRORS]],
            "summary": self.summary(),
        }


# --- Reading the workbook ------------------------------------------------------------------------


def check_import_file(name: str, stream: IO[bytes], size: int) -> str:
    """Refuse anything but a real .xlsx workbook of reasonable size; return its SHA-256."""
    extension = PurePath(name).suffix.lower()
    if extension != XLSX:
        raise DomainError(
            "import.extension",
            _("Upload the filled-in template as an Excel workbook (.xlsx)."),
        )
    if size > MAX_BYTES:
        raise DomainError(
            "upload.too_large",
            _("The file is %(size)s MB; files may be at most %(max)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "max": MAX_BYTES // 1024 // 1024},
        )
    checked = check_upload(name, stream, size)  # signature: a zip holding xl/workbook.xml
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        total = sum(info.file_size for info in archive.infolist())
    stream.seek(0)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise DomainError(
            "import.too_large",
            _("The workbook is too large once unpacked; split it into several files."),
        )
    return checked.sha256


class _Sheet:
    """A sheet of the uploaded workbook with its header row mapped to the spec's columns."""

    def __init__(self, title: str, spec: SheetSpec, rows: Iterator[tuple[Any, ...]]) -> None:
        self.title = title
        self.spec = spec
        self.rows = rows
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {}

    def map_header(self, header: tuple[Any, ...], issues: list[Issue]) -> None:
        wanted = {key: column for column in self.spec.columns for key in column.header_keys()}
        for position, raw in enumerate(header):
            text = _cell_text(raw)
            if not text:
                continue
            column = wanted.get(_header_key(text))
            if column is None:
                issues.append(
                    Issue(
                        self.title,
                        1,
                        text,
                        _("This column is not part of the template; check its heading."),
                    )
                )
            elif column.key in self.index:
                issues.append(Issue(self.title, 1, text, _("This column appears twice.")))
            else:
                self.index[column.key] = position
                self.headers[column.key] = text
        for column in self.spec.columns:
            if column.required and column.key not in self.index:
                issues.append(
                    Issue(
                        self.title,
                        1,
                        str(column.label),
                        _("The column is missing; keep the headings of the template."),
                    )
                )


class RowReader:
    """One row of a sheet: typed getters that record a problem and return a blank value."""

    def __init__(
        self, sheet: _Sheet, number: int, values: tuple[Any, ...], issues: list[Issue]
    ) -> None:
        self.sheet = sheet
        self.number = number
        self.values = values
        self.issues = issues
        self.count = 0

    def column_label(self, key: str) -> str:
        if key in self.sheet.headers:
            return self.sheet.headers[key]
        return next(str(c.label) for c in self.sheet.spec.columns if c.key == key)

    def error(self, key: str, message: StrOrPromise, **params: Any) -> None:
        self.issues.append(
            Issue(self.sheet.title, self.number, self.column_label(key), message, params)
        )
        self.count += 1

    def raw(self, key: str) -> Any:
        position = self.sheet.index.get(key)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = _cell_text(self.raw(key))
        if not value and required:
            self.error(key, _("This is required."))
        if max_length is not None and len(value) > max_length:
            self.error(
                key,
                _("At most %(max)s characters are allowed (it has %(count)s)."),
                max=max_length,
                count=len(value),
            )
            value = ""
        return value

    def date(self, key: str, *, required: bool = False, not_future: bool = False) -> dt.date | None:
        raw = self.raw(key)
        try:
            value = parse_date(raw)
        except (ValueError, OverflowError):
            self.error(
                key,
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-06-10."),
                value=_echo(_cell_text(raw)),
            )
            return None
        if value is None and required:
            self.error(key, _("This is required."))
        if value is not None and not_future and value > timezone.localdate():
            self.error(key, _("The date cannot be in the future."))
            return None
        return value

    def coded(self, key: str, codes: CodeList, message: StrOrPromise) -> Any:
        raw = self.text(key)
        if not raw:
            return None
        value = codes.get(raw)
        if value is None:
            self.error(key, message, value=_echo(raw))
        return value


def _rows(sheet: _Sheet, limit: int, issues: list[Issue]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The non-blank data rows of a sheet, numbered as Excel numbers them."""
    seen = 0
    for number, values in enumerate(sheet.rows, start=2):
        if not any(_cell_text(v) for v in values):
            continue
        seen += 1
        if seen > limit:
            issues.append(
                Issue(
                    sheet.title,
                    number,
                    "",
                    _("The sheet has more than %(max)s rows; split the file into several."),
                    {"max": limit},
                )
            )
            return
        yield number, values


def _orgs_by_name(orgs: Iterable[Organization]) -> dict[str, list[Organization]]:
    table: dict[str, list[Organization]] = {}
    for org in orgs:
        for name in {org.name, org.name_en}:
            if name:
                table.setdefault(_norm(name), []).append(org)
    return table


def _default_employer(unit: Organization) -> Organization | None:
    if unit.kind == Organization.Kind.ENTERPRISE:
        return unit
    parent = Organization.objects.get_parent(unit)
    if parent is not None and parent.kind == Organization.Kind.ENTERPRISE:
        return parent
    return None


def _related(a: Organization, b: Organization) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


class Parser:
    """Parse and validate a workbook for one user and campaign (see the module docstring)."""

    def __init__(self, *, user: User, campaign: Campaign) -> None:
        self.user = user
        self.campaign = campaign
        self.version = campaign.policy_version
        self.dimensions = _dimensions(campaign)
        self.ref = Reference.load()
        units = rules.units_for(user)
        self.single_unit = units[0] if len(units) == 1 else None
        self.units = _orgs_by_name(units)
        employers = list(people_selectors.employers_for(user))
        self.employers = _orgs_by_name(employers)
        self.employer_ids = {e.pk for e in employers}
        self._quota: dict[int, bool] = {}
        self._default_employers: dict[int, Organization | None] = {}
        self.plan = ImportPlan(campaign)

    # - Entry point -

    def parse(self, stream: IO[bytes]) -> ImportPlan:
        issues = self.plan.issues
        stream.seek(0)
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:
            raise DomainError(
                "import.unreadable",
                _("The file could not be read as an Excel workbook; save it again as .xlsx."),
            ) from exc
        try:
            nominees_spec, work_spec, honours_spec = sheet_specs(self.campaign)
            sheets = {
                spec.key: self._find(workbook, spec)
                for spec in (nominees_spec, work_spec, honours_spec)
            }
            nominees = sheets["nominees"]
            if nominees is None:
                issues.append(
                    Issue(
                        "",
                        None,
                        "",
                        _("The workbook has no sheet “%(sheet)s”; use the template."),
                        {"sheet": NOMINEES_SHEET},
                    )
                )
                return self.plan
            self.plan.nominees_sheet = nominees.title
            self.plan.id_header = nominees.headers.get("id_number", str(_("ID number")))
            self._parse_nominees(nominees)
            by_id = {}
            for n in self.plan.nominees:
                if n.id_number and n.id_number not in by_id:
                    by_id[n.id_number] = n
            if sheets["work"] is not None:
                self._parse_work(sheets["work"], by_id, nominees.title)
            if sheets["honours"] is not None:
                self._parse_honours(sheets["honours"], by_id, nominees.title)
        finally:
            workbook.close()
        self._check_against_the_data()
        return self.plan

    def _find(self, workbook: Any, spec: SheetSpec) -> _Sheet | None:
        keys = spec.title_keys()
        for ws in workbook.worksheets:
            if _header_key(ws.title) in keys:
                rows = ws.iter_rows(values_only=True)
                sheet = _Sheet(ws.title, spec, rows)
                header = next(rows, ())
                sheet.map_header(tuple(header or ()), self.plan.issues)
                return sheet
        return None

    # - Nominees -

    def _parse_nominees(self, sheet: _Sheet) -> None:
        seen: dict[str, int] = {}
        issues = self.plan.issues
        for number, values in _rows(sheet, MAX_NOMINEES, issues):
            r = RowReader(sheet, number, values, issues)
            n = NomineeRow(row=number)
            self._unit_and_employer(r, n)
            n.name = r.text("name", required=True, max_length=50)
            self._id_number(r, n, seen)
            n.profile = self._profile(r)
            for dim in self.dimensions:
                key = f"dim:{dim.pk}"
                text = r.text(key)
                count = char_count(text)
                if count > dim.statement_max_chars:
                    r.error(
                        key,
                        _("This has %(count)s characters; at most %(max)s are allowed."),
                        count=count,
                        max=dim.statement_max_chars,
                    )
                elif text:
                    n.statements[dim.pk] = text
            n.opinion = self._opinion(r)
            n.issues = r.count
            self.plan.nominees.append(n)
        if not self.plan.nominees and not issues:
            issues.append(Issue(sheet.title, None, "", _("The sheet has no nomination rows.")))

    def _unit_and_employer(self, r: RowReader, n: NomineeRow) -> None:
        raw = r.text("unit")
        if not raw:
            n.unit = self.single_unit
            if n.unit is None:
                r.error(
                    "unit",
                    _("Enter the nominating unit: you prepare nominations for several units."),
                )
        else:
            n.unit = self._one_org(r, "unit", raw, self.units)
        if n.unit is not None and not self._has_quota(n.unit):
            r.error(
                "unit",
                _("%(unit)s has no quota in %(campaign)s."),
                unit=n.unit.name,
                campaign=self.campaign.name,
            )
        raw = r.text("employer")
        if raw:
            n.employer = self._one_org(r, "employer", raw, self.employers)
        elif n.unit is not None:
            if n.unit.pk not in self._default_employers:
                self._default_employers[n.unit.pk] = _default_employer(n.unit)
            n.employer = self._default_employers[n.unit.pk]
            if n.employer is None or n.employer.pk not in self.employer_ids:
                n.employer = None
                r.error("employer", _("Enter the person's employer."))
        if n.employer is not None and n.unit is not None and not _related(n.employer, n.unit):
            r.error(
                "employer",
                _(
                    "%(employer)s is neither the nominating unit %(unit)s, nor the enterprise it "
                    "belongs to, nor a part of it."
                ),
                employer=n.employer.name,
                unit=n.unit.name,
            )

    def _one_org(
        self, r: RowReader, key: str, raw: str, table: dict[str, list[Organization]]
    ) -> Organization | None:
        found = table.get(_norm(raw), [])
        if not found:
            r.error(key, _("“%(value)s” was not found in your scope."), value=_echo(raw))
            return None
        if len({o.pk for o in found}) > 1:
            r.error(
                key,
                _(
                    "Several organizations in your scope are called “%(value)s”; nominate this "
                    "person through the nomination form instead."
                ),
                value=_echo(raw),
            )
            return None
        return found[0]

    def _has_quota(self, unit: Organization) -> bool:
        if unit.pk not in self._quota:
            self._quota[unit.pk] = (
                chain.in_campaign_area(self.campaign, unit)
                and chain.recommending_allocation(self.campaign, unit) is not None
            )
        return self._quota[unit.pk]

    def _id_number(self, r: RowReader, n: NomineeRow, seen: dict[str, int]) -> None:
        raw = r.raw("id_number")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            r.error("id_number", ID_AS_NUMBER)
            return
        text = normalise_id_number(_cell_text(raw))
        if not text:
            r.error("id_number", _("This is required."))
            return
        n.id_number = text
        try:
            n.parsed_id = validate_id_number(text)
        except ValidationError as exc:
            for error in exc.error_list:
                r.error("id_number", error.message, **(error.params or {}))
            return
        if text in seen:
            r.error(
                "id_number",
                _("The same ID number is already on row %(row)s of this sheet."),
                row=seen[text],
            )
        else:
            seen[text] = n.row

    def _profile(self, r: RowReader) -> dict[str, Any]:
        ref = self.ref
        unknown = _("“%(value)s” is not one of the accepted values; see the instructions sheet.")
        phone = r.text("phone", max_length=30)
        if phone and not re.fullmatch(r"\+?[\d\s\-()]{7,30}", phone):
            r.error(
                "phone", _("Enter a mobile or landline number (digits, optionally with hyphens).")
            )
            phone = ""
        industry_raw = r.text("industry")
        industry = ref.find_industry(industry_raw) if industry_raw else None
        if industry_raw and industry is None:
            r.error(
                "industry",
                _("Unknown industry “%(value)s”: give a GB/T 4754-2017 division code such as 31."),
                value=_echo(industry_raw),
            )
        return {
            "phone": phone,
            "ethnicity": r.coded("ethnicity", ref.ethnicity, unknown) or "",
            "political_status": r.coded("political_status", ref.political_status, unknown) or "",
            "education": r.coded("education", ref.education, unknown) or "",
            "occupation_group": r.coded(
                "occupation_group",
                ref.occupation_group,
                _("Unknown occupation group “%(value)s”: give its code (1–8) or its name."),
            ),
            "occupation": r.text("occupation", max_length=100),
            "skill_level": r.coded(
                "skill_level",
                ref.skill_level,
                _(
                    "Unknown skill level “%(value)s”: give a code or a name listed on the "
                    "instructions sheet."
                ),
            ),
            "skill_certificate_no": r.text("skill_certificate_no", max_length=50),
            "skill_certified_on": r.date("skill_certified_on", not_future=True),
            "industry": industry,
        }

    def _opinion(self, r: RowReader) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, limit in (
            ("deeds_summary", self.version.summary_max_chars),
            ("unit_opinion", self.version.opinion_max_chars),
        ):
            text = r.text(key)
            count = char_count(text)
            if count > limit:
                r.error(
                    key,
                    _("This has %(count)s characters; at most %(max)s are allowed."),
                    count=count,
                    max=limit,
                )
                text = ""
            values[key] = text
        values["attestation_text"] = r.text("attestation_text")
        values["attestation_signer"] = r.text("attestation_signer", max_length=100)
        values["attestation_date"] = r.date("attestation_date", not_future=True)
        consent = r.date("consent_date", not_future=True)
        values["consent_given"] = consent is not None
        values["consent_date"] = consent
        return values

    # - Work history and honours -

    def _owner(
        self, r: RowReader, by_id: dict[str, NomineeRow], nominees_title: str
    ) -> NomineeRow | None:
        raw = r.raw("id_number")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            r.error("id_number", ID_AS_NUMBER)
            return None
        text = normalise_id_number(_cell_text(raw))
        if not text:
            r.error("id_number", _("This is required."))
            return None
        owner = by_id.get(text)
        if owner is None:
            r.error(
                "id_number",
                _("No row of the sheet “%(sheet)s” has this ID number."),
                sheet=nominees_title,
            )
        return owner

    def _parse_work(self, sheet: _Sheet, by_id: dict[str, NomineeRow], nominees_title: str) -> None:
        issues = self.plan.issues
        today = timezone.localdate()
        for number, values in _rows(sheet, MAX_RECORD_ROWS, issues):
            r = RowReader(sheet, number, values, issues)
            owner = self._owner(r, by_id, nominees_title)
            employer_name = r.text("employer_name", required=True, max_length=200)
            position = r.text("position", required=True, max_length=100)
            start = r.date("start", required=True)
            end = r.date("end")
            if start is not None and start > today:
                r.error("start", _("A work period cannot start in the future."))
            if start is not None and end is not None and end < start:
                r.error("end", _("The end of a period cannot be before its start."))
            flag = _norm(r.text("is_frontline", required=True))
            frontline = None
            if flag in YES:
                frontline = True
            elif flag in NO:
                frontline = False
            elif flag:
                r.error(
                    "is_frontline",
                    _("Answer %(values)s."),
                    values="是 / 否 (Y / N)",
                )
            if owner is None:
                continue
            owner.issues += r.count
            if r.count == 0:
                owner.work.append(
                    WorkRow(
                        number,
                        {
                            "employer_name": employer_name,
                            "position": position,
                            "start": start,
                            "end": end,
                            "is_frontline": bool(frontline),
                        },
                    )
                )

    def _parse_honours(
        self, sheet: _Sheet, by_id: dict[str, NomineeRow], nominees_title: str
    ) -> None:
        issues = self.plan.issues
        this_year = timezone.localdate().year
        for number, values in _rows(sheet, MAX_RECORD_ROWS, issues):
            r = RowReader(sheet, number, values, issues)
            owner = self._owner(r, by_id, nominees_title)
            title = r.text("title", required=True, max_length=200)
            level = r.coded(
                "level",
                self.ref.honour_level,
                _("“%(value)s” is not one of the accepted values; see the instructions sheet."),
            )
            if level is None and not r.text("level"):
                r.error("level", _("This is required."))
            year_raw = r.text("year", required=True)
            year = None
            if year_raw:
                digits = unicodedata.normalize("NFKC", year_raw).removesuffix("年").strip()
                if digits.isdigit() and EARLIEST_YEAR <= int(digits) <= this_year:
                    year = int(digits)
                else:
                    r.error(
                        "year",
                        _("Give the year as four digits, from %(first)s to %(last)s."),
                        first=EARLIEST_YEAR,
                        last=this_year,
                    )
            awarded_by = r.text("awarded_by", max_length=200)
            if owner is None:
                continue
            owner.issues += r.count
            if r.count == 0:
                owner.honours.append(
                    HonourRow(
                        number,
                        {"title": title, "level": level, "year": year, "awarded_by": awarded_by},
                    )
                )

    # - Checks against profiles and nominations -

    def _check_against_the_data(self) -> None:
        rows = [n for n in self.plan.nominees if n.parsed_id is not None]
        index: dict[str, NomineeRow] = {}
        for n in rows:
            index.setdefault(people_selectors.id_index_of(n.id_number), n)
        people = {
            p.id_index: p
            for p in Person.objects.filter(id_index__in=list(index)).select_related(
                "employer", "union"
            )
        }
        found = [(index[key], person) for key, person in people.items()]
        person_ids = [p.pk for _row, p in found]
        nominated = set(
            Nomination.objects.filter(campaign=self.campaign, person_id__in=person_ids)
            .exclude(status=Nomination.Status.WITHDRAWN)
            .values_list("person_id", flat=True)
        )
        locked = set(
            Nomination.objects.filter(
                person_id__in=person_ids, status__in=people_rules.LOCKING_STATUSES
            ).values_list("person_id", flat=True)
        )
        periods: dict[int, set[tuple[Any, ...]]] = {}
        for w in WorkPeriod.objects.filter(person_id__in=person_ids):
            periods.setdefault(w.person_id, set()).add(
                (_norm(w.employer_name), _norm(w.position), w.start, w.end)
            )
        honours: dict[int, set[tuple[Any, ...]]] = {}
        for h in Honor.objects.filter(person_id__in=person_ids):
            honours.setdefault(h.person_id, set()).add((_norm(h.title), h.year))

        plan = self.plan
        for n, person in found:

            def refuse(message: StrOrPromise, row: NomineeRow = n, **params: Any) -> None:
                plan.issues.append(
                    Issue(plan.nominees_sheet, row.row, plan.id_header, message, params)
                )
                row.issues += 1

            if not people_rules.can_edit_person(self.user, person):
                refuse(_("This person's profile belongs to another organization."))
                continue
            n.person = person
            if n.unit is not None and not _related(person.employer, n.unit):
                refuse(
                    _(
                        "This person's profile is kept by %(employer)s, which is neither the "
                        "nominating unit nor part of it."
                    ),
                    employer=person.employer.name,
                )
            if person.pk in nominated:
                refuse(_("This person is already nominated in this campaign."))
            before = len(n.work), len(n.honours)
            n.work = [
                w
                for w in n.work
                if (
                    _norm(w.fields["employer_name"]),
                    _norm(w.fields["position"]),
                    w.fields["start"],
                    w.fields["end"],
                )
                not in periods.get(person.pk, set())
            ]
            n.honours = [
                h
                for h in n.honours
                if (_norm(h.fields["title"]), h.fields["year"]) not in honours.get(person.pk, set())
            ]
            n.skipped_work, n.skipped_honours = before[0] - len(n.work), before[1] - len(n.honours)
            if (n.work or n.honours) and person.pk in locked:
                refuse(
                    _(
                        "This person's profile is part of a submitted nomination: the work "
                        "periods and honours of this file cannot be added to it now."
                    )
                )
            n.notes.append(
                (
                    _(
                        "An existing profile is used and not changed (employer %(employer)s); "
                        "only the work periods and honours of the file are added to it."
                    ),
                    {"employer": person.employer.name},
                )
            )
            if n.skipped_work or n.skipped_honours:
                n.notes.append(
                    (
                        _(
                            "%(work)s work period(s) and %(honours)s honour(s) are already in "
                            "the profile and are not added again."
                        ),
                        {"work": n.skipped_work, "honours": n.skipped_honours},
                    )
                )


def parse_import(stream: IO[bytes], *, user: User, campaign: Campaign) -> ImportPlan:
    """Parse and validate every row of every sheet (reads only)."""
    return Parser(user=user, campaign=campaign).parse(stream)


# --- Actions --------------------------------------------------------------------------------


class ImportBlocked(DomainError):
    """Execution refused because the file (checked again) has errors; they are stored on the
    batch."""

    def __init__(self, count: int) -> None:
        super().__init__(
            "import.has_errors",
            _(
                "Nothing was imported: checking the file again found %(count)s problem(s). "
                "Correct them and upload the file again."
            )
            % {"count": count},
        )
        self.count = count


def _store(batch: NominationImport, plan: ImportPlan) -> None:
    batch.result = {**plan.result(), "created": []}
    batch.row_count = len(plan.nominees)
    batch.error_count = plan.error_count


def _require_preparer(user: User) -> None:
    if not rules.can_import_nominations(user):
        raise PermissionDenied(
            "nomination.prepare_scope", _("You may only nominate for units in your own scope.")
        )


def do_upload_import(
    *, acting_user: User, campaign_id: int, name: str, stream: IO[bytes], size: int
) -> NominationImport:
    """Check and parse an uploaded workbook and keep the result as a batch to preview.

    The file is stored (under a generated name) only when it has no errors, since only then
    can it be imported; nothing else is written. A file that is not a workbook is refused with
    a DomainError and leaves nothing behind.
    """
    _require_preparer(acting_user)
    campaign = (
        selectors.open_campaigns_for(acting_user)
        .select_related("policy_version", "issuing_org")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise DomainError(
            "nomination.recommendation_closed",
            _("Recommendation is not open in this campaign."),
        )
    sha256 = check_import_file(name, stream, size)
    plan = parse_import(stream, user=acting_user, campaign=campaign)
    batch = NominationImport(
        campaign=campaign,
        created_by=acting_user,
        original_name=PurePath(name).name.strip()[:200] or "import.xlsx",
        size=size,
        sha256=sha256,
    )
    _store(batch, plan)
    stored: str | None = None
    try:
        with transaction.atomic():
            if plan.error_count == 0:
                stream.seek(0)
                batch.file.save("import.xlsx", File(stream), save=False)
                stored = batch.file.name
            batch.save(force_insert=True)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return batch


def _lock_batch(batch_id: int, acting_user: User) -> NominationImport:
    batch = (
        NominationImport.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=batch_id)
    )
    if batch.created_by_id != acting_user.pk:
        raise PermissionDenied("import.owner", _("This import belongs to another user."))
    if batch.status == S.IMPORTED:
        raise DomainError("import.already_imported", _("This file was already imported."))
    if batch.status == S.DISCARDED:
        raise DomainError(
            "import.discarded", _("This import was discarded; upload the file again.")
        )
    return batch


def _drop_file(batch: NominationImport) -> None:
    """Forget the stored file (deleted after commit)."""
    name = batch.file.name
    if name:
        batch.file = ""
        transaction.on_commit(lambda: default_storage.delete(name))


class _RowFailed(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue.message))
        self.issue = issue


def _apply(plan: ImportPlan, acting_user: User, batch: NominationImport) -> list[dict[str, Any]]:
    """Create every nomination of the plan through the real actions. Precondition: the
    caller holds the batch, campaign and existing profile locks inside a transaction."""
    created = []
    for row in plan.nominees:
        if row.unit is None or row.parsed_id is None:
            raise RuntimeError("only a plan without errors is applied")
        try:
            person = row.person
            if person is None:
                if row.employer is None:
                    raise RuntimeError("only a plan without errors is applied")
                fields = {k: v for k, v in row.profile.items() if v not in ("", None)}
                if row.unit.kind == Organization.Kind.ENTERPRISE_UNION and row.unit.path.startswith(
                    row.employer.path
                ):
                    fields["union"] = row.unit
                person = people_actions.do_create_person(
                    acting_user=acting_user,
                    id_number=row.id_number,
                    name=row.name,
                    employer_id=row.employer.pk,
                    fields=fields,
                )
            for work in row.work:
                fields = dict(work.fields)
                if _norm(fields["employer_name"]) == _norm(person.employer.name):
                    fields["organization"] = person.employer
                people_actions.do_save_record(
                    acting_user=acting_user, person_id=person.pk, kind="work", fields=fields
                )
            for honour in row.honours:
                people_actions.do_save_record(
                    acting_user=acting_user, person_id=person.pk, kind="honor", fields=honour.fields
                )
            nomination = nomination_actions.do_start_nomination(
                acting_user=acting_user,
                campaign_id=plan.campaign.pk,
                nominating_unit_id=row.unit.pk,
            )
            nomination_actions.do_set_person(
                acting_user=acting_user, nomination_id=nomination.pk, person_id=person.pk
            )
            if row.statements:
                nomination_actions.do_save_statements(
                    acting_user=acting_user, nomination_id=nomination.pk, texts=row.statements
                )
            if any(v not in ("", None, False) for v in row.opinion.values()):
                nomination_actions.do_save_opinion(
                    acting_user=acting_user, nomination_id=nomination.pk, values=row.opinion
                )
        except DomainError as exc:
            raise _RowFailed(
                Issue(plan.nominees_sheet, row.row, plan.id_header, exc.message)
            ) from exc
        NominationEvent.objects.create(
            nomination=nomination,
            action=ACTION_IMPORTED,
            actor=acting_user,
            organization=row.unit,
            data={"import": batch.pk, "row": row.row},
        )
        created.append(
            {
                "row": row.row,
                "nomination": nomination.pk,
                "number": nomination.number,
                "name": row.name,
            }
        )
    return created


def do_execute_import(*, acting_user: User, batch_id: int) -> NominationImport:
    """Import every nomination of a checked batch, all or nothing, as drafts.

    The batch row is locked first, so a double click or a second tab waits and then finds the
    batch imported. The file is read and checked again (the data may have changed since the
    preview); any problem, or any refusal by an action, rolls back everything, is stored on
    the batch with its row, and raises ImportBlocked.
    """
    failure: ImportBlocked | None = None
    with transaction.atomic():
        batch = _lock_batch(batch_id, acting_user)
        _require_preparer(acting_user)
        if batch.error_count:
            raise DomainError(
                "import.has_errors",
                _(
                    "Correct every error and upload the file again: nothing is imported while "
                    "any row has an error."
                ),
            )
        # Lock order: the campaign (and below, the reused profiles) before the first audit
        # event takes the chain head.
        campaign = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("policy_version", "issuing_org")
            .get(pk=batch.campaign_id)
        )
        if not rules.is_recommendation_open(campaign):
            raise DomainError(
                "nomination.recommendation_closed",
                _("Recommendation is not open in this campaign."),
            )
        missing = DomainError(
            "import.file_missing", _("The uploaded file is no longer kept; upload it again.")
        )
        if not batch.file:
            raise missing
        try:
            with batch.file.open("rb") as stored:
                content = stored.read()
        except OSError as exc:
            raise missing from exc
        if hashlib.sha256(content).hexdigest() != batch.sha256:
            raise DomainError(
                "import.file_changed", _("The stored file was changed; upload it again.")
            )
        plan = parse_import(io.BytesIO(content), user=acting_user, campaign=campaign)
        if plan.error_count:
            failure = ImportBlocked(plan.error_count)
        else:
            reused = sorted(n.person.pk for n in plan.nominees if n.person is not None)
            list(Person.objects.select_for_update().filter(pk__in=reused).order_by("pk"))
            try:
                with transaction.atomic():
                    created = _apply(plan, acting_user, batch)
                    batch.status = S.IMPORTED
                    batch.executed_at = timezone.now()
                    batch.result = {**plan.result(), "created": created}
                    _drop_file(batch)
                    batch.save()
                    summary = plan.summary()
                    record_event(
                        "nomination_import.executed",
                        actor=acting_user,
                        obj=batch,
                        summary={
                            "campaign": campaign.pk,
                            "file": batch.original_name,
                            "sha256": batch.sha256,
                            "nominations": [c["nomination"] for c in created],
                            "new_profiles": summary["new_profiles"],
                            "existing_profiles": summary["existing_profiles"],
                            "work_periods": summary["work"],
                            "honours": summary["honours"],
                        },
                    )
            except _RowFailed as exc:
                plan.issues.append(exc.issue)
                failure = ImportBlocked(plan.error_count)
        if failure is not None:
            _store(batch, plan)
            _drop_file(batch)
            batch.save()
    if failure is not None:
        raise failure
    return batch


@transaction.atomic
def do_discard_import(*, acting_user: User, batch_id: int) -> NominationImport:
    """Drop a batch that was not imported; its file is deleted after commit."""
    batch = _lock_batch(batch_id, acting_user)
    batch.status = S.DISCARDED
    batch.discarded_at = timezone.now()
    _drop_file(batch)
    batch.save()
    record_event(
        "nomination_import.discarded",
        actor=acting_user,
        obj=batch,
        summary={"campaign": batch.campaign_id, "file": batch.original_name},
    )
    return batch


def imported_nominations(batch: NominationImport) -> list[dict[str, Any]]:
    """The drafts an imported batch created (row, nomination id, number, name)."""
    return list(batch.result.get("created", []))
