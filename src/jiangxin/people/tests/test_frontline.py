"""Front-line months (一线生产现场工作经历) from a work history."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.people.frontline import frontline_months

D = dt.date
AS_OF = D(2026, 6, 15)


@pytest.fixture
def minimum(db) -> int:  # type: ignore[no-untyped-def]
    """The policy's minimum (data, not a constant): 60 months in the 2024 trial measures."""
    from jiangxin.programs.models import EligibilityRule

    rule = EligibilityRule.objects.get(version__code="2024-trial", kind="frontline_experience")
    return int(rule.params["min_months"])


def test_exactly_sixty_months_passes_and_one_day_less_does_not(minimum):
    assert minimum == 60
    five_years = [(D(2019, 1, 1), D(2023, 12, 31), True)]
    assert frontline_months(five_years, as_of=AS_OF) == 60 >= minimum
    one_day_less = [(D(2019, 1, 2), D(2023, 12, 31), True)]
    assert frontline_months(one_day_less, as_of=AS_OF) == 59 < minimum


def test_an_open_period_runs_to_the_as_of_date():
    periods = [(D(2021, 6, 16), None, True)]
    assert frontline_months(periods, as_of=D(2026, 6, 15)) == 60
    assert frontline_months(periods, as_of=D(2026, 6, 14)) == 59


def test_periods_are_cut_at_the_as_of_date():
    periods = [(D(2020, 1, 1), D(2030, 12, 31), True), (D(2027, 1, 1), None, True)]
    assert frontline_months(periods, as_of=D(2024, 12, 31)) == 60


def test_overlapping_jobs_count_once():
    periods = [
        (D(2010, 1, 1), D(2014, 12, 31), True),
        (D(2012, 1, 1), D(2016, 12, 31), True),  # overlaps the first by three years
        (D(2013, 1, 1), D(2013, 12, 31), True),  # inside both
    ]
    assert frontline_months(periods, as_of=AS_OF) == 84


def test_a_gap_counts_nothing():
    periods = [
        (D(2010, 1, 1), D(2011, 12, 31), True),
        # 2012 and 2013: between jobs
        (D(2014, 1, 1), D(2015, 12, 31), True),
    ]
    assert frontline_months(periods, as_of=AS_OF) == 48


def test_touching_periods_join_and_leftover_days_pool():
    joined = [(D(2020, 1, 1), D(2020, 1, 20), True), (D(2020, 1, 21), D(2020, 1, 31), True)]
    assert frontline_months(joined, as_of=AS_OF) == 1
    # Two stretches of 20 days each: 40 pooled days make one month (31 days a month).
    apart = [(D(2020, 1, 1), D(2020, 1, 20), True), (D(2020, 3, 1), D(2020, 3, 20), True)]
    assert frontline_months(apart, as_of=AS_OF) == 1


def test_only_front_line_periods_count():
    periods = [
        (D(2000, 1, 1), D(2009, 12, 31), False),  # office work
        (D(2010, 1, 1), D(2010, 12, 31), True),
        (D(2027, 1, 1), None, True),  # starts after the as-of date
    ]
    assert frontline_months(periods, as_of=AS_OF) == 12
    assert frontline_months([], as_of=AS_OF) == 0
