from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_aksesdata_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_aksesdata is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_aksesdata_append_only
    BEFORE UPDATE OR DELETE ON audit_aksesdata
    FOR EACH ROW EXECUTE FUNCTION audit_aksesdata_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_aksesdata_append_only ON audit_aksesdata;
DROP FUNCTION IF EXISTS audit_aksesdata_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """On PostgreSQL the database itself refuses to change or delete access records."""

    dependencies = [("audit", "0003_aksesdata")]

    operations = [migrations.RunPython(forwards, backwards)]
