"""`manage.py unlock_user <username>`: lift a sign-in lock before its 30 minutes are over.

For security administrators operating the server. The unlock is audited.
"""

from __future__ import annotations

import getpass
from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser

from jiangxin.core.audit import record_event


class Command(BaseCommand):
    help = "Remove the failed sign-in attempts that lock a username (django-axes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The username exactly as typed at sign-in.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        removed = reset(username=username)
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):  # no login name in some containers
            operator = ""
        record_event(
            "auth.unlocked",
            actor_label=f"manage.py unlock_user ({operator})" if operator else "manage.py",
            summary={"username": username, "attempts_removed": removed},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Unlocked {username!r}: {removed} failed-attempt record(s) removed."
            )
        )
