"""The scoped nomination list as an Excel workbook (personal data masked)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _

from jiangxin.core.excel import TableWorkbook, dated_filename, xlsx_response
from jiangxin.core.masking import mask_id_number
from jiangxin.nominations.models import Nomination

MAX_ROWS = 20_000


def nominations_workbook_response(qs: QuerySet[Nomination]) -> FileResponse:
    book = TableWorkbook()
    ws = book.sheet(
        _("Nominations"),
        [
            (_("Number"), 18),
            (_("Name"), 12),
            (_("Gender"), 6),
            (_("ID number"), 22),
            (_("Nominating unit"), 30),
            (_("Employer"), 30),
            (_("Occupation / type of work"), 16),
            (_("Skill level"), 18),
            (_("Campaign"), 30),
            (_("Status"), 16),
            (_("With"), 24),
            (_("Submitted at"), 20),
            (_("Updated"), 20),
        ],
    )
    rows = qs.select_related(
        "person__employer", "person__skill_level", "nominating_unit", "campaign", "current_level"
    )[:MAX_ROWS]
    for n in rows:
        p = n.person
        book.append(
            ws,
            [
                n.number,
                p.name if p else "",
                p.get_gender_display() if p else "",
                mask_id_number(p.id_number) if p else "",
                n.nominating_unit.display_name,
                p.employer.display_name if p else "",
                p.occupation if p else "",
                p.skill_level.name if p and p.skill_level else "",
                n.campaign.name,
                n.get_status_display(),
                n.current_level.display_name if n.current_level else "",
                n.submitted_at,
                n.updated_at,
            ],
        )
    return xlsx_response(book.save(), dated_filename("nominations"))
