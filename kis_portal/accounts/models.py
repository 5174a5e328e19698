from django.conf import settings
from django.db import models

from kis_portal.wilayah.models import Desa, Kecamatan


class UserProfile(models.Model):
    """What a user works on: an operator's one desa, a verifier's kecamatan."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operator_profiles",
        verbose_name="desa/kelurahan",
        help_text="Wajib untuk operator desa: satu operator untuk tepat satu desa.",
    )
    kecamatan = models.ManyToManyField(
        Kecamatan,
        blank=True,
        related_name="+",
        verbose_name="kecamatan tugas",
        help_text="Untuk verifikator/petugas lapangan: kosong berarti seluruh kabupaten.",
    )
    jabatan = models.CharField("jabatan", max_length=100, blank=True)
    nip = models.CharField("NIP", max_length=30, blank=True)
    telepon = models.CharField("telepon", max_length=20, blank=True)

    class Meta:
        verbose_name = "profil pengguna"
        verbose_name_plural = "profil pengguna"

    def __str__(self) -> str:
        return f"Profil {self.user}"
