"""Input parsing for the core pages (the working-day calendar)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiangxin.core.actions import CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR
from jiangxin.core.forms_base import JiangxinForm
from jiangxin.core.models import CalendarDay

HOLIDAY = CalendarDay.Kind.HOLIDAY.value
WORKDAY = CalendarDay.Kind.WORKDAY.value

#: Accepted spellings of the kind column (English, and the words printed in the notices).
KIND_WORDS: dict[str, str] = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "放假": HOLIDAY,
    "workday": WORKDAY,
    "班": WORKDAY,
    "上班": WORKDAY,
}

_SEPARATORS = re.compile(r"[\s,，、;；]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")

ParsedDay = tuple[dt.date, str, str]


def format_days(days: list[ParsedDay]) -> str:
    """The textarea form of a list of days (the inverse of parsing)."""
    return "\n".join(f"{d.isoformat()} {kind} {name}".rstrip() for d, kind, name in sorted(days))


def parse_day_lines(text: str, year: int | None) -> tuple[list[ParsedDay], list[str]]:
    """Parse ``YYYY-MM-DD holiday|workday [name]`` lines; return (days, one message per error).

    Blank lines and lines starting with ``#`` are ignored. When `year` is given, every date
    must fall in it.
    """
    days: list[ParsedDay] = []
    errors: list[str] = []
    first_line_of: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = _SEPARATORS.split(line, maxsplit=2)
        if len(parts) < 2:
            errors.append(
                str(
                    _(
                        "Line %(n)s: write a date, then holiday or workday, then the festival "
                        "name, e.g. 2027-02-06 holiday 春节."
                    )
                    % {"n": number}
                )
            )
            continue
        date_text, kind_text = parts[0], parts[1]
        name = parts[2].strip() if len(parts) > 2 else ""
        match = _DATE.fullmatch(date_text)
        day: dt.date | None = None
        if match:
            try:
                day = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                day = None
        if day is None:
            errors.append(
                str(
                    _("Line %(n)s: “%(value)s” is not a date (write it as YYYY-MM-DD).")
                    % {"n": number, "value": date_text}
                )
            )
            continue
        kind = KIND_WORDS.get(kind_text.lower())
        if kind is None:
            errors.append(
                str(
                    _("Line %(n)s: “%(value)s” must be holiday or workday.")
                    % {"n": number, "value": kind_text}
                )
            )
            continue
        if len(name) > 50:
            errors.append(
                str(
                    _("Line %(n)s: the festival name is longer than 50 characters.") % {"n": number}
                )
            )
            continue
        if year is not None and day.year != year:
            errors.append(
                str(
                    _("Line %(n)s: %(date)s is not in %(year)s.")
                    % {"n": number, "date": day.isoformat(), "year": year}
                )
            )
            continue
        if kind == WORKDAY and day.weekday() < 5:
            errors.append(
                str(
                    _(
                        "Line %(n)s: %(date)s is a Monday to Friday; a make-up workday is "
                        "always a Saturday or Sunday."
                    )
                    % {"n": number, "date": day.isoformat()}
                )
            )
            continue
        if day in first_line_of:
            errors.append(
                str(
                    _("Line %(n)s: %(date)s is already listed on line %(other)s.")
                    % {"n": number, "date": day.isoformat(), "other": first_line_of[day]}
                )
            )
            continue
        first_line_of[day] = number
        days.append((day, kind, name))
    return days, errors


class CalendarYearForm(JiangxinForm):
    """An announced year: the notice it comes from and its holidays and make-up workdays."""

    year = forms.IntegerField(
        label=_("Year"), min_value=CALENDAR_MIN_YEAR, max_value=CALENDAR_MAX_YEAR
    )
    source = forms.CharField(
        label=_("Source document"),
        max_length=255,
        help_text=_("The State Council notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知."),
    )
    days = forms.CharField(
        label=_("Holidays and make-up workdays"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_(
            "One day per line: the date, holiday or workday, and the festival name. For "
            "example “2027-02-06 holiday 春节” or “2027-02-20 workday 春节调休”. Monday to "
            "Friday are working days unless listed as holiday; Saturday and Sunday are days off "
            "unless listed as workday."
        ),
    )

    def __init__(self, *args: Any, fixed_year: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_year is not None:
            self.fields["year"].initial = fixed_year
            self.fields["year"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = cleaned.get("days")
        if text is None:
            return cleaned
        days, errors = parse_day_lines(text, cleaned.get("year"))
        if errors:
            self.add_error("days", [ValidationError(e, code="line") for e in errors])
        elif not any(kind == HOLIDAY for _d, kind, _n in days):
            self.add_error("days", _("List at least one holiday."))
        else:
            cleaned["parsed_days"] = days
        return cleaned
