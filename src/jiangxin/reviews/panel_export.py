"""Excel workbooks of the panel's results and of the approved list (no ID or phone numbers:
names, units and the figures the panel saw)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _

from jiangxin.core.excel import TableWorkbook
from jiangxin.reviews import approval

if TYPE_CHECKING:
    from jiangxin.programs.models import Campaign
    from jiangxin.reviews.models import ShortlistEntry
    from jiangxin.reviews.panel import EntryOutcome, MeetingState


def _result_label(outcome: EntryOutcome) -> str:
    if outcome.passed is None:
        return _("Not voted yet")
    if not outcome.passed:
        return _("Not passed")
    if outcome.within_quota:
        return _("Passed, within the quota")
    if outcome.in_runoff:
        return _("Passed, in the run-off")
    return _("Passed, beyond the quota")


def _person_columns(entry: ShortlistEntry, facts: approval.Facts) -> list[object]:
    person = entry.nomination.person
    return [
        entry.nomination.number,
        person.name if person else "",
        entry.nomination.nominating_unit.name,
        person.employer.name if person else "",
        facts.region,
        facts.industry,
        facts.gender,
        facts.age,
    ]


def _person_headers() -> list[tuple[str, int]]:
    return [
        (_("Nomination number"), 18),
        (_("Name"), 12),
        (_("Nominating unit"), 28),
        (_("Employer"), 28),
        (_("Region"), 12),
        (_("Industry"), 24),
        (_("Gender"), 8),
        (_("Age in the campaign's year"), 10),
    ]


def results_workbook(campaign: Campaign, state: MeetingState) -> IO[bytes]:
    """Every shortlisted nominee with the votes and the result computed from them."""
    book = TableWorkbook()
    ws = book.sheet(
        _("Panel results"),
        [
            (_("Place among the passed"), 10),
            (_("Online-review rank"), 10),
            *_person_headers(),
            (_("Calibrated score"), 10),
            (_("Raw mean score"), 10),
            (_("Experts disagreed"), 10),
            (_("Source"), 14),
            (_("Reason for adding"), 30),
            (_("Members voting"), 10),
            (_("Agree votes needed"), 10),
            (_("Agree"), 8),
            (_("Disagree"), 8),
            (_("Abstain"), 8),
            (_("Run-off agree votes"), 14),
            (_("Result"), 20),
        ],
    )
    facts = approval.nominee_facts(state.entries, campaign.year)
    outcomes = state.results.by_entry
    rows = sorted(
        zip(state.entries, facts, strict=True),
        key=lambda pair: (outcomes[pair[0].pk].position or 10**9, pair[0].rank),
    )
    for entry, fact in rows:
        o = outcomes[entry.pk]
        book.append(
            ws,
            [
                o.position,
                entry.rank,
                *_person_columns(entry, fact),
                entry.z,
                entry.raw,
                _("Yes") if entry.disagreement else _("No"),
                entry.get_source_display(),
                entry.reason,
                o.voters,
                o.required,
                o.agree,
                o.disagree,
                o.abstain,
                " / ".join(str(n) for n in o.runoff),
                _result_label(o),
            ],
        )
    return book.save()


def approved_workbook(campaign: Campaign, entries: list[ShortlistEntry]) -> IO[bytes]:
    """The approved list in its order."""
    book = TableWorkbook()
    ws = book.sheet(
        _("Approved list"),
        [(_("Place"), 8), *_person_headers(), (_("Online-review rank"), 10), (_("Agree"), 8)],
    )
    facts = approval.nominee_facts(entries, campaign.year)
    for place, (entry, fact) in enumerate(zip(entries, facts, strict=True), start=1):
        book.append(ws, [place, *_person_columns(entry, fact), entry.rank, entry.agree])
    return book.save()
