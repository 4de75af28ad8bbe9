"""The ranking of the online review as rows for the page, and as an Excel workbook: a sheet
per method with the totals, a sheet per dimension (each expert's score per nominee and the
mean), and an "About" sheet explaining the methods. Names and units only: no personal numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from jiangxin.core.excel import TableWorkbook
from jiangxin.nominations.models import Nomination
from jiangxin.orgs.models import Organization
from jiangxin.programs.models import QuotaAllocation
from jiangxin.reviews import calibration
from jiangxin.reviews.calibration import NominationResult
from jiangxin.reviews.models import ExpertProfile

if TYPE_CHECKING:
    from jiangxin.programs.models import Campaign


def recommending_organizations(campaign: Campaign) -> list[Organization]:
    """The organizations holding the campaign's top-level allocations, in tree order."""
    return [
        a.organization
        for a in QuotaAllocation.objects.filter(campaign=campaign, parent__isnull=True)
        .select_related("organization")
        .order_by("organization__path")
    ]


def _recommender(unit: Organization, organizations: list[Organization]) -> Organization | None:
    return next((o for o in organizations if unit.path.startswith(o.path)), None)


@dataclass
class RankingRow:
    result: NominationResult
    nomination: Nomination
    organization: Organization | None
    #: Rank, value, tie and near tie under the method the rows are ordered by.
    rank: int
    value: float
    tie: bool
    near_tie: bool


def ranking_rows(
    campaign: Campaign,
    results: list[NominationResult],
    *,
    method: str = calibration.PRIMARY_METHOD,
    organizations: list[Organization] | None = None,
) -> list[RankingRow]:
    """The results with their nominations (one query), in the order of `method`."""
    if organizations is None:
        organizations = recommending_organizations(campaign)
    nominations = Nomination.objects.select_related("person", "nominating_unit").in_bulk(
        [r.nomination_id for r in results]
    )
    rows = []
    for result in calibration.ordered_by(results, method):
        nomination = nominations[result.nomination_id]
        rows.append(
            RankingRow(
                result=result,
                nomination=nomination,
                organization=_recommender(nomination.nominating_unit, organizations),
                rank=result.ranks[method],
                value=result.value(method),
                tie=result.ties[method],
                near_tie=result.near_ties[method],
            )
        )
    return rows


def method_labels() -> dict[str, str]:
    return {
        "z": _("z-score (per expert)"),
        "robust": _("Robust (median and MAD)"),
        "raw": _("Raw total"),
    }


def _marks(tie: bool, near_tie: bool) -> str:
    if tie:
        return _("tie")
    if near_tie:
        return _("near tie")
    return ""


def build_ranking_workbook(campaign: Campaign) -> tuple[IO[bytes], dict[str, Any]]:
    """The workbook and the summary its audit event records."""
    results = calibration.campaign_ranking(campaign)
    organizations = recommending_organizations(campaign)
    book = TableWorkbook()
    labels = method_labels()
    for method in ("z", "robust", "raw"):
        ws = book.sheet(
            labels[method],
            [
                (_("Rank"), 8),
                (_("Tie"), 10),
                (_("Nomination number"), 18),
                (_("Name"), 12),
                (_("Nominating unit"), 30),
                (_("Recommending organization"), 20),
                (_("Experts"), 8),
                (labels[method], 14),
                (_("Raw total"), 12),
                (_("Spread"), 10),
                (_("Disagreement"), 12),
            ],
        )
        for row in ranking_rows(campaign, results, method=method, organizations=organizations):
            r = row.result
            book.append(
                ws,
                [
                    row.rank,
                    _marks(row.tie, row.near_tie),
                    row.nomination.number,
                    row.nomination.person.name if row.nomination.person else "",
                    row.nomination.nominating_unit.display_name,
                    row.organization.display_name if row.organization else "",
                    r.experts,
                    row.value,
                    r.raw,
                    r.spread,
                    _("Yes") if r.disagreement else "",
                ],
            )
    _dimension_sheets(book, campaign, results)
    _about_sheet(book)
    summary = {"campaign": campaign.pk, "nominations": len(results)}
    return book.save(), summary


def _dimension_sheets(
    book: TableWorkbook, campaign: Campaign, results: list[NominationResult]
) -> None:
    sheets = calibration.submitted_sheets(campaign)
    expert_ids = sorted({s.expert_id for s in sheets})
    experts = ExpertProfile.objects.select_related("user").in_bulk(expert_ids)
    scores: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for s in sheets:
        for dim_id, value in s.scores.items():
            scores[(dim_id, s.nomination_id)][s.expert_id] = value
    nominations = Nomination.objects.select_related("person").in_bulk(
        [r.nomination_id for r in results]
    )
    for d in campaign.policy_version.dimensions.order_by("order"):
        ws = book.sheet(
            f"{d.order}. {d.name}",
            [
                (_("Nomination number"), 18),
                (_("Name"), 12),
                *((str(experts[e]), 12) for e in expert_ids),
                (_("Mean"), 10),
            ],
        )
        for r in results:
            n = nominations[r.nomination_id]
            given = scores[(d.pk, r.nomination_id)]
            book.append(
                ws,
                [
                    n.number,
                    n.person.name if n.person else "",
                    *(given.get(e) for e in expert_ids),
                    r.by_dimension.get(d.pk),
                ],
            )


def _about_sheet(book: TableWorkbook) -> None:
    ws = book.sheet(_("About"), [("中文", 90), ("English", 90)])
    for note in calibration.METHOD_NOTES:
        with translation.override("zh-hans"):
            chinese = str(note)
        with translation.override("en"):
            english = str(note)
        book.append(ws, [chinese, english])
