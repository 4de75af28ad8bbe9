"""Mark scheduled portal articles whose moment has come as published (run every few minutes
from cron or a systemd timer; the public sees them on time either way, see
`jiangxin.portal.selectors.public_articles`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiangxin.portal.actions import publish_due_articles


class Command(BaseCommand):
    help = "Mark scheduled portal articles whose publication time has passed as published."

    def handle(self, *args: Any, **options: Any) -> None:
        done = publish_due_articles()
        self.stdout.write(f"published {len(done)} scheduled article(s)")
