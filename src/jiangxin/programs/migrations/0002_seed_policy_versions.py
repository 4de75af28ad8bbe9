"""Load the shipped policy versions ("2024 试行" and the 2025 example; see programs/seed.py)."""

from typing import Any

from django.db import migrations

from jiangxin.programs.seed import load_policy_versions


def load(apps: Any, schema_editor: Any) -> None:
    load_policy_versions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
