"""Phase dates against the working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.core import calendar
from jiangxin.programs.phases import check_phase_dates
from tests.factories import CAMPAIGN_DATES

pytestmark = pytest.mark.django_db


def _dates(**changes: dt.date) -> dict[str, dt.date | None]:
    return {**CAMPAIGN_DATES, **changes}


def test_the_factory_dates_pass() -> None:
    check = check_phase_dates(_dates(), notice_working_days=5)
    assert check.ok
    assert check.provisional == []
    assert check.notice_ends == calendar.working_period_end(CAMPAIGN_DATES["notice_starts"], 5)


@pytest.mark.parametrize("day", range(1, 8))
def test_a_date_in_the_national_day_week_is_refused_naming_the_next_working_day(
    day: int, english: None
) -> None:
    date = dt.date(2026, 10, day)
    check = check_phase_dates(
        _dates(
            notice_starts=dt.date(2026, 9, 14),
            publication_date=date,
        ),
        notice_working_days=5,
    )
    assert not check.ok
    message = check.errors["publication_date"]
    next_day = calendar.add_working_days(date, 1)
    assert next_day == dt.date(2026, 10, 8)
    assert f"{date.isoformat()} is not a working day" in message
    assert next_day.isoformat() in message


def test_notice_across_national_day_ends_on_the_right_working_day() -> None:
    start = dt.date(2026, 9, 28)  # Monday; 10-01..07 are the National Day holiday
    expected = calendar.working_period_end(start, 5)
    assert expected == dt.date(2026, 10, 9)  # 9-28, 9-29, 9-30, 10-08, 10-09
    check = check_phase_dates(
        _dates(
            review_ends=dt.date(2026, 9, 24),
            notice_starts=start,
            publication_date=dt.date(2026, 10, 12),
        ),
        notice_working_days=5,
    )
    assert check.ok, check.errors
    assert check.notice_ends == expected


def test_publication_inside_the_notice_is_refused(english: None) -> None:
    check = check_phase_dates(
        _dates(
            review_ends=dt.date(2026, 9, 24),
            notice_starts=dt.date(2026, 9, 28),
            publication_date=dt.date(2026, 10, 9),
        ),
        notice_working_days=5,
    )
    assert "2026-10-09" in check.errors["publication_date"]
    assert "publication must come after it" in check.errors["publication_date"]


def test_a_2027_date_is_provisional_and_not_computed() -> None:
    assert 2027 not in calendar.known_years()
    check = check_phase_dates(
        _dates(notice_starts=dt.date(2027, 1, 4), publication_date=dt.date(2027, 1, 20)),
        notice_working_days=5,
    )
    assert check.ok  # nothing refused ...
    assert check.provisional == ["notice_starts", "publication_date"]  # ... but flagged
    assert check.notice_ends is None  # never computed as if Monday–Friday were working days


def test_a_2027_notice_start_flags_the_notice_end_as_provisional() -> None:
    # The notice starts in a known year but runs into the unknown one.
    check = check_phase_dates(
        _dates(notice_starts=dt.date(2026, 12, 28), publication_date=dt.date(2027, 1, 20)),
        notice_working_days=5,
    )
    assert check.ok
    assert "notice_ends" in check.provisional
    assert check.notice_ends is None


def test_phases_out_of_order_are_refused(english: None) -> None:
    check = check_phase_dates(
        _dates(format_check_ends=CAMPAIGN_DATES["recommendation_closes"]), notice_working_days=5
    )
    assert "must come after" in check.errors["format_check_ends"]


def test_a_missing_date_is_refused(english: None) -> None:
    check = check_phase_dates(_dates(review_ends=None), notice_working_days=5)  # type: ignore[arg-type]
    assert check.errors == {"review_ends": "Enter this date."}
