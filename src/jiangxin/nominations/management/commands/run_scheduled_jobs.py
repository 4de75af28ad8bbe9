"""Run the daily jobs: close recommendation after its deadline, send deadline reminders."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from jiangxin.nominations.scheduled import close_due_recommendations, send_deadline_reminders


class Command(BaseCommand):
    help = "Close recommendation phases whose deadline has passed and send deadline reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        closed = close_due_recommendations(today)
        sent = send_deadline_reminders(today)
        self.stdout.write(
            f"{today}: closed recommendation in {len(closed)} campaign(s); sent {sent} reminder(s)"
        )
