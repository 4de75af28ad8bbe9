"""The audit log as an Excel workbook, for the audit administrator.

The workbook is built with openpyxl's write-only mode into a temporary file, so memory stays
flat whatever the row count; at most `MAX_EXPORT_ROWS` rows are written, and the "About this
export" sheet says when the filters matched more. Every text cell is written as text (never
as a formula), so a value such as "=HYPERLINK(...)" typed by a user cannot run in Excel.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jiangxin.core.audit_selectors import SHANGHAI
from jiangxin.core.models import AuditEvent

MAX_EXPORT_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
_CHUNK_SIZE = 2000
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass
class AuditExport:
    """A finished workbook: an open temporary file positioned at its start."""

    file: IO[bytes]
    rows: int
    total: int
    truncated: bool


def export_filename(now: dt.datetime | None = None) -> str:
    """A dated file name, e.g. audit-log-20240501-093000.xlsx (Asia/Shanghai time)."""
    local = (now or timezone.now()).astimezone(SHANGHAI)
    return f"audit-log-{local:%Y%m%d-%H%M%S}.xlsx"


def _text(ws: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _local_time(ws: WriteOnlyWorksheet, value: dt.datetime) -> WriteOnlyCell:
    # Excel has no time zones: write the China Standard Time wall clock, as on the pages.
    cell = WriteOnlyCell(ws, value=value.astimezone(SHANGHAI).replace(tzinfo=None))
    cell.number_format = _DATETIME_FORMAT
    return cell


def _columns() -> list[tuple[str, int]]:
    return [
        (_("ID"), 10),
        (_("Time (China Standard Time)"), 20),
        (_("Actor"), 16),
        (_("Acting organization"), 28),
        (_("Action"), 24),
        (_("Outcome"), 10),
        (_("Object type"), 20),
        (_("Object ID"), 10),
        (_("Object"), 30),
        (_("IP address"), 16),
        (_("User agent"), 30),
        (_("Before/after summary"), 60),
        (_("Previous hash"), 20),
        (_("Hash"), 20),
    ]


def _event_row(ws: WriteOnlyWorksheet, event: AuditEvent) -> list[Any]:
    org = event.acting_org
    summary = json.dumps(event.summary, ensure_ascii=False, sort_keys=True, default=str)
    return [
        event.pk,
        _local_time(ws, event.occurred_at),
        _text(ws, event.actor_label),
        _text(ws, org.display_name if org is not None else ""),
        _text(ws, event.action),
        _text(ws, str(event.get_outcome_display())),
        _text(ws, event.object_type),
        _text(ws, event.object_id),
        _text(ws, event.object_repr),
        _text(ws, event.ip or ""),
        _text(ws, event.user_agent),
        _text(ws, summary),
        _text(ws, event.prev_hash),
        _text(ws, event.hash),
    ]


def build_audit_workbook(
    events: QuerySet[AuditEvent],
    *,
    filter_lines: Sequence[tuple[str, str]] = (),
    generated_by: str = "",
    limit: int | None = None,
) -> AuditExport:
    """Write `events` (already scoped, filtered and ordered) to an .xlsx temporary file.

    Header and notes are in the active language. `filter_lines` are (label, value) pairs
    describing the filters, listed on the "About this export" sheet. At most `limit`
    (default `MAX_EXPORT_ROWS`) rows are written, newest first as `events` is ordered.
    """
    limit = MAX_EXPORT_ROWS if limit is None else limit
    total = events.count()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit log")[:31])
    columns = _columns()
    for index, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([_text(ws, label, bold=True) for label, _width in columns])

    rows = 0
    truncated = False
    for event in events[: limit + 1].iterator(chunk_size=_CHUNK_SIZE):
        if rows == limit:
            truncated = True
            break
        ws.append(_event_row(ws, event))
        rows += 1

    notes = wb.create_sheet(_("About this export")[:31])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 80
    now = timezone.now()
    lines: list[tuple[str, Any]] = [
        (_("Generated at"), _local_time(notes, now)),
        (_("Generated by"), _text(notes, generated_by)),
        (_("Events exported"), rows),
        (_("Events matching the filters"), max(total, rows)),
    ]
    for label, value in filter_lines:
        lines.append((_("Filter: %(label)s") % {"label": label}, _text(notes, value)))
    if not filter_lines:
        lines.append((_("Filters"), _text(notes, _("none (the whole log)"))))
    for label, value in lines:
        notes.append([_text(notes, label, bold=True), value])
    if truncated:
        notes.append([])
        notes.append(
            [
                _text(notes, _("Truncated"), bold=True),
                _text(notes, truncation_message(limit, max(total, rows))),
            ]
        )

    file = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    wb.save(file)
    file.seek(0)
    return AuditExport(file=file, rows=rows, total=max(total, rows), truncated=truncated)


def truncation_message(limit: int, total: int) -> str:
    return _(
        "Only the newest %(limit)s of %(total)s matching events were exported. "
        "Narrow the filters (for example the dates) and export the rest separately."
    ) % {"limit": f"{limit:,}", "total": f"{total:,}"}
