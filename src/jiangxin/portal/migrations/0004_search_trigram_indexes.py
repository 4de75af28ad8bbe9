"""Trigram indexes for the portal's search on PostgreSQL (nothing on SQLite).

Search is substring matching (Chinese has no spaces for a full-text parser to split on), and
Django writes `icontains` as `UPPER(col::text) LIKE UPPER('%…%')`: GIN indexes with pg_trgm's
operator class on exactly those expressions serve it. pg_trgm is a trusted extension
(PostgreSQL ≥ 13), so the database owner may create it.
"""

from django.db import migrations

INDEXES = {
    "portal_article_title_trgm": "title",
    "portal_article_body_trgm": "body",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON portal_article "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_article_editing")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
