"""Numbers for the dashboard: open notices and objections for the officers and handlers,
explanation requests for the nominees' units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiangxin.notices import rules, selectors
from jiangxin.notices.models import Objection, PublicNotice

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def notice_stats(user: User) -> list[Stat]:
    from jiangxin.core.dashboard import Stat

    stats: list[Stat] = []
    if rules.can_list_notices(user):
        url = reverse("notices:list")
        notices = selectors.notices_visible_to(user)
        if notices.exists():
            stats.append(
                Stat(
                    _("Public notices open"),
                    notices.filter(status=PublicNotice.Status.OPEN).count(),
                    url,
                )
            )
            open_objections = selectors.objections_visible_to(user).filter(
                status__in=Objection.OPEN_STATUSES
            )
            stats.append(Stat(_("Objections not resolved"), open_objections.count(), url))
            mine = open_objections.filter(assigned_to=user).count()
            if mine:
                stats.append(Stat(_("Objections assigned to me"), mine, url))
    if rules.can_list_explanation_requests(user):
        waiting = selectors.explanation_requests_for(user).filter(answered_at__isnull=True).count()
        if waiting:
            stats.append(
                Stat(
                    _("Written explanations to give"),
                    waiting,
                    reverse("notices:explanation_list"),
                )
            )
    return stats
