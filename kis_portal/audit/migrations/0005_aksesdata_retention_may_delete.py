from django.db import migrations

# Access records stay append-only, except for the retention purge: it deletes rows
# past KIS_RETENSI_AKSES_HARI inside a transaction that says so (SET LOCAL).
CREATE = """
CREATE OR REPLACE FUNCTION audit_aksesdata_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('kis.retensi_akses', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_aksesdata is append-only';
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION audit_aksesdata_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_aksesdata is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    """Let the retention purge, and only it, delete old access records."""

    dependencies = [("audit", "0004_aksesdata_append_only_on_postgresql")]

    operations = [migrations.RunPython(forwards, backwards)]
