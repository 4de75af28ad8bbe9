"""The notices' part of the daily jobs (`manage.py run_scheduled_jobs`): open the notices whose
stated time has come, close those whose period is over and whose objections are all resolved
(the others stay open and are tried again the next day), and drop expired objection drafts.
Idempotent: a second run changes nothing more."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from jiangxin.core.errors import DomainError
from jiangxin.notices.actions import do_close_notice, do_open_notice, purge_expired_drafts
from jiangxin.notices.models import PublicNotice

logger = logging.getLogger("jiangxin.scheduled")


@dataclass
class NoticeRun:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # period over, objections unresolved
    drafts_purged: int = 0


def open_and_close_notices(now: dt.datetime) -> NoticeRun:
    run = NoticeRun()
    due = PublicNotice.objects.filter(status=PublicNotice.Status.SCHEDULED, opens_at__lte=now)
    for notice_id in due.values_list("pk", flat=True):
        try:
            do_open_notice(acting_user=None, notice_id=notice_id, now=now)
        except DomainError as exc:  # opened meanwhile by its task
            logger.info("notice %s not opened: %s", notice_id, exc.rule)
        else:
            run.opened.append(notice_id)
    over = PublicNotice.objects.filter(status=PublicNotice.Status.OPEN, closes_at__lte=now)
    for notice_id in over.values_list("pk", flat=True):
        try:
            do_close_notice(acting_user=None, notice_id=notice_id, now=now)
        except DomainError as exc:
            logger.info("notice %s not closed: %s", notice_id, exc.rule)
            run.held.append(notice_id)
        else:
            run.closed.append(notice_id)
    run.drafts_purged = purge_expired_drafts(now)
    return run
