"""Excel workbooks for exports and import templates (openpyxl), written the safe way.

- Write-only workbooks into a temporary file: memory stays flat whatever the row count.
- Every text cell is stored as text, never as a formula, so "=HYPERLINK(...)" typed by a user
  cannot run when an officer opens the file; characters Excel refuses are dropped.
- Times are written as China Standard Time wall-clock values (Excel has no time zones).
- Personal data is the caller's business: pass masked values (jiangxin.core.masking).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
SHANGHAI = ZoneInfo("Asia/Shanghai")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"


def text_cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    text = "" if value is None else str(value)
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS])
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def time_cell(ws: WriteOnlyWorksheet, value: dt.datetime | None) -> WriteOnlyCell:
    if value is None:
        return text_cell(ws, "")
    cell = WriteOnlyCell(ws, value=value.astimezone(SHANGHAI).replace(tzinfo=None))
    cell.number_format = DATETIME_FORMAT
    return cell


def date_cell(ws: WriteOnlyWorksheet, value: dt.date | None) -> WriteOnlyCell:
    if value is None:
        return text_cell(ws, "")
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """The right kind of cell for a Python value (numbers stay numbers)."""
    if isinstance(value, dt.datetime):
        return time_cell(ws, value)
    if isinstance(value, dt.date):
        return date_cell(ws, value)
    if isinstance(value, bool) or value is None or not isinstance(value, int | float):
        return text_cell(ws, value)
    return value


class TableWorkbook:
    """A workbook of simple tables: a bold, frozen header row, then rows of values."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    def sheet(self, title: str, columns: Sequence[tuple[str, int]]) -> WriteOnlyWorksheet:
        ws = self.workbook.create_sheet(title[:31])
        for index, (_label, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        ws.append([text_cell(ws, label, bold=True) for label, _width in columns])
        return ws

    @staticmethod
    def append(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
        ws.append([cell(ws, v) for v in values])

    def save(self) -> IO[bytes]:
        file = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
        self.workbook.save(file)
        file.seek(0)
        return file


def dated_filename(stem: str, now: dt.datetime | None = None) -> str:
    """e.g. nominations-20260615-093000.xlsx (China Standard Time)."""
    local = (now or timezone.now()).astimezone(SHANGHAI)
    return f"{stem}-{local:%Y%m%d-%H%M%S}.xlsx"


def xlsx_response(file: IO[bytes], filename: str) -> FileResponse:
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
