"""Numbers for the dashboard: what waits for the user in the nominations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiangxin.nominations import rules, selectors
from jiangxin.nominations.models import Nomination
from jiangxin.programs.models import Campaign

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def nomination_stats(user: User) -> list[Stat]:
    """Endorsements waiting at the user's levels, drafts and returns of the user's units,
    nominations waiting for the format check of the user's campaigns."""
    from jiangxin.core.dashboard import Stat

    todo = reverse("nominations:list") + "?todo=on"
    stats = []
    awaiting = selectors.awaiting_endorsement_by(user).count()
    if awaiting or rules.holds_any_endorser_grant(user):
        stats.append(Stat(_("Awaiting my endorsement"), awaiting, todo))
    units = rules.units_for(user)
    if units:
        held = (
            selectors.nominations_visible_to(user)
            .filter(
                nominating_unit__in=units,
                status__in=[Nomination.Status.DRAFT, Nomination.Status.RETURNED],
            )
            .count()
        )
        stats.append(Stat(_("Drafts and returned nominations of my units"), held, todo))
    checking = [
        c
        for c in Campaign.objects.filter(status=Campaign.Status.FORMAT_CHECK)
        if rules.can_run_format_check(user, c)
    ]
    for campaign in checking:
        pending = Nomination.objects.filter(
            campaign=campaign, status=Nomination.Status.ENDORSED
        ).count()
        stats.append(
            Stat(
                _("Awaiting the format check: %(campaign)s") % {"campaign": campaign.name},
                pending,
                reverse("nominations:format_check", args=[campaign.pk]),
            )
        )
    return stats
