"""Working days in China: the State Council's holiday schedule, never a bare Monday–Friday.

Where the schedule of a year comes from, in order:

1. an officer-entered `CalendarYear` row (with its `CalendarDay` rows) — a newly announced
   year, or a correction of a packaged one; weekdays are working days except its "holiday"
   rows, and its "workday" rows (调休上班) make weekend days working days;
2. the `chinesecalendar` package, which ships the announced schedules it knows (2004–2026 in
   the pinned release);
3. otherwise the year is unknown and every function raises `CalendarUnknownError`: a deadline
   beyond the known schedule must be refused or flagged, not silently computed.

Each public function loads a year's data at most once per call. Nothing is cached across calls:
the table can change at any time and every process must see the same answer.

Conventions (one for the whole project):

- ``add_working_days(start, n)`` counts *after* `start`: ``n == 1`` is the next working day,
  whether or not `start` is one; ``n == 0`` returns `start`; a negative `n` counts backwards.
- ``working_period_end(first_day, n)`` is for periods that *include* their first day, such as a
  public notice that "starts on a working day and lasts N working days".
- ``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b``, so that
  ``working_days_between(a, add_working_days(a, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.utils.translation import gettext_lazy as _

from jiangxin.core.errors import DomainError
from jiangxin.core.models import CalendarDay, CalendarYear

HOLIDAY = CalendarDay.Kind.HOLIDAY.value
WORKDAY = CalendarDay.Kind.WORKDAY.value

#: Longest run of consecutive non-working days we accept before declaring the data broken.
#: The longest real one is the Spring Festival break (9 days in 2026); this only stops a loop
#: over a corrupt table.
_MAX_GAP_DAYS = 60


class CalendarUnknownError(DomainError):
    """The holiday schedule of `year` has not been announced or entered yet."""

    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar.unknown_year",
            _(
                "The State Council holiday schedule for %(year)s is not known yet, so working "
                "days in %(year)s cannot be counted. An officer must enter the announced "
                "schedule on the working-day calendar page."
            )
            % {"year": year},
        )
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    """The days of one year that differ from Monday–Friday, and where that data came from."""

    year: int
    source: str  # "table" or "package"
    holidays: dict[dt.date, str]
    workdays: dict[dt.date, str]

    def is_working_day(self, d: dt.date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays


@functools.cache
def package_years() -> range:
    """The years the installed `chinesecalendar` release knows (static data, cached)."""
    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def entered_years() -> list[int]:
    """Years with an officer-entered schedule, ascending."""
    return sorted(CalendarYear.objects.values_list("year", flat=True))


def known_years() -> list[int]:
    """Every year whose working days can be counted (packaged or entered), ascending."""
    return sorted(set(package_years()) | set(entered_years()))


def _holiday_label(value: str) -> str:
    """The Chinese festival name for a `chinesecalendar` value ("Spring Festival" → 春节)."""
    try:
        return str(Holiday(value).chinese)
    except ValueError:
        return value


def load_year(year: int) -> YearSchedule:
    """Load one year's schedule from the table, else the package; raise if neither has it."""
    row = CalendarYear.objects.filter(year=year).first()
    if row is not None:
        holidays: dict[dt.date, str] = {}
        workdays: dict[dt.date, str] = {}
        for day in CalendarDay.objects.filter(calendar_year=row).only("date", "kind", "name"):
            (workdays if day.kind == WORKDAY else holidays)[day.date] = day.name
        return YearSchedule(year, "table", holidays, workdays)
    if year in package_years():
        return YearSchedule(
            year,
            "package",
            {d: _holiday_label(v) for d, v in chinese_calendar.holidays.items() if d.year == year},
            {d: _holiday_label(v) for d, v in chinese_calendar.workdays.items() if d.year == year},
        )
    raise CalendarUnknownError(year)


class _Schedules:
    """Per-call cache of year schedules (never shared between calls)."""

    def __init__(self) -> None:
        self._years: dict[int, YearSchedule] = {}

    def is_working_day(self, d: dt.date) -> bool:
        schedule = self._years.get(d.year)
        if schedule is None:
            schedule = self._years[d.year] = load_year(d.year)
        return schedule.is_working_day(d)


def _as_date(d: dt.date) -> dt.date:
    # A datetime is a date subclass; comparing it with dates in the tables would fail quietly.
    return d.date() if isinstance(d, dt.datetime) else d


def is_working_day(d: dt.date) -> bool:
    """Whether `d` is a working day under the schedule of its year."""
    return _Schedules().is_working_day(_as_date(d))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The `n`-th working day after `start` (`start` itself never counts).

    ``n == 0`` returns `start` unchanged; a negative `n` gives the `|n|`-th working day before
    `start`. Raises `CalendarUnknownError` when the count reaches a year nobody has entered.
    """
    schedules = _Schedules()
    current = _as_date(start)
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    gap = 0
    while remaining:
        current += step
        if schedules.is_working_day(current):
            remaining -= 1
            gap = 0
        else:
            gap += 1
            if gap > _MAX_GAP_DAYS:
                raise DomainError(
                    "calendar.no_working_days",
                    _("The calendar has no working day for more than %(days)s days after %(date)s.")
                    % {"days": _MAX_GAP_DAYS, "date": current.isoformat()},
                )
    return current


def working_period_end(first_day: dt.date, n: int) -> dt.date:
    """The last day of a period of `n` working days whose first day is `first_day`.

    Precondition: `first_day` is a working day (else DomainError "calendar.not_working_day")
    and ``n >= 1``. A five-working-day public notice starting Monday 2025-09-29 ends on
    Saturday 2025-10-11 (a make-up workday): 29, 30 September, then 9, 10, 11 October.
    """
    first_day = _as_date(first_day)
    if n < 1:
        raise ValueError("A working period lasts at least one working day.")
    schedules = _Schedules()
    if not schedules.is_working_day(first_day):
        raise DomainError(
            "calendar.not_working_day",
            _("%(date)s is not a working day; a period of working days must start on one.")
            % {"date": first_day.isoformat()},
        )
    return add_working_days(first_day, n - 1)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """The number of working days ``d`` with ``a < d <= b``.

    When `b` is before `a` the answer is minus the count for ``b < d <= a``.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    schedules = _Schedules()
    count = 0
    current = a
    one = dt.timedelta(days=1)
    while current < b:
        current += one
        if schedules.is_working_day(current):
            count += 1
    return count
