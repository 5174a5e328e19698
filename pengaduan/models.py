"""Complaints about an usulan or a card; guest book (docs/domain.md, "Complaints")."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kis_portal.wilayah.models import Desa
from usulan.models import Anggota, Usulan, new_nomor

from . import targets


def new_pengaduan_nomor() -> str:
    # Random like usulan numbers: a citizen quotes it, nobody can enumerate it.
    return new_nomor("A")


class Pengaduan(models.Model):
    """One complaint, from a desa operator, the counter or the public form."""

    class Kategori(models.TextChoices):
        BELUM_DICETAK = "belum_dicetak", "Kartu belum dicetak/belum terbit"
        TERLAMBAT = "terlambat", "Proses usulan/kartu terlambat"
        DATA_SALAH = "data_salah", "Data pada kartu salah"
        TIDAK_DITERIMA = "tidak_diterima", "Kartu tidak diterima warga"
        LAINNYA = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        BARU = "baru", "Baru"
        DIPROSES = "diproses", "Diproses"
        MENUNGGU_BPJS = "menunggu_bpjs", "Menunggu BPJS"
        MENUNGGU_DINKES = "menunggu_dinkes", "Menunggu Dinkes"
        MENUNGGU_DUKCAPIL = "menunggu_dukcapil", "Menunggu Dukcapil"
        SELESAI = "selesai", "Selesai"

    class Sumber(models.TextChoices):
        DESA = "desa", "Operator desa"
        LOKET = "loket", "Loket/kantor dinas"
        PUBLIK = "publik", "Formulir publik"

    nomor = models.CharField(
        "nomor pengaduan", max_length=20, unique=True, default=new_pengaduan_nomor
    )
    sumber = models.CharField("sumber", max_length=6, choices=Sumber.choices)
    kategori = models.CharField("kategori", max_length=20, choices=Kategori.choices)
    uraian = models.TextField("uraian pengaduan", max_length=3000)
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        related_name="pengaduan_set",
        verbose_name="desa/kelurahan",
    )
    usulan = models.ForeignKey(
        Usulan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pengaduan_set",
        verbose_name="usulan",
    )
    anggota = models.ForeignKey(
        Anggota,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pengaduan_set",
        verbose_name="anggota",
    )
    pelapor_nama = models.CharField("nama pelapor", max_length=150)
    pelapor_telepon = models.CharField("nomor HP pelapor", max_length=15, blank=True)
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.BARU,
        db_index=True,
    )
    petugas = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pengaduan_ditangani",
        verbose_name="petugas",
    )
    # The target day, fixed when the complaint arrives (KIS_PENGADUAN_TARGET_HARI).
    tenggat = models.DateField("target selesai")
    resolved_at = models.DateTimeField("selesai", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dicatat oleh",
    )
    created_at = models.DateTimeField("masuk", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pengaduan"
        verbose_name_plural = "pengaduan"
        indexes = [
            models.Index(fields=["desa", "status", "-created_at"]),
            models.Index(fields=["status", "tenggat"]),
        ]

    def __str__(self) -> str:
        return f"Pengaduan {self.nomor}"

    def get_absolute_url(self) -> str:
        return reverse("pengaduan:detail", args=[self.pk])

    @property
    def terbuka(self) -> bool:
        return self.status != self.Status.SELESAI

    @property
    def terlambat(self) -> bool:
        return targets.terlambat(terbuka=self.terbuka, tenggat=self.tenggat)


class Tanggapan(models.Model):
    """A reply on a complaint; internal notes are never shown to the desa."""

    pengaduan = models.ForeignKey(
        Pengaduan, on_delete=models.CASCADE, related_name="tanggapan_set"
    )
    isi = models.TextField("tanggapan", max_length=3000)
    internal = models.BooleanField(
        "catatan internal (tidak terlihat desa)", default=False
    )
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "tanggapan"
        verbose_name_plural = "tanggapan"

    def __str__(self) -> str:
        return f"Tanggapan {self.pengaduan.nomor}"


def lampiran_path(instance: "Lampiran", filename: str) -> str:
    # Generated names only: the uploader's file name is kept as data, never as a path.
    ext = "pdf" if instance.content_type == "application/pdf" else "jpg"
    return f"pengaduan/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Lampiran(models.Model):
    """A file attached to a complaint, checked by content before it is stored."""

    pengaduan = models.ForeignKey(
        Pengaduan, on_delete=models.CASCADE, related_name="lampiran_set"
    )
    berkas = models.FileField("berkas", upload_to=lampiran_path, max_length=200)
    content_type = models.CharField(max_length=30)
    nama_asli = models.CharField("nama berkas", max_length=200)
    ukuran = models.PositiveIntegerField("ukuran (byte)")
    sha256 = models.CharField(max_length=64)
    diunggah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("diunggah", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "lampiran pengaduan"
        verbose_name_plural = "lampiran pengaduan"

    def __str__(self) -> str:
        return self.nama_asli

    def get_absolute_url(self) -> str:
        return reverse("pengaduan:lampiran", args=[self.pk])


class BukuTamu(models.Model):
    """One visitor at the counter: who, what for, and when they came in."""

    class Keperluan(models.TextChoices):
        KONSULTASI = "konsultasi", "Konsultasi/informasi"
        DAFTAR = "daftar", "Mendaftarkan usulan"
        BERKAS = "berkas", "Menyerahkan/melengkapi berkas"
        KARTU = "kartu", "Mengambil kartu"
        PENGADUAN = "pengaduan", "Pengaduan"
        LAINNYA = "lainnya", "Lainnya"

    nama = models.CharField("nama tamu", max_length=150)
    asal = models.CharField("alamat/asal desa", max_length=150, blank=True)
    telepon = models.CharField("nomor HP", max_length=15, blank=True)
    keperluan = models.CharField("keperluan", max_length=12, choices=Keperluan.choices)
    keterangan = models.CharField("keterangan", max_length=250, blank=True)
    waktu_masuk = models.DateTimeField("waktu masuk", db_index=True)
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    class Meta:
        ordering = ["waktu_masuk", "pk"]
        verbose_name = "buku tamu"
        verbose_name_plural = "buku tamu"

    def __str__(self) -> str:
        return f"{self.nama} ({self.waktu_masuk:%d-%m-%Y %H:%M})"
