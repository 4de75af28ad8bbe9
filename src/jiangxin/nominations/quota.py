"""Quota enforcement when a nomination is put forward, race-safe.

A nomination from organization X's subtree has been put forward past X when the organization
it is now with (`current_level`) sits above X. An organization with an allocation may have at
most `cap` nominations put forward past it. Every act that moves a nomination up (submission,
endorsement) first locks the allocation rows of the organizations it passes, in a fixed order,
then counts and checks, so two people filling the last slot at the same moment are serialized:
the second one counts the first one's nomination and is refused.

Lock order matters for deadlocks: the allocation rows are locked before anything else is
written in the transaction (in particular before the audit chain head is taken).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from jiangxin.core.errors import DomainError
from jiangxin.programs.models import QuotaAllocation

if TYPE_CHECKING:
    from jiangxin.orgs.models import Organization
    from jiangxin.programs.models import Campaign

#: Statuses that hold a slot of every organization the nomination has passed.
HOLDING_STATUSES = (
    "submitted",
    "endorsed",
    "returned",  # only a format-check return keeps its current_level (the issuing org)
    "accepted",
    "in_review",
    "shortlisted",
    "selected",
    "not_selected",
    "in_notice",
    "confirmed",
    "published",
)


def forwarded_count(campaign: Campaign, org: Organization, *, exclude_id: int | None = None) -> int:
    """How many nominations of `campaign` have been put forward past `org`."""
    from jiangxin.nominations.models import Nomination

    qs = Nomination.objects.filter(
        campaign=campaign,
        nominating_unit__path__startswith=org.path,
        status__in=HOLDING_STATUSES,
        current_level__depth__lt=org.depth,
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.count()


class QuotaExceeded(DomainError):
    def __init__(self, allocation: QuotaAllocation, used: int) -> None:
        super().__init__(
            "quota.exhausted",
            _(
                "%(org)s may put forward at most %(cap)s nominations in this campaign "
                "(%(slots)s slots × %(ratio)s) and has already put forward %(used)s. Withdraw "
                "one or ask for a larger allocation."
            )
            % {
                "org": allocation.organization.name,
                "cap": allocation.cap,
                "slots": allocation.slots,
                "ratio": allocation.campaign.recommendation_ratio,
                "used": used,
            },
        )
        self.allocation = allocation


def lock_and_check(campaign: Campaign, paths: list[str], *, nomination_id: int) -> None:
    """Lock the allocations of the organizations at `paths` and check each has room for one
    more nomination. Caller is inside a transaction and has written nothing yet."""
    # Lock only the allocation rows (a join would lock the campaign row too and serialize
    # every submission of the campaign).
    allocations = list(
        QuotaAllocation.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, organization__path__in=paths)
        .order_by("id")
    )
    for allocation in allocations:
        used = forwarded_count(campaign, allocation.organization, exclude_id=nomination_id)
        if used + 1 > allocation.cap:
            raise QuotaExceeded(allocation, used)
