"""Totals, per-expert normalization and the ranking of the online review (网审).

Everything here is a pure function of the submitted score sheets, so a recompute gives the same
numbers to the last digit (values are rounded to 4 decimals at the end, never in between; the
sheets are put in one fixed order first, so the order they are read in changes nothing).

- **Raw total** of a sheet: Σ weight × score over the policy's dimensions (with the shipped
  policy: five scores of 0–20, weight 1, so 0–100).
- **z-score normalization**: an expert's totals are centred on that expert's mean and divided
  by their standard deviation (population), then put back on the scale of the whole review:
  ``adjusted = M + S × (t − mean_e) / sd_e``, where M and S are the mean and standard deviation
  of all submitted totals. A strict expert's 70 and a lenient expert's 90 that are each their
  expert's average both become M. An expert with fewer than 2 sheets, or whose totals are all
  equal, cannot be calibrated: their totals are shifted by the difference of means only
  (``t − mean_e + M``; with one sheet, M).
- **Robust alternative** (median / MAD): the same with each expert's median and median absolute
  deviation scaled by 1.4826 (the MAD of a normal distribution equals 0.6745 σ), against the
  review's median and scaled MAD. One wild score moves it much less than the z-score. An
  expert whose MAD is 0 (one sheet, or at least half of their totals equal) is shifted by the
  difference of medians only.
- A nomination's value under each method is the mean over its experts; its **spread** is the
  range (max − min) of its experts' raw totals, flagged as a **disagreement** when it reaches
  `DISAGREEMENT_SHARE` of the total's range (20 of 100 points), so the panel discusses it first.
- **Ranking** by the z-score value (then the raw mean, then the nomination number, so it is
  total and stable); each method also has its own rank, in the same way (its value, then the
  raw mean, then the number). Values that are equal when shown to 2 decimals are a **tie**;
  neighbours less than `NEAR_TIE_POINTS` apart are a **near tie**; both are shown as such,
  never hidden by the order.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime as dt

    from jiangxin.programs.models import Campaign

DISAGREEMENT_SHARE = 0.20
NEAR_TIE_POINTS = 0.5
MAD_SCALE = 1.4826
METHODS = ("raw", "z", "robust")
#: The method the ranking (and the panel's shortlist) follows.
PRIMARY_METHOD = "z"


#: The module docstring for readers of the pages and exports, paragraph by paragraph.
METHOD_NOTES = (
    _(
        "All figures are computed from the submitted score sheets only, so computing them "
        "again gives the same numbers (values are rounded to 4 decimals at the end, never in "
        "between)."
    ),
    _(
        "Raw total of a sheet: the sum of weight × score over the policy's dimensions (with "
        "the shipped policy: five scores of 0–20, weight 1, so 0–100)."
    ),
    _(
        "z-score normalization: each expert's totals are centred on that expert's mean and "
        "divided by their standard deviation, then put back on the scale of the whole review: "
        "adjusted = M + S × (total − expert's mean) / expert's standard deviation, where M and "
        "S are the mean and standard deviation of all submitted totals. A strict expert's 70 "
        "and a lenient expert's 90 that are each their expert's average both become M. An "
        "expert with fewer than 2 sheets, or whose totals are all equal, cannot be calibrated: "
        "their totals are only shifted by the difference of the means."
    ),
    _(
        "Robust alternative (median and MAD): the same with each expert's median and median "
        "absolute deviation (scaled by 1.4826, so that it matches the standard deviation of "
        "normally distributed scores), against the median and scaled MAD of all totals. One "
        "wild score moves it much less than the z-score. An expert whose MAD is 0 is only "
        "shifted by the difference of the medians."
    ),
    _(
        "A nomination's value under each method is the mean over its experts. Its spread is "
        "the range (highest minus lowest) of its experts' raw totals; a spread of at least "
        "a fifth of the total's range (20 of 100 points) is flagged as a disagreement, so "
        "that the panel discusses it first."
    ),
    _(
        "Ranking: by the z-score value, then the raw mean, then the nomination number. Each "
        "method also has its own rank. Values equal when shown to 2 decimals are marked as a "
        "tie; neighbours less than 0.5 points apart as a near tie."
    ),
)


@dataclass(frozen=True)
class SheetScores:
    """One submitted sheet: who scored whom, and the score per dimension id."""

    expert_id: int
    nomination_id: int
    scores: Mapping[int, int]


@dataclass(frozen=True)
class DimensionSpec:
    id: int
    weight: float
    score_min: int
    score_max: int


@dataclass
class NominationResult:
    nomination_id: int
    experts: int
    raw: float
    z: float
    robust: float
    spread: float
    disagreement: bool
    by_dimension: dict[int, float] = field(default_factory=dict)
    #: Rank, tie and near tie under the primary method (z).
    rank: int = 0
    tie: bool = False
    near_tie: bool = False
    #: The same under each method ("raw", "z", "robust").
    ranks: dict[str, int] = field(default_factory=dict)
    ties: dict[str, bool] = field(default_factory=dict)
    near_ties: dict[str, bool] = field(default_factory=dict)

    def value(self, method: str) -> float:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        value: float = getattr(self, method)
        return value


def sheet_total(scores: Mapping[int, int], dimensions: Sequence[DimensionSpec]) -> float:
    return sum(d.weight * scores[d.id] for d in dimensions if d.id in scores)


def total_range(dimensions: Sequence[DimensionSpec]) -> float:
    return sum(d.weight * (d.score_max - d.score_min) for d in dimensions)


def shown(value: float) -> Decimal:
    """`value` as the pages and exports show it: 2 decimals, halves rounded up (as Django's
    ``floatformat``), so a tie is exactly what the reader sees as equal numbers."""
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _mad(values: Sequence[float]) -> float:
    centre = statistics.median(values)
    return MAD_SCALE * statistics.median([abs(v - centre) for v in values])


def _calibrate(
    totals_by_expert: Mapping[int, list[float]], centre: float, scale: float, *, robust: bool
) -> dict[int, list[float]]:
    """Each expert's totals put on the common scale (see the module docstring)."""
    out: dict[int, list[float]] = {}
    for expert, totals in totals_by_expert.items():
        if robust:
            own_centre = statistics.median(totals)
            own_scale = _mad(totals) if len(totals) >= 2 else 0.0
        else:
            own_centre = statistics.fmean(totals)
            own_scale = statistics.pstdev(totals) if len(totals) >= 2 else 0.0
        if own_scale > 0 and scale > 0:
            out[expert] = [centre + scale * (t - own_centre) / own_scale for t in totals]
        else:
            out[expert] = [t - own_centre + centre for t in totals]
    return out


def compute(
    sheets: Iterable[SheetScores],
    dimensions: Sequence[DimensionSpec],
    *,
    numbers: Mapping[int, str] | None = None,
) -> list[NominationResult]:
    """The results of every nomination with at least one sheet, ranked."""
    sheets = sorted(sheets, key=lambda s: (s.expert_id, s.nomination_id))
    if not sheets:
        return []
    totals = [sheet_total(s.scores, dimensions) for s in sheets]
    by_expert: dict[int, list[float]] = defaultdict(list)
    for sheet, total in zip(sheets, totals, strict=True):
        by_expert[sheet.expert_id].append(total)
    mean, sd = statistics.fmean(totals), statistics.pstdev(totals)
    median, mad = statistics.median(totals), (_mad(totals) if len(totals) >= 2 else 0.0)
    z_by_expert = _calibrate(by_expert, mean, sd, robust=False)
    robust_by_expert = _calibrate(by_expert, median, mad, robust=True)

    # Walk the sheets again in the same order to pair each with its calibrated totals.
    position: dict[int, int] = defaultdict(int)
    per_nomination: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    dims_by_nomination: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sheet, total in zip(sheets, totals, strict=True):
        i = position[sheet.expert_id]
        position[sheet.expert_id] += 1
        bucket = per_nomination[sheet.nomination_id]
        bucket["raw"].append(total)
        bucket["z"].append(z_by_expert[sheet.expert_id][i])
        bucket["robust"].append(robust_by_expert[sheet.expert_id][i])
        for dim_id, value in sheet.scores.items():
            dims_by_nomination[sheet.nomination_id][dim_id].append(value)

    threshold = DISAGREEMENT_SHARE * total_range(dimensions)
    results = []
    for nomination_id, values in per_nomination.items():
        spread = max(values["raw"]) - min(values["raw"])
        results.append(
            NominationResult(
                nomination_id=nomination_id,
                experts=len(values["raw"]),
                raw=round(statistics.fmean(values["raw"]), 4),
                z=round(statistics.fmean(values["z"]), 4),
                robust=round(statistics.fmean(values["robust"]), 4),
                spread=round(spread, 4),
                disagreement=spread >= threshold - 1e-9,
                by_dimension={
                    d: round(statistics.fmean(v), 4)
                    for d, v in sorted(dims_by_nomination[nomination_id].items())
                },
            )
        )
    return rank(results, numbers=numbers)


def _sort_key(
    result: NominationResult, method: str, numbers: Mapping[int, str]
) -> tuple[float, float, str, int]:
    return (
        -result.value(method),
        -result.raw,
        numbers.get(result.nomination_id, ""),
        result.nomination_id,
    )


def rank(
    results: list[NominationResult], *, numbers: Mapping[int, str] | None = None
) -> list[NominationResult]:
    """Rank under every method and mark ties and near ties; return the results in the order
    of the primary method (z, then raw, then number)."""
    numbers = numbers or {}
    for method in METHODS:
        ordered = sorted(results, key=partial(_sort_key, method=method, numbers=numbers))
        for i, result in enumerate(ordered, start=1):
            result.ranks[method] = i
            result.ties[method] = False
            result.near_ties[method] = False
        for a, b in pairwise(ordered):
            va, vb = a.value(method), b.value(method)
            if shown(va) == shown(vb):
                a.ties[method] = b.ties[method] = True
            elif va - vb < NEAR_TIE_POINTS:
                a.near_ties[method] = b.near_ties[method] = True
    for result in results:
        result.rank = result.ranks[PRIMARY_METHOD]
        result.tie = result.ties[PRIMARY_METHOD]
        result.near_tie = result.near_ties[PRIMARY_METHOD]
    results.sort(key=lambda r: r.rank)
    return results


def ordered_by(results: Sequence[NominationResult], method: str) -> list[NominationResult]:
    """The results in the order of `method`'s ranking (as computed by `rank`)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    return sorted(results, key=lambda r: r.ranks[method])


def ranking_digest(results: Sequence[NominationResult]) -> str:
    """SHA-256 over the ranking's numbers: a recompute from the same stored scores gives the
    same digest, so one recorded when the review closed shows that nothing changed since."""
    rows = [
        [r.nomination_id, r.experts, r.raw, r.z, r.robust, r.spread, r.ranks]
        for r in sorted(results, key=lambda r: r.nomination_id)
    ]
    body = json.dumps(rows, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


# --- From the database ------------------------------------------------------------------------


def dimension_specs(campaign: Campaign) -> list[DimensionSpec]:
    return [
        DimensionSpec(d.pk, float(d.weight), d.score_min, d.score_max)
        for d in campaign.policy_version.dimensions.order_by("order")
    ]


def submitted_sheets(campaign: Campaign) -> list[SheetScores]:
    """Every submitted sheet of the campaign's active assignments, in one query."""
    from jiangxin.reviews.models import Score, ScoreSheet

    rows = (
        Score.objects.filter(
            sheet__status=ScoreSheet.Status.SUBMITTED,
            sheet__assignment__campaign=campaign,
            sheet__assignment__status="active",
        )
        .order_by("sheet_id", "dimension_id")
        .values_list(
            "sheet_id",
            "sheet__assignment__expert_id",
            "sheet__assignment__nomination_id",
            "dimension_id",
            "value",
        )
    )
    grouped: dict[int, tuple[int, int, dict[int, int]]] = {}
    for sheet_id, expert_id, nomination_id, dimension_id, value in rows:
        grouped.setdefault(sheet_id, (expert_id, nomination_id, {}))[2][dimension_id] = value
    return [SheetScores(e, n, scores) for e, n, scores in grouped.values()]


def last_submission(campaign: Campaign) -> dt.datetime | None:
    """When the newest sheet the ranking reflects was submitted (None before any)."""
    from django.db.models import Max

    from jiangxin.reviews.models import ScoreSheet

    latest: dt.datetime | None = ScoreSheet.objects.filter(
        status=ScoreSheet.Status.SUBMITTED,
        assignment__campaign=campaign,
        assignment__status="active",
    ).aggregate(latest=Max("submitted_at"))["latest"]
    return latest


def campaign_ranking(campaign: Campaign) -> list[NominationResult]:
    """The ranking of the campaign's nominations from their submitted sheets."""
    from jiangxin.nominations.models import Nomination

    sheets = submitted_sheets(campaign)
    numbers = dict(
        Nomination.objects.filter(pk__in={s.nomination_id for s in sheets}).values_list(
            "pk", "number"
        )
    )
    return compute(sheets, dimension_specs(campaign), numbers=numbers)
