"""Load the shipped national reference data (see jiangxin/reference/data/README.md)."""

from typing import Any

from django.db import migrations

from jiangxin.reference.loader import load_reference_data


def load(apps: Any, schema_editor: Any) -> None:
    load_reference_data(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
