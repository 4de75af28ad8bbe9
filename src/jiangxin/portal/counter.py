"""Article view counts without a database write per view.

Each server process adds views up in memory and writes them in one UPDATE (a CASE over the
article ids) once it holds `JIANGXIN_PORTAL_VIEW_FLUSH_EVERY` views or the oldest is
`JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS` old, and when the process exits. A page served from the
cache still counts, since counting happens before the cache is asked. The price is that a
process killed outright loses its unwritten views (at most one batch): acceptable for a reading
counter, which is not a record anyone relies on. No other state is kept between requests.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Case, F, PositiveIntegerField, Value, When

logger = logging.getLogger("jiangxin.portal")


class ViewCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[int] = Counter()
        self._oldest: float | None = None

    def hit(self, article_id: int) -> None:
        """Count one view; write the batch if it is due."""
        with self._lock:
            self._pending[article_id] += 1
            if self._oldest is None:
                self._oldest = time.monotonic()
            due = (
                self._pending.total() >= settings.JIANGXIN_PORTAL_VIEW_FLUSH_EVERY
                or time.monotonic() - self._oldest >= settings.JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS
            )
        if due:
            self.flush()

    def pending(self) -> dict[int, int]:
        with self._lock:
            return dict(self._pending)

    def flush(self, *, quiet: bool = False) -> int:
        """Write the views counted so far in one UPDATE; return how many were written."""
        from jiangxin.portal.models import Article

        with self._lock:
            batch, self._pending, self._oldest = self._pending, Counter(), None
        if not batch:
            return 0
        try:
            Article.objects.filter(pk__in=list(batch)).update(
                view_count=F("view_count")
                + Case(
                    *(When(pk=pk, then=Value(n)) for pk, n in batch.items()),
                    default=Value(0),
                    output_field=PositiveIntegerField(),
                )
            )
        except DatabaseError:
            # Keep the views for the next try rather than lose them on a passing failure.
            if not quiet:
                logger.warning("portal view counts not written; kept for later", exc_info=True)
            with self._lock:
                self._pending.update(batch)
                self._oldest = self._oldest or time.monotonic()
            return 0
        return batch.total()


view_counter = ViewCounter()


def _flush_at_exit() -> None:
    # Logging may be shut down and the database gone by now: try once, silently.
    with contextlib.suppress(Exception):
        view_counter.flush(quiet=True)


atexit.register(_flush_at_exit)
