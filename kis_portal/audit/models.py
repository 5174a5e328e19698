from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEvent(models.Model):
    """One append-only record of who did what to which record, and when.

    Status changes carry from/to and the reason. Who saw a person's data is kept
    in `AksesData` (older rows carry the action `view_personal`). Rows are never
    updated or deleted (on PostgreSQL a trigger refuses it).
    """

    class Action(models.TextChoices):
        CREATE = "create", "Dibuat"
        UPDATE = "update", "Diubah"
        DELETE = "delete", "Dihapus"
        STATUS = "status", "Perubahan status"
        VIEW_PERSONAL = "view_personal", "Melihat data pribadi lengkap"
        EXPORT = "export", "Ekspor/unduh"
        IMPORT = "import", "Impor"
        LOGIN = "login", "Masuk"
        LOGOUT = "logout", "Keluar"
        LOGIN_FAILED = "login_failed", "Gagal masuk"
        CONFIG = "config", "Perubahan pengaturan"

    created_at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="oleh",
    )
    action = models.CharField("tindakan", max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField("id objek", max_length=64, blank=True)
    object_repr = models.CharField("objek", max_length=200, blank=True)
    from_status = models.CharField("status lama", max_length=40, blank=True)
    to_status = models.CharField("status baru", max_length=40, blank=True)
    reason = models.TextField("alasan", blank=True)
    data = models.JSONField("rincian", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "jejak audit"
        verbose_name_plural = "jejak audit"
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        # Integrity guard, not business flow: history is append-only.
        if self.pk is not None:
            raise ValueError("Jejak audit tidak boleh diubah.")
        super().save(*args, **kwargs)


class AksesData(models.Model):
    """One append-only record that someone saw, exported or printed a person's data.

    Who (`actor`, `peran`), when, what (`tindakan`, `halaman`), whose (`niks`
    and/or the ids of the records shown, `subjek_tipe` + `subjek_ids`) and why
    (`tujuan`). Lists record the ids shown and their count. NIKs and ids are
    stored space-separated with a space at both ends, so " <nik> " finds one
    exactly on SQLite and PostgreSQL alike. Rows are never updated or deleted
    (on PostgreSQL a trigger refuses it).
    """

    class Tindakan(models.TextChoices):
        LIHAT = "lihat", "Melihat halaman"
        DAFTAR = "daftar", "Melihat daftar"
        CARI = "cari", "Mencari"
        UNDUH = "unduh", "Mengunduh berkas"
        EKSPOR = "ekspor", "Ekspor (XLSX)"
        CETAK = "cetak", "Cetak (PDF)"

    created_at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="oleh",
    )
    peran = models.CharField("peran", max_length=30, blank=True)
    tindakan = models.CharField("tindakan", max_length=10, choices=Tindakan.choices)
    halaman = models.CharField("halaman/berkas", max_length=100)
    tujuan = models.CharField("tujuan", max_length=100)
    subjek_tipe = models.CharField("jenis data", max_length=30, blank=True)
    subjek_ids = models.TextField("id data", blank=True)
    niks = models.TextField("NIK", blank=True)
    jumlah = models.PositiveIntegerField("jumlah data", default=0)
    keterangan = models.CharField("keterangan", max_length=250, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "catatan akses data pribadi"
        verbose_name_plural = "catatan akses data pribadi"
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.tindakan} {self.halaman}"

    def save(self, *args, **kwargs) -> None:
        # Integrity guard, not business flow: access records are append-only.
        if self.pk is not None:
            raise ValueError("Catatan akses data tidak boleh diubah.")
        super().save(*args, **kwargs)

    @property
    def nik_list(self) -> list[str]:
        return self.niks.split()

    @property
    def id_list(self) -> list[str]:
        return self.subjek_ids.split()
