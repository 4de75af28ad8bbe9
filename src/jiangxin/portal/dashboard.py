"""The portal's numbers on an editor's dashboard panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiangxin.portal import rules, selectors
from jiangxin.portal.models import Article

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def portal_stats(user: User) -> list[Stat]:
    from jiangxin.core.dashboard import Stat

    if not rules.can_edit_portal(user):
        return []
    attention = sum(1 for row in selectors.column_freshness() if row.needs_attention)
    drafts = selectors.articles_editable_by(user).filter(status=Article.Status.DRAFT).count()
    return [
        Stat(_("Portal columns needing attention"), attention, reverse("portal:freshness")),
        Stat(_("Portal drafts"), drafts, reverse("portal:manage_list") + "?status=draft"),
    ]
