"""The assignment's numbers on a program officer's dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def assignment_stats(user: User) -> list[Stat]:
    """Nominations awaiting their experts, and nominations short of experts, in the online
    reviews the user runs (nothing when there is none)."""
    from jiangxin.core.dashboard import Stat
    from jiangxin.nominations.models import Nomination
    from jiangxin.programs import selectors as program_selectors
    from jiangxin.programs.models import Campaign
    from jiangxin.reviews import rules
    from jiangxin.reviews.assignment.actions import short_nominations

    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(user)
        .filter(status=Campaign.Status.ONLINE_REVIEW)
        .select_related("policy_version")
        if rules.can_manage_review(user, c)
    ]
    if not campaigns:
        return []
    waiting = Nomination.objects.filter(
        campaign__in=campaigns, status=Nomination.Status.ACCEPTED
    ).count()
    short = sum(len(short_nominations(c)) for c in campaigns)
    url = reverse("reviews:assignment_index")
    return [
        Stat(_("Nominations awaiting experts"), waiting, url),
        Stat(_("Nominations short of experts"), short, url),
    ]
