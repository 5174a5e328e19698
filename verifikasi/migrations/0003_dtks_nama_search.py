from django.db import migrations

# The expression verifikasi.selectors.dtks_search_nama matches with @@: one
# GIN key per word of the name ('simple': no stemming, lower case).
CREATE = (
    "CREATE INDEX IF NOT EXISTS verifikasi_dtks_nama_words "
    "ON verifikasi_dtksrecord USING gin (to_tsvector('simple'::regconfig, nama))"
)
# Statistics on the same expression (PostgreSQL 14+), so the planner knows how
# common each word is instead of guessing.
STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS verifikasi_dtks_nama_words "
    "ON (to_tsvector('simple'::regconfig, nama)) FROM verifikasi_dtksrecord"
)
DROP = "DROP INDEX IF EXISTS verifikasi_dtks_nama_words"
DROP_STATISTICS = "DROP STATISTICS IF EXISTS verifikasi_dtks_nama_words"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        if connection.pg_version >= 140000:
            schema_editor.execute(STATISTICS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_STATISTICS)
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Find a person among a million DTKS names by the words of the name.

    PostgreSQL only: other databases (SQLite in tests and the demo) compare
    the words by scanning their few rows. A trigram index (pg_trgm) was tried
    first: Balinese names share a few very common words (I PUTU, NI LUH,
    KADEK...), so their trigram lists are long and a three-word name took
    50-80 ms; the word index answers it in ~10 ms and is 4x smaller.
    """

    dependencies = [("verifikasi", "0002_checklist_field_check_approval")]

    operations = [migrations.RunPython(forwards, backwards)]
