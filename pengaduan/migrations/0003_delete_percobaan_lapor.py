"""The public complaint form's attempts are counted by kis_portal.ratelimit now.

The old table held throwaway counters (keyed hashes per window): dropped, not copied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pengaduan", "0002_english_field_names"),
    ]

    operations = [
        migrations.DeleteModel(
            name="PercobaanLapor",
        ),
    ]
