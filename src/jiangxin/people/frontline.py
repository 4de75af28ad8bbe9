"""Front-line months from a work history (一线生产现场工作经历).

The periods marked front-line are merged first, so overlapping jobs count once; gaps between
jobs count nothing. A period without an end runs to the reference date (the campaign's
recommendation deadline), and periods are cut at that date. Each merged stretch counts its
complete calendar months (2019-01-01 – 2023-12-31 is 60 months: the day after the end is
2024-01-01, five years after the start); the days left over from every stretch are pooled and
each full 31 of them count one more month (31, so that the
left-over days of a single stretch, at most 30, never make a month it does not have).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

DAYS_PER_POOLED_MONTH = 31


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # inclusive


def merge(spans: Iterable[Span]) -> list[Span]:
    """Union of inclusive date spans; touching spans (end + 1 day == next start) join."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end + dt.timedelta(days=1):
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def _months_and_days(span: Span) -> tuple[int, int]:
    delta = relativedelta(span.end + dt.timedelta(days=1), span.start)
    months = delta.years * 12 + delta.months
    return months, delta.days


def frontline_months(
    periods: Iterable[tuple[dt.date, dt.date | None, bool]], *, as_of: dt.date
) -> int:
    """Front-line months up to and including `as_of`.

    `periods` are (start, end or None, is_frontline) triples.
    """
    spans = []
    for start, end, is_frontline in periods:
        if not is_frontline or start > as_of:
            continue
        last = min(end or as_of, as_of)
        if last >= start:
            spans.append(Span(start, last))
    months = 0
    days = 0
    for span in merge(spans):
        m, d = _months_and_days(span)
        months += m
        days += d
    return months + days // DAYS_PER_POOLED_MONTH
