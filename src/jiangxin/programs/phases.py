"""Checks of a campaign's phase dates against the working-day calendar.

Every phase date must be a working day (a deadline on a Sunday or in the National Day week is
almost always a typing mistake), the phases must follow each other, and the public notice must
end before publication. A date in a year whose holiday schedule is not known yet cannot be
checked: it is reported as provisional, never computed as if Monday–Friday were working days.
The recommendation deadline itself must be in a known year before a campaign is deployed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiangxin.core import calendar
from jiangxin.core.calendar import CalendarUnknownError

PHASE_LABELS: dict[str, Promise] = {
    "recommendation_opens": _("Recommendation opens"),
    "recommendation_closes": _("Recommendation closes"),
    "format_check_ends": _("Format check ends"),
    "review_ends": _("Expert review ends"),
    "notice_starts": _("Public notice starts"),
    "publication_date": _("Publication"),
}


@dataclass
class PhaseCheck:
    errors: dict[str, str] = field(default_factory=dict)
    provisional: list[str] = field(default_factory=list)
    notice_ends: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


def check_phase_dates(
    dates: Mapping[str, dt.date | None], *, notice_working_days: int
) -> PhaseCheck:
    """Check the six phase dates (keys as in `Campaign.PHASE_FIELDS`)."""
    result = PhaseCheck()
    names = list(PHASE_LABELS)
    for name in names:
        if dates.get(name) is None:
            result.add(name, str(_("Enter this date.")))
    if result.errors:
        return result
    values: dict[str, dt.date] = {n: dates[n] for n in names}  # type: ignore[misc]

    for name in names:
        try:
            if not calendar.is_working_day(values[name]):
                result.add(
                    name,
                    str(
                        _("%(date)s is not a working day; the next working day is %(next)s.")
                        % {
                            "date": values[name].isoformat(),
                            "next": calendar.add_working_days(values[name], 1).isoformat(),
                        }
                    ),
                )
        except CalendarUnknownError:
            result.provisional.append(name)

    order = [
        ("recommendation_closes", "recommendation_opens", False),
        ("format_check_ends", "recommendation_closes", True),
        ("review_ends", "format_check_ends", True),
        ("notice_starts", "review_ends", True),
        ("publication_date", "notice_starts", True),
    ]
    for later, earlier, strict in order:
        if values[later] < values[earlier] or (strict and values[later] == values[earlier]):
            result.add(
                later,
                str(
                    _("%(later)s must come after %(earlier)s.")
                    % {"later": PHASE_LABELS[later], "earlier": PHASE_LABELS[earlier]}
                ),
            )

    if "notice_starts" not in result.errors and "notice_starts" not in result.provisional:
        try:
            result.notice_ends = calendar.working_period_end(
                values["notice_starts"], notice_working_days
            )
        except CalendarUnknownError:
            result.provisional.append("notice_ends")
        else:
            if values["publication_date"] <= result.notice_ends:
                result.add(
                    "publication_date",
                    str(
                        _(
                            "The public notice lasts %(n)s working days and ends on %(end)s; "
                            "publication must come after it."
                        )
                        % {"n": notice_working_days, "end": result.notice_ends.isoformat()}
                    ),
                )
    return result
