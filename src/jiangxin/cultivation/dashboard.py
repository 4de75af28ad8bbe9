"""Cultivation numbers on the program officer's dashboard panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from jiangxin.accounts import rules as account_rules
from jiangxin.cultivation import rules
from jiangxin.cultivation.models import CultivationRecord

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.core.dashboard import Stat


def cultivation_stats(user: User) -> list[Stat]:
    """The craftsmen in cultivation from the campaigns issued in the officer's subtree."""
    from jiangxin.core.dashboard import Stat

    paths = rules.program_officer_paths(user)
    if not paths:
        return []
    active = CultivationRecord.objects.filter(
        account_rules.subtree_q(paths, field="campaign__issuing_org__path"),
        status=CultivationRecord.Status.ACTIVE,
    )
    return [Stat(_("Craftsmen in cultivation"), active.count(), reverse("portal:craftsmen_manage"))]
