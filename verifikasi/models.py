import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from usulan.models import Anggota, Usulan


class Klaim(models.Model):
    """A verifier holds an usulan for a while so two verifiers don't check the same one."""

    usulan = models.OneToOneField(
        Usulan, on_delete=models.CASCADE, related_name="klaim"
    )
    verifikator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField("berlaku sampai")

    class Meta:
        verbose_name = "klaim verifikasi"
        verbose_name_plural = "klaim verifikasi"

    def __str__(self) -> str:
        return f"{self.usulan} oleh {self.verifikator}"


class Pemeriksaan(models.Model):
    """One verification round of an usulan: the checklist and the decision."""

    class Keputusan(models.TextChoices):
        TERIMA = "terima", "Diterima"
        KEMBALIKAN = "kembalikan", "Dikembalikan ke desa"
        TOLAK = "tolak", "Ditolak"

    usulan = models.ForeignKey(
        Usulan, on_delete=models.CASCADE, related_name="pemeriksaan_set"
    )
    putaran = models.PositiveSmallIntegerField("putaran")
    verifikator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keputusan = models.CharField("keputusan", max_length=12, choices=Keputusan.choices)
    alasan = models.TextField("alasan", blank=True)
    created_at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        ordering = ["usulan", "putaran"]
        verbose_name = "pemeriksaan"
        verbose_name_plural = "pemeriksaan"
        constraints = [
            # One decision per round: a second verifier deciding at once fails here.
            models.UniqueConstraint(
                fields=["usulan", "putaran"], name="pemeriksaan_one_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usulan} putaran {self.putaran}: {self.get_keputusan_display()}"


class PemeriksaanItem(models.Model):
    """One ticked line of the checklist: a document or a data check."""

    pemeriksaan = models.ForeignKey(
        Pemeriksaan, on_delete=models.CASCADE, related_name="items"
    )
    item = models.CharField("kode item", max_length=60)
    item_label = models.CharField("item", max_length=150)
    anggota = models.ForeignKey(
        Anggota, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ada = models.BooleanField("ada", default=False)
    valid = models.BooleanField("valid", default=False)
    bermeterai = models.BooleanField("bermeterai/cap", null=True, blank=True)
    alasan = models.CharField("alasan", max_length=300, blank=True)

    class Meta:
        ordering = ["pemeriksaan", "pk"]
        verbose_name = "item pemeriksaan"
        verbose_name_plural = "item pemeriksaan"

    def __str__(self) -> str:
        return self.item_label


class CekLapangan(models.Model):
    """The field check of a household not in DTKS (visit, findings, recommendation)."""

    class Rekomendasi(models.TextChoices):
        LAYAK = "layak", "Layak dibantu"
        TIDAK_LAYAK = "tidak_layak", "Tidak layak"

    usulan = models.ForeignKey(
        Usulan, on_delete=models.CASCADE, related_name="cek_lapangan_set"
    )
    petugas = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tanggal_kunjungan = models.DateField("tanggal kunjungan")
    temuan = models.TextField("temuan di lapangan")
    rekomendasi = models.CharField(
        "rekomendasi", max_length=12, choices=Rekomendasi.choices
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "cek lapangan"
        verbose_name_plural = "cek lapangan"

    def __str__(self) -> str:
        return f"Cek lapangan {self.usulan}"


def foto_path(instance: "FotoLapangan", filename: str) -> str:
    return f"lapangan/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.jpg"


class FotoLapangan(models.Model):
    cek = models.ForeignKey(
        CekLapangan, on_delete=models.CASCADE, related_name="foto_set"
    )
    file = models.FileField("foto", upload_to=foto_path, max_length=200)
    content_type = models.CharField("jenis berkas", max_length=30)
    size = models.PositiveIntegerField("ukuran (byte)")
    sha256 = models.CharField("sidik SHA-256", max_length=64)

    class Meta:
        verbose_name = "foto lapangan"
        verbose_name_plural = "foto lapangan"

    def __str__(self) -> str:
        return f"Foto {self.cek}"

    def get_absolute_url(self) -> str:
        return reverse("verifikasi:foto", args=[self.pk])


class Persetujuan(models.Model):
    """The head of office's decision on a non-DTKS case (ACC Kepala Dinas)."""

    class Keputusan(models.TextChoices):
        SETUJU = "setuju", "Disetujui"
        TOLAK = "tolak", "Tidak disetujui"

    usulan = models.OneToOneField(
        Usulan, on_delete=models.CASCADE, related_name="persetujuan"
    )
    kadis = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keputusan = models.CharField("keputusan", max_length=8, choices=Keputusan.choices)
    alasan = models.TextField("alasan", blank=True)
    created_at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        verbose_name = "persetujuan Kepala Dinas"
        verbose_name_plural = "persetujuan Kepala Dinas"
        constraints = [
            models.CheckConstraint(
                condition=Q(keputusan="setuju") | ~Q(alasan=""),
                name="persetujuan_tolak_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usulan}: {self.get_keputusan_display()}"


class SkPenetapan(models.Model):
    """A numbered decree of the approved people of a period (Lombok Timur)."""

    nomor = models.CharField("nomor SK", max_length=60, unique=True)
    tahun = models.PositiveSmallIntegerField("tahun")
    urut = models.PositiveIntegerField("nomor urut")
    periode = models.CharField("periode (YYYY-MM)", max_length=7)
    tanggal = models.DateField("tanggal")
    kadis = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    anggota = models.ManyToManyField(Anggota, related_name="sk_set")
    file = models.FileField("berkas PDF", upload_to="sk/%Y/", blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["-tahun", "-urut"]
        verbose_name = "SK penetapan"
        verbose_name_plural = "SK penetapan"
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "urut"], name="sk_number_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.nomor
