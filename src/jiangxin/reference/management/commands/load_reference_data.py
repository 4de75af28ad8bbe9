"""Re-load the national reference data files, e.g. after shipping a new edition."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiangxin.reference.loader import ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = (
        "Load (create or update) the reference tables from the CSV files in "
        "jiangxin/reference/data/ and print the number of rows per table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database", default="default", help="Database alias to load into (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_reference_data(using=options["database"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
