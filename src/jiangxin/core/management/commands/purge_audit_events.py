"""Delete audit events older than the retention period: `manage.py purge_audit_events`.

Keeps `max(184, JIANGXIN_AUDIT_RETENTION_DAYS)` days. The purge is itself audited
("audit.purged") and anchored, so `verify_audit_chain` still verifies the remaining rows.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiangxin.core.audit import purge_expired_events
from jiangxin.core.audit_selectors import SHANGHAI


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (never less than 184 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be deleted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = purge_expired_events(dry_run=options["dry_run"])
        cutoff = f"{result.cutoff.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S} (Asia/Shanghai)"
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {result.purged_count} audit events older than {cutoff} "
                f"(retention {result.retention_days} days) would be deleted."
            )
        elif result.purged_count == 0:
            self.stdout.write(
                f"Nothing to purge: no audit event older than {cutoff} "
                f"(retention {result.retention_days} days)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Purged {result.purged_count} audit events older than {cutoff} "
                    f"(retention {result.retention_days} days); the chain now starts at event "
                    f"{result.first_kept_id}."
                )
            )
