"""Re-seal every encrypted personal-data value under the current field key.

Rotation: put a new key first in JIANGXIN_FIELD_KEYS (keep the old ones after it), deploy,
run this command, then remove the old keys once it reports nothing left to re-seal.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxin.core.actions import do_rotate_field_keys
from jiangxin.core.crypto import keyring


class Command(BaseCommand):
    help = "Re-seal every EncryptedTextField value under the current key of JIANGXIN_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        ring = keyring()
        self.stdout.write(_("Current key: %(kid)s") % {"kid": ring.current_kid})
        results = do_rotate_field_keys(
            acting_user=None,
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
            using=options["database"],
        )
        for r in results:
            self.stdout.write(
                _(
                    "%(label)s: %(resealed)s re-sealed, %(current)s already current, "
                    "%(empty)s empty, %(changed)s changed meanwhile, %(unreadable)s unreadable"
                )
                % {
                    "label": r.label,
                    "resealed": r.resealed,
                    "current": r.current,
                    "empty": r.empty,
                    "changed": r.changed,
                    "unreadable": len(r.unreadable),
                }
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
        unreadable = [f"{r.label} pk={pk}" for r in results for pk in r.unreadable]
        if unreadable:
            raise CommandError(
                _("Some values failed authentication and were left as they are: %(rows)s")
                % {"rows": ", ".join(unreadable)}
            )
