"""The DTKS/DTSEN registry: extracts loaded per period, looked up by NIK and name."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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
        indexes = [
            models.Index(fields=["nik"], name="verifikasi__nik_786ed2_idx"),
            # Matching a member through the household's No KK (DTSEN desil).
            models.Index(
                fields=["periode", "no_kk"],
                name="dtks_periode_no_kk",
                condition=~Q(no_kk=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.periode.kode})"


class UsulanSiksng(models.Model):
    """A person proposed for PBI-JK (APBN) through SIKS-NG, and the outcome.

    Kept per NIK (a person's national route, whichever usulan proposes them):
    the APBD batch holds a member of desil 1-5 back until SIKS-NG refuses them,
    when the office profile says so (OfficeProfile.desil_di_rekap).
    """

    class Hasil(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu hasil SIKS-NG"
        DITERIMA = "diterima", "Diterima (PBI-JK APBN)"
        DITOLAK = "ditolak", "Ditolak SIKS-NG"

    nik = models.CharField(
        "NIK", max_length=16, unique=True, validators=[nik_format_validator]
    )
    tanggal_usul = models.DateField("tanggal diusulkan lewat SIKS-NG")
    hasil = models.CharField(
        "hasil", max_length=10, choices=Hasil.choices, default=Hasil.MENUNGGU
    )
    catatan = models.CharField("catatan", max_length=250, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        verbose_name = "usulan lewat SIKS-NG"
        verbose_name_plural = "usulan lewat SIKS-NG"

    def __str__(self) -> str:
        return f"SIKS-NG {self.tanggal_usul:%d-%m-%Y}: {self.get_hasil_display()}"
