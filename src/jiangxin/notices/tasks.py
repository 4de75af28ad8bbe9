"""Deferred tasks for a notice's stated times (enqueued with `run_after` where the backend can
defer: the database backend in production). Each is harmless when early, late or repeated:
the action itself checks the status and the time, and the daily scheduler
(`jiangxin.notices.scheduled.open_and_close_notices`) does the same work as a safety net."""

from __future__ import annotations

import logging

from django_tasks import task

from jiangxin.core.errors import DomainError

logger = logging.getLogger("jiangxin.scheduled")


@task()
def open_notice_task(notice_id: int) -> bool:
    from jiangxin.notices.actions import do_open_notice

    try:
        do_open_notice(acting_user=None, notice_id=notice_id)
    except DomainError as exc:
        logger.info("notice %s not opened: %s", notice_id, exc.rule)
        return False
    return True


@task()
def close_notice_task(notice_id: int) -> bool:
    from jiangxin.notices.actions import do_close_notice

    try:
        do_close_notice(acting_user=None, notice_id=notice_id)
    except DomainError as exc:  # objections still open: the officer closes it later
        logger.info("notice %s not closed: %s", notice_id, exc.rule)
        return False
    return True
