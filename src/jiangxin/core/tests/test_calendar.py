"""The working-day calendar: package years, entered years, unknown years, and the action."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiangxin.core import calendar
from jiangxin.core.actions import do_enter_calendar_year
from jiangxin.core.calendar import (
    CalendarUnknownError,
    add_working_days,
    is_working_day,
    known_years,
    working_days_between,
    working_period_end,
)
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent, CalendarDay, CalendarYear

D = dt.date

# A plausible (invented) 2027 schedule: New Year, a Spring Festival week and one make-up Saturday.
SCHEDULE_2027 = [
    (D(2027, 1, 1), "holiday", "元旦"),
    *[(D(2027, 2, day), "holiday", "春节") for day in range(5, 12)],
    (D(2027, 2, 20), "workday", "春节调休"),
]


def oracle_add(start: dt.date, n: int) -> dt.date:
    """Independent n-th working day after `start`, straight from chinesecalendar."""
    d = start
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


pytestmark = pytest.mark.django_db


class TestPackageYears:
    def test_national_day_2025(self) -> None:
        # 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up workdays.
        assert is_working_day(D(2025, 9, 28))
        assert not any(is_working_day(D(2025, 10, d)) for d in range(1, 9))
        assert is_working_day(D(2025, 10, 11))
        assert not is_working_day(D(2025, 10, 12))
        assert add_working_days(D(2025, 9, 29), 1) == D(2025, 9, 30)
        assert add_working_days(D(2025, 9, 29), 2) == D(2025, 10, 9)
        assert add_working_days(D(2025, 9, 29), 4) == D(2025, 10, 11)
        assert add_working_days(D(2025, 9, 29), 5) == D(2025, 10, 13)
        # A five-working-day notice from Monday 29 September: 29, 30, 9, 10, 11 October.
        assert working_period_end(D(2025, 9, 29), 5) == D(2025, 10, 11)
        assert working_days_between(D(2025, 9, 29), D(2025, 10, 11)) == 4

    def test_agrees_with_chinesecalendar_for_every_day_of_2025(self) -> None:
        day = D(2025, 1, 1)
        while day.year == 2025:
            assert is_working_day(day) == chinese_calendar.is_workday(day), day
            day += dt.timedelta(days=1)

    def test_spring_festival_2026(self) -> None:
        # Feb 15–23 off; Saturdays Feb 14 and Feb 28 are make-up workdays.
        assert is_working_day(D(2026, 2, 14))
        assert not is_working_day(D(2026, 2, 16))
        assert not is_working_day(D(2026, 2, 23))
        assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
        assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
        assert working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6
        assert add_working_days(D(2026, 2, 12), 5) == oracle_add(D(2026, 2, 12), 5)

    def test_start_does_not_count_and_zero_is_identity(self) -> None:
        saturday = D(2025, 10, 4)  # inside the National Day break
        assert add_working_days(saturday, 0) == saturday
        assert add_working_days(saturday, 1) == D(2025, 10, 9)
        assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)

    def test_working_period_must_start_on_a_working_day(self) -> None:
        with pytest.raises(DomainError) as info:
            working_period_end(D(2025, 10, 1), 5)
        assert info.value.rule == "calendar.not_working_day"
        assert working_period_end(D(2025, 9, 30), 1) == D(2025, 9, 30)
        with pytest.raises(ValueError):
            working_period_end(D(2025, 9, 30), 0)

    def test_between_is_antisymmetric_and_zero_on_same_day(self) -> None:
        a, b = D(2025, 9, 20), D(2025, 10, 20)
        assert working_days_between(a, a) == 0
        assert working_days_between(b, a) == -working_days_between(a, b)

    def test_datetime_is_treated_as_its_date(self) -> None:
        assert not is_working_day(dt.datetime(2025, 10, 1, 9, 0))

    def test_one_query_per_package_year_touched(self, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
        with django_assert_num_queries(2):  # 2025 and 2026: one table look-up each
            add_working_days(D(2025, 12, 1), 40)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31)),
        n=st.integers(min_value=0, max_value=30),
    )
    def test_matches_chinesecalendar_and_inverse(self, start: dt.date, n: int) -> None:
        end = add_working_days(start, n)
        assert end == oracle_add(start, n)
        assert working_days_between(start, end) == n


class TestUnknownYears:
    def test_2027_is_refused_not_guessed(self) -> None:
        with pytest.raises(CalendarUnknownError) as info:
            is_working_day(D(2027, 1, 4))
        err = info.value
        assert isinstance(err, DomainError)
        assert err.rule == "calendar.unknown_year"
        assert err.year == 2027
        assert "2027" in str(err)

    def test_counting_into_an_unknown_year_raises(self) -> None:
        with pytest.raises(CalendarUnknownError):
            add_working_days(D(2026, 12, 28), 10)
        with pytest.raises(CalendarUnknownError):
            working_days_between(D(2026, 12, 1), D(2027, 1, 10))

    def test_known_years(self) -> None:
        years = known_years()
        assert years[0] == 2004
        assert years[-1] == 2026
        assert years == list(range(2004, 2027))


class TestEnteredYears:
    def test_entered_2027_is_used(self) -> None:
        do_enter_calendar_year(
            acting_user=None, year=2027, source="国办发明电〔2026〕1号", days=SCHEDULE_2027
        )
        assert 2027 in known_years()
        assert not is_working_day(D(2027, 1, 1))
        assert is_working_day(D(2027, 1, 4))
        assert not is_working_day(D(2027, 2, 8))  # Monday in the Spring Festival break
        assert is_working_day(D(2027, 2, 20))  # make-up Saturday
        assert not is_working_day(D(2027, 2, 13))  # ordinary Saturday
        assert add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 12)
        # Counting across the year boundary uses the package for 2026 and the table for 2027.
        assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)

    def test_table_overrides_package(self) -> None:
        # A (deliberately odd) correction of 2026 keeping only New Year's Day.
        do_enter_calendar_year(
            acting_user=None,
            year=2026,
            source="correction",
            days=[(D(2026, 1, 1), "holiday", "元旦")],
        )
        assert not is_working_day(D(2026, 1, 1))
        assert is_working_day(D(2026, 1, 2))  # a holiday in the package
        assert is_working_day(D(2026, 2, 16))  # a holiday in the package
        assert not is_working_day(D(2026, 2, 14))  # a make-up workday in the package
        assert calendar.load_year(2026).source == "table"
        assert calendar.load_year(2025).source == "package"

    def test_entered_year_costs_two_queries_per_call(self, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
        do_enter_calendar_year(acting_user=None, year=2027, source="s", days=SCHEDULE_2027)
        with django_assert_num_queries(2):
            add_working_days(D(2027, 1, 4), 100)

    def test_changes_are_seen_by_the_next_call(self) -> None:
        do_enter_calendar_year(acting_user=None, year=2027, source="s", days=SCHEDULE_2027)
        assert is_working_day(D(2027, 3, 1))
        do_enter_calendar_year(
            acting_user=None,
            year=2027,
            source="s2",
            days=[*SCHEDULE_2027, (D(2027, 3, 1), "holiday", "test")],
        )
        assert not is_working_day(D(2027, 3, 1))


class TestEnterCalendarYearAction:
    def test_replaces_days_and_audits(self, world) -> None:  # type: ignore[no-untyped-def]
        officer = world.users["program_officer"]
        do_enter_calendar_year(acting_user=officer, year=2027, source="v1", days=SCHEDULE_2027)
        row = do_enter_calendar_year(
            acting_user=officer,
            year=2027,
            source="v2",
            days=[(D(2027, 1, 1), "holiday", "元旦")],
        )
        assert CalendarYear.objects.get(year=2027).source == "v2"
        assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
        assert row.entered_by == officer
        events = AuditEvent.objects.filter(action="calendar.year_entered").order_by("id")
        assert events.count() == 2
        last = events.last()
        assert last is not None
        assert last.actor_id == officer.pk
        assert last.object_id == "2027"
        assert last.summary["before"] == {"source": "v1", "holidays": 8, "workdays": 1}
        assert last.summary["after"] == {"source": "v2", "holidays": 1, "workdays": 0}

    def test_refuses_officers_without_the_right(self, world) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PermissionDenied) as info:
            do_enter_calendar_year(
                acting_user=world.users["hebei_officer"], year=2027, source="s", days=SCHEDULE_2027
            )
        assert info.value.rule == "calendar.manage"
        assert not CalendarYear.objects.exists()

    @pytest.mark.parametrize(
        ("days", "rule"),
        [
            ([(D(2028, 1, 1), "holiday", "")], "calendar.date_outside_year"),
            ([(D(2027, 1, 1), "off", "")], "calendar.bad_kind"),
            (
                [(D(2027, 1, 1), "holiday", ""), (D(2027, 1, 1), "holiday", "")],
                "calendar.duplicate_date",
            ),
        ],
    )
    def test_validates_every_day(self, days: list, rule: str) -> None:  # type: ignore[type-arg]
        with pytest.raises(DomainError) as info:
            do_enter_calendar_year(acting_user=None, year=2027, source="s", days=days)
        assert info.value.rule == rule
        assert not CalendarYear.objects.exists()

    def test_nothing_half_applied_on_error(self) -> None:
        do_enter_calendar_year(acting_user=None, year=2027, source="v1", days=SCHEDULE_2027)
        with pytest.raises(DomainError):
            do_enter_calendar_year(
                acting_user=None, year=2027, source="v2", days=[(D(2028, 1, 1), "holiday", "")]
            )
        assert CalendarYear.objects.get(year=2027).source == "v1"
        assert CalendarDay.objects.count() == len(SCHEDULE_2027)

    def test_requires_source_and_sane_year(self) -> None:
        with pytest.raises(DomainError) as info:
            do_enter_calendar_year(acting_user=None, year=2027, source="  ", days=SCHEDULE_2027)
        assert info.value.rule == "calendar.source_required"
        with pytest.raises(DomainError) as info:
            do_enter_calendar_year(acting_user=None, year=1999, source="s", days=[])
        assert info.value.rule == "calendar.year_out_of_range"
