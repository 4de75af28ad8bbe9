"""Programs numbers on the dashboard panels of program and recommending officers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.programs import selectors
from jiangxin.programs.models import Campaign, QuotaAllocation

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def program_stats(user: User, role: str) -> list[Stat]:
    """Campaigns by status for a program officer; the open campaigns a recommending officer
    can nominate in, each with its cap and how many were put forward so far."""
    from jiangxin.core.dashboard import Stat

    campaigns_url = reverse("programs:campaign_list")
    if role == Role.PROGRAM_OFFICER:
        paths = account_rules.grant_paths(user, [Role.PROGRAM_OFFICER])
        own = selectors.campaigns_visible_to(user).filter(
            account_rules.subtree_q(paths, field="issuing_org__path")
        )
        counts = dict(
            own.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        labels = dict(Campaign.Status.choices)
        stats = [
            Stat(
                _("Campaigns: %(status)s") % {"status": labels[status]},
                counts[status],
                f"{campaigns_url}?status={status}",
            )
            for status in Campaign.Status.values
            if counts.get(status)
        ]
        if not stats:
            stats = [Stat(_("Campaigns"), 0, campaigns_url)]
        return stats
    if role == Role.RECOMMENDING_OFFICER:
        org_ids = [g.organization_id for g in account_rules.active_grants(user) if g.role == role]
        open_campaigns = selectors.campaigns_visible_to(user).filter(
            status=Campaign.Status.DEPLOYED
        )
        allocations = list(
            QuotaAllocation.objects.filter(campaign__in=open_campaigns, organization_id__in=org_ids)
            .select_related("campaign", "organization")
            .order_by("campaign__recommendation_closes", "organization__path")
        )
        stats = [Stat(_("Open campaigns"), open_campaigns.count(), campaigns_url)]
        for allocation in allocations:
            used = selectors.forwarded_counts(allocation.campaign, [allocation.organization])
            stats.append(
                Stat(
                    _("%(campaign)s (%(org)s): put forward / at most")
                    % {
                        "campaign": allocation.campaign.name,
                        "org": allocation.organization.display_name,
                    },
                    f"{used[allocation.organization_id]} / {allocation.cap}",
                    reverse("programs:campaign_detail", args=[allocation.campaign_id]),
                )
            )
        return stats
    return []
