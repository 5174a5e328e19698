"""The DTKS/DTSEN registry: extracts loaded per period, looked up by NIK and name."""

from django.db import models

from kis_portal.identifiers import nik_format_validator
from kis_portal.wilayah.models import kode_desa_validator


class DtksPeriode(models.Model):
    """One imported DTKS/DTSEN extract period (e.g. 2026-Q3)."""

    kode = models.CharField("periode", max_length=20, unique=True)
    imported_at = models.DateTimeField("diimpor", auto_now=True)
    jumlah = models.PositiveIntegerField("jumlah orang", default=0)

    class Meta:
        db_table = "verifikasi_dtksperiode"  # the table kept its name from verifikasi
        ordering = ["-kode"]
        verbose_name = "periode DTKS"
        verbose_name_plural = "periode DTKS"

    def __str__(self) -> str:
        return f"DTKS {self.kode}"


class DtksRecord(models.Model):
    """One person in a DTKS/DTSEN extract (docs/domain.md, "DTKS extract")."""

    # No database foreign key and no index of its own: a period's records are
    # written only by dtks.imports.import_dtks, which holds the period's row
    # lock, and a period is deleted only through the ORM, which deletes its
    # records (CASCADE). The database's per-row check at commit took 3 s of a
    # million-row import (bench B5); the unique (periode, nik) index serves
    # every lookup by period.
    periode = models.ForeignKey(
        DtksPeriode,
        on_delete=models.CASCADE,
        related_name="records",
        db_constraint=False,
        db_index=False,
    )
    nik = models.CharField("NIK", max_length=16, validators=[nik_format_validator])
    no_kk = models.CharField("No. KK", max_length=16, blank=True)
    nama = models.CharField("nama", max_length=150)
    tanggal_lahir = models.DateField("tanggal lahir", null=True, blank=True)
    jenis_kelamin = models.CharField("jenis kelamin", max_length=1, blank=True)
    kode_desa = models.CharField(
        "kode desa", max_length=13, blank=True, validators=[kode_desa_validator]
    )
    iddtks = models.CharField("ID DTKS", max_length=40, blank=True)
    desil = models.PositiveSmallIntegerField("desil", null=True, blank=True)

    class Meta:
        db_table = "verifikasi_dtksrecord"  # the table kept its name from verifikasi
        verbose_name = "data DTKS"
        verbose_name_plural = "data DTKS"
        constraints = [
            models.UniqueConstraint(
                fields=["periode", "nik"], name="dtks_one_nik_per_periode"
            ),
        ]
        indexes = [models.Index(fields=["nik"], name="verifikasi__nik_786ed2_idx")]

    def __str__(self) -> str:
        return f"{self.nama} ({self.periode.kode})"
