"""Verify the audit log's HMAC chain: `manage.py verify_audit_chain [--start-after ID]`.

Exits 0 when every row matches its hash and links to the previous one; otherwise exits 1 and
names the first broken row. Meant for a daily scheduled run whose failure raises an alarm.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiangxin.core.audit import verify_chain

logger = logging.getLogger("jiangxin.audit")


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start-after",
            type=int,
            default=None,
            metavar="ID",
            help="Verify only the rows after this event id (itself re-checked first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(start_after_id=options["start_after"])
        if not report.ok:
            message = (
                f"Audit chain broken at event {report.first_broken_id}: {report.reason} "
                f"({report.checked} earlier events verified)."
            )
            logger.error(message)
            raise CommandError(message)
        if report.checked:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {report.checked} events verified "
                    f"(ids {report.first_id}–{report.last_id})."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("Audit chain intact: no events to verify."))
