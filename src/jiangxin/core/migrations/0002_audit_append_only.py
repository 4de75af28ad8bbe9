"""Make the audit trail append-only in the database itself, and add the purge anchor.

PostgreSQL (production):
- a row trigger refuses every UPDATE of core_auditevent / core_auditanchor, and every DELETE,
  except a DELETE of an audit event inside a transaction that set
  `SET LOCAL jiangxin.audit_purge = 'on'` (the retention purge) *and* whose row is older than
  the retention period: `greatest(184, jiangxin.audit_retention_days)` days, a hard floor;
- a statement trigger refuses TRUNCATE, except for a superuser (who can disable any trigger
  anyway, so this grants nothing new; it lets the test harness, which runs as a superuser,
  flush the database between transactional tests).

SQLite (demo and tests): triggers refuse UPDATE of both tables. DELETE is not guarded there,
because Django flushes SQLite test databases with `DELETE FROM` in no fixed order and a
trigger cannot tell a flush from an accident; the HMAC chain still reveals any deletion.
"""

from django.db import migrations, models

PG_FORWARD = r"""
CREATE OR REPLACE FUNCTION jiangxin_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    retention_days integer;
BEGIN
    IF TG_OP = 'DELETE' AND TG_NARGS > 0 AND TG_ARGV[0] = 'purgeable'
            AND current_setting('jiangxin.audit_purge', true) = 'on' THEN
        retention_days := greatest(
            184,
            coalesce(nullif(current_setting('jiangxin.audit_retention_days', true), '')::integer, 184)
        );
        IF OLD.occurred_at < now() - make_interval(hours => 24 * retention_days) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: event % is not older than % days',
            OLD.id, retention_days;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION jiangxin_audit_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE on % refused', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION jiangxin_audit_append_only('purgeable');
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION jiangxin_audit_no_truncate();
CREATE TRIGGER core_auditanchor_append_only
    BEFORE UPDATE OR DELETE ON core_auditanchor
    FOR EACH ROW EXECUTE FUNCTION jiangxin_audit_append_only();
CREATE TRIGGER core_auditanchor_no_truncate
    BEFORE TRUNCATE ON core_auditanchor
    FOR EACH STATEMENT EXECUTE FUNCTION jiangxin_audit_no_truncate();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditanchor_no_truncate ON core_auditanchor;
DROP TRIGGER IF EXISTS core_auditanchor_append_only ON core_auditanchor;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS jiangxin_audit_no_truncate();
DROP FUNCTION IF EXISTS jiangxin_audit_append_only();
"""

SQLITE_FORWARD = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER core_auditanchor_no_update BEFORE UPDATE ON core_auditanchor
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditanchor_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
]


def install_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def remove_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("purged_before", models.DateTimeField(verbose_name="purged events older than")),
                ("purged_count", models.PositiveBigIntegerField(verbose_name="purged events")),
                (
                    "first_kept_id",
                    models.BigIntegerField(unique=True, verbose_name="first kept event"),
                ),
                ("prev_hash", models.CharField(max_length=64, verbose_name="previous hash")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
            ],
            options={
                "verbose_name": "audit chain anchor",
                "verbose_name_plural": "audit chain anchors",
                "ordering": ["-first_kept_id"],
            },
        ),
        migrations.RunPython(install_guards, remove_guards, elidable=False),
    ]
