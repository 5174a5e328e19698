"""DTKS moves out of verifikasi into its own app; its tables keep their names.

State only: the tables verifikasi_dtksperiode and verifikasi_dtksrecord, their
index, constraint and the PostgreSQL word index (verifikasi 0003) stay as they
are. The content types follow the models, so history rows keep pointing at them.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MODELS = ["dtksperiode", "dtksrecord"]


def content_types_to_dtks(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="verifikasi", model__in=MODELS).update(
        app_label="dtks"
    )


def content_types_to_verifikasi(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="dtks", model__in=MODELS).update(
        app_label="verifikasi"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("verifikasi", "0004_dtks_periode_without_fk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DtksPeriode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kode",
                            models.CharField(
                                max_length=20, unique=True, verbose_name="periode"
                            ),
                        ),
                        (
                            "imported_at",
                            models.DateTimeField(auto_now=True, verbose_name="diimpor"),
                        ),
                        (
                            "jumlah",
                            models.PositiveIntegerField(
                                default=0, verbose_name="jumlah orang"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "periode DTKS",
                        "verbose_name_plural": "periode DTKS",
                        "db_table": "verifikasi_dtksperiode",
                        "ordering": ["-kode"],
                    },
                ),
                migrations.CreateModel(
                    name="DtksRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "nik",
                            models.CharField(
                                max_length=16,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{16}$", "NIK harus 16 angka."
                                    )
                                ],
                                verbose_name="NIK",
                            ),
                        ),
                        (
                            "no_kk",
                            models.CharField(
                                blank=True, max_length=16, verbose_name="No. KK"
                            ),
                        ),
                        ("nama", models.CharField(max_length=150, verbose_name="nama")),
                        (
                            "tanggal_lahir",
                            models.DateField(
                                blank=True, null=True, verbose_name="tanggal lahir"
                            ),
                        ),
                        (
                            "jenis_kelamin",
                            models.CharField(
                                blank=True, max_length=1, verbose_name="jenis kelamin"
                            ),
                        ),
                        (
                            "kode_desa",
                            models.CharField(
                                blank=True,
                                max_length=13,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{4}$",
                                        "Kode desa harus berbentuk 51.08.01.2001.",
                                    )
                                ],
                                verbose_name="kode desa",
                            ),
                        ),
                        (
                            "iddtks",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="ID DTKS"
                            ),
                        ),
                        (
                            "desil",
                            models.PositiveSmallIntegerField(
                                blank=True, null=True, verbose_name="desil"
                            ),
                        ),
                        (
                            "periode",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="records",
                                to="dtks.dtksperiode",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "data DTKS",
                        "verbose_name_plural": "data DTKS",
                        "db_table": "verifikasi_dtksrecord",
                        "indexes": [
                            models.Index(
                                fields=["nik"], name="verifikasi__nik_786ed2_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("periode", "nik"),
                                name="dtks_one_nik_per_periode",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_dtks, content_types_to_verifikasi),
    ]
