"""Cards printed by BPJS, from the office's hands to the citizen's."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from kis_portal.identifiers import noka_validator
from kis_portal.wilayah.models import Desa
from rekap_bpjs.models import Batch
from usulan.models import Anggota


class Kanal(models.TextChoices):
    """Who hands a card on: the SOP PBI's channels (docs/domain.md, "Cards")."""

    DESA = "desa", "Desa/kelurahan"
    PKH = "pkh", "Pendamping PKH"
    PSM = "psm", "PSM"
    TKSK = "tksk", "TKSK"
    STAF = "staf", "Staf dinas"
    KELURAHAN = "kelurahan", "Petugas kelurahan"
    KANTOR = "kantor", "Diambil warga di kantor dinas"


class Kartu(models.Model):
    """One JKN-KIS card and where it is now."""

    class Status(models.TextChoices):
        DITERIMA_DINSOS = "dinsos", "Diterima Dinsos"
        DISERAHKAN = "diserahkan", "Diserahkan ke desa/penyalur"
        DITERIMA_WARGA = "warga", "Diterima warga"
        DIKEMBALIKAN = "dikembalikan", "Dikembalikan"

    noka = models.CharField(
        "NOKA", max_length=13, unique=True, validators=[noka_validator]
    )
    anggota = models.OneToOneField(
        Anggota, on_delete=models.PROTECT, related_name="kartu"
    )
    # The member's desa, kept on the card for scoping and counting by desa.
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="kartu_set")
    batch = models.ForeignKey(
        Batch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kartu_set",
        verbose_name="rekap",
    )
    status = models.CharField(
        "status",
        max_length=12,
        choices=Status.choices,
        default=Status.DITERIMA_DINSOS,
    )
    diterima_tanggal = models.DateField("diterima dari BPJS")
    diterima_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    serah_terima = models.ForeignKey(
        "SerahTerima",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kartu_set",
        verbose_name="tanda terima",
    )
    diserahkan_tanggal = models.DateField("diserahkan", null=True, blank=True)
    warga_tanggal = models.DateField("diterima warga", null=True, blank=True)
    warga_foto = models.FileField(
        "foto penyerahan", upload_to="kartu/foto/%Y/%m/", blank=True, max_length=200
    )
    warga_dikonfirmasi_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kembali_alasan = models.CharField("alasan dikembalikan", max_length=250, blank=True)
    kembali_tanggal = models.DateField("dikembalikan", null=True, blank=True)
    created_at = models.DateTimeField("dicatat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["desa__nama", "anggota__nama", "pk"]
        verbose_name = "kartu"
        verbose_name_plural = "kartu"
        indexes = [
            models.Index(fields=["status", "desa"]),
            models.Index(fields=["status", "diterima_tanggal"]),
        ]

    def __str__(self) -> str:
        return f"Kartu {self.noka}"

    def get_absolute_url(self) -> str:
        return reverse("distribusi:kartu_detail", args=[self.pk])


def scan_path(instance: "SerahTerima", filename: str) -> str:
    ext = "pdf" if instance.scan_content_type == "application/pdf" else "jpg"
    return f"serah-terima/{instance.tahun}/{secrets.token_hex(16)}.{ext}"


class SerahTerima(models.Model):
    """A numbered hand-over (berita acara serah terima) of one or more cards."""

    nomor = models.CharField("nomor", max_length=30, unique=True)
    tahun = models.PositiveSmallIntegerField("tahun")
    urut = models.PositiveIntegerField("nomor urut")
    tanggal = models.DateField("tanggal")
    kanal = models.CharField("diserahkan melalui", max_length=10, choices=Kanal.choices)
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="serah_terima_set",
    )
    penerima_nama = models.CharField("nama penerima", max_length=150)
    penerima_jabatan = models.CharField("jabatan penerima", max_length=100, blank=True)
    penerima_telepon = models.CharField("nomor HP penerima", max_length=15, blank=True)
    catatan = models.CharField("catatan", max_length=250, blank=True)
    # The rows printed on the receipt, frozen when it was made.
    rincian = models.JSONField("rincian kartu", default=list)
    jumlah = models.PositiveIntegerField("jumlah kartu")
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    # A double click on "Serahkan" finds the hand-over its first click made.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    scan = models.FileField(
        "scan bertanda tangan", upload_to=scan_path, blank=True, max_length=200
    )
    scan_content_type = models.CharField(max_length=30, blank=True)
    scan_uploaded_at = models.DateTimeField("scan diunggah", null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-tahun", "-urut"]
        verbose_name = "tanda terima kartu"
        verbose_name_plural = "tanda terima kartu"
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "urut"], name="serah_terima_number_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.nomor

    def get_absolute_url(self) -> str:
        return reverse("distribusi:serah_terima_detail", args=[self.pk])

    @property
    def ditandatangani(self) -> bool:
        return bool(self.scan)


class NomorUrut(models.Model):
    """The last number given per kind and year; its row is the numbering lock."""

    jenis = models.CharField(max_length=10)
    tahun = models.PositiveSmallIntegerField()
    terakhir = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jenis", "tahun"], name="nomor_urut_once"),
        ]

    def __str__(self) -> str:
        return f"{self.jenis}/{self.tahun}: {self.terakhir}"
