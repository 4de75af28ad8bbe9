"""Who fills a slot left by a disqualified nominee (递补): the policy in one place.

The next-ranked nominee is the best-ranked panel nominee who **passed** the vote
(`ShortlistEntry.result == "passed"`) and is not on the approved list; failing that, the next
nominee in the online-review ranking (`reviews.calibration.campaign_ranking`) who is not on it.
Either way only a nomination still in the running qualifies: not withdrawn, disqualified,
rejected or already selected or listed in one of the campaign's notices.

Whether a slot is filled at all is the policy version's `promote_on_disqualification`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jiangxin.nominations.models import Nomination
    from jiangxin.programs.models import Campaign

#: Nomination statuses from which a nominee may still be promoted.
PROMOTABLE_STATUSES = ("in_review", "shortlisted", "not_selected")


@dataclass(frozen=True)
class Candidate:
    nomination: Nomination
    source: str  # "shortlist" or "ranking"
    rank: int

    @property
    def source_label(self) -> str:
        if self.source == "shortlist":
            return str(
                _("passed the panel vote, rank %(rank)s in the online review") % {"rank": self.rank}
            )
        return str(_("rank %(rank)s in the online review") % {"rank": self.rank})


def promotion_candidate(campaign: Campaign) -> Candidate | None:
    """The next-ranked nominee of `campaign`, or None when nobody is left to promote."""
    from jiangxin.nominations.models import Nomination
    from jiangxin.notices.models import NoticeEntry
    from jiangxin.reviews.calibration import campaign_ranking
    from jiangxin.reviews.models import FinalApproval, ShortlistEntry

    approval = FinalApproval.objects.filter(campaign=campaign).first()
    taken = {row["nomination"] for row in (approval.approved if approval else [])}
    taken |= set(
        NoticeEntry.objects.filter(notice__campaign=campaign).values_list(
            "nomination_id", flat=True
        )
    )
    eligible = set(
        Nomination.objects.filter(campaign=campaign, status__in=PROMOTABLE_STATUSES)
        .exclude(pk__in=taken)
        .values_list("pk", flat=True)
    )
    passed = (
        ShortlistEntry.objects.filter(
            meeting__campaign=campaign,
            result=ShortlistEntry.Result.PASSED,
            nomination_id__in=eligible,
        )
        .select_related("nomination", "nomination__person")
        .order_by("rank", "nomination__number")
        .first()
    )
    if passed is not None:
        return Candidate(passed.nomination, "shortlist", passed.rank)
    for result in campaign_ranking(campaign):
        if result.nomination_id in eligible:
            nomination = Nomination.objects.select_related("person").get(pk=result.nomination_id)
            return Candidate(nomination, "ranking", result.rank)
    return None
