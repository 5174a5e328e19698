"""Inbox messages for desa operators, outgoing SMS/WhatsApp, status-check attempts."""

from django.conf import settings
from django.db import models

from distribusi.models import SerahTerima
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota, Usulan


class Jenis(models.TextChoices):
    """The status changes a desa and its citizens are told about, and account slips."""

    DIKEMBALIKAN = "dikembalikan", "Usulan dikembalikan"
    DITOLAK = "ditolak", "Usulan ditolak"
    DIKIRIM = "dikirim", "Dikirim ke BPJS"
    TERDAFTAR = "terdaftar", "Terdaftar di BPJS"
    GAGAL_BPJS = "gagal_bpjs", "Gagal di BPJS"
    KARTU_SIAP = "kartu_siap", "Kartu siap dibagikan"
    # Not a status change: BPJS deactivated participants (rekap_bpjs.signals).
    NONAKTIF = "nonaktif", "Peserta dinonaktifkan BPJS"
    # Not a status change of the desa's own usulan: a faskes registered an urgent
    # patient who lives in the desa (docs/domain.md, "Pasien darurat dari faskes").
    DARURAT = "darurat", "Pasien darurat dari faskes"
    # Not a status change: an account's one-time password (kis_portal.accounts).
    AKUN = "akun", "Kata sandi akun portal"


class Pesan(models.Model):
    """One message in a desa's inbox: every operator of the desa sees it."""

    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="pesan_set", verbose_name="desa"
    )
    jenis = models.CharField("jenis", max_length=20, choices=Jenis.choices)
    judul = models.CharField("judul", max_length=200)
    isi = models.TextField("isi", blank=True)
    tautan = models.CharField("tautan", max_length=200, blank=True)
    usulan = models.ForeignKey(
        Usulan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="usulan",
    )
    # Cards handed over under one receipt share one message (with a count).
    serah_terima = models.ForeignKey(
        SerahTerima,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tanda terima",
    )
    jumlah = models.PositiveIntegerField("jumlah", default=1)
    created_at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pesan"
        verbose_name_plural = "pesan"
        indexes = [models.Index(fields=["desa", "-created_at"])]

    def __str__(self) -> str:
        return self.judul


class PesanDibaca(models.Model):
    """One operator has read one message (read state is per user)."""

    pesan = models.ForeignKey(
        Pesan, on_delete=models.CASCADE, related_name="dibaca_set"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField("dibaca", auto_now_add=True)

    class Meta:
        verbose_name = "pesan dibaca"
        verbose_name_plural = "pesan dibaca"
        constraints = [
            models.UniqueConstraint(fields=["pesan", "user"], name="pesan_dibaca_once")
        ]

    def __str__(self) -> str:
        return f"{self.pesan_id} dibaca {self.user_id}"


class PesanKeluar(models.Model):
    """An SMS/WhatsApp message to a citizen, sent by the configured backend."""

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu dikirim"
        MENGIRIM = "mengirim", "Sedang dikirim"
        ULANG = "ulang", "Gagal, akan dicoba lagi"
        TERKIRIM = "terkirim", "Terkirim"
        GAGAL = "gagal", "Gagal (batas percobaan habis)"

    class Kanal(models.TextChoices):
        SMS = "sms", "SMS"
        WHATSAPP = "whatsapp", "WhatsApp"

    pesan = models.ForeignKey(
        Pesan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="keluar_set",
    )
    anggota = models.ForeignKey(
        Anggota, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    jenis = models.CharField("jenis", max_length=20, choices=Jenis.choices)
    kanal = models.CharField("kanal", max_length=10, choices=Kanal.choices)
    tujuan = models.CharField("nomor tujuan", max_length=20)
    isi = models.TextField("isi pesan")
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.MENUNGGU
    )
    percobaan = models.PositiveSmallIntegerField("percobaan", default=0)
    next_attempt_at = models.DateTimeField("coba berikutnya", null=True, blank=True)
    error_terakhir = models.CharField("kesalahan terakhir", max_length=500, blank=True)
    riwayat = models.JSONField("riwayat percobaan", default=list, blank=True)
    backend = models.CharField("backend", max_length=100, blank=True)
    id_gateway = models.CharField("ID dari gateway", max_length=100, blank=True)
    sent_at = models.DateTimeField("terkirim", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"
        # The name was generated when the column was berikutnya_at.
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notifikasi__status_3fe328_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Pesan keluar {self.pk} ({self.get_status_display()})"
