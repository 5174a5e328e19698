"""DtksPeriode and DtksRecord now belong to the dtks app (dtks 0001); state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("verifikasi", "0004_dtks_periode_without_fk"),
        ("dtks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DtksRecord"),
                migrations.DeleteModel(name="DtksPeriode"),
            ],
            database_operations=[],
        ),
    ]
