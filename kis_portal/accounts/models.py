from django.conf import settings
from django.db import models

from kis_portal.identifiers import faskes_validator
from kis_portal.wilayah.models import Desa, Kecamatan


class UserProfile(models.Model):
    """What a user works on (an operator's one desa, a verifier's kecamatan), and
    the state of the account: a one-time password waiting to be changed, why it
    was deactivated."""

    class Deactivation(models.TextChoices):
        DORMANT = "diam", "Tidak masuk terlalu lama (otomatis)"
        REPLACED = "diganti", "Diganti operator baru"
        ADMIN = "admin", "Dinonaktifkan admin"

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
    # A faskes user's one health facility (BPJS code and name): it sees only the
    # urgent cases of this faskes. Blank for every other role.
    kode_faskes = models.CharField(
        "kode faskes",
        max_length=8,
        blank=True,
        validators=[faskes_validator],
        help_text="Wajib untuk petugas faskes: kode faskes BPJS, 8 karakter.",
    )
    nama_faskes = models.CharField("nama faskes", max_length=150, blank=True)
    jabatan = models.CharField("jabatan", max_length=100, blank=True)
    nip = models.CharField("NIP", max_length=30, blank=True)
    telepon = models.CharField("telepon", max_length=20, blank=True)
    # The password is a one-time one (issued by the admin, printed on a slip): the
    # user must replace it at the next login, and it stops working after expiry.
    password_temporary = models.BooleanField("kata sandi sementara", default=False)
    password_expires_at = models.DateTimeField(
        "kata sandi sementara berlaku sampai", null=True, blank=True
    )
    deactivated_at = models.DateTimeField("dinonaktifkan", null=True, blank=True)
    # An account switched on again counts as active from then (the dormant clock
    # restarts), whatever its last login.
    reactivated_at = models.DateTimeField("diaktifkan kembali", null=True, blank=True)
    deactivation_reason = models.CharField(
        "alasan nonaktif", max_length=10, choices=Deactivation.choices, blank=True
    )

    class Meta:
        verbose_name = "profil pengguna"
        verbose_name_plural = "profil pengguna"

    def __str__(self) -> str:
        return f"Profil {self.user}"

    def password_expired(self, now) -> bool:
        """Whether the one-time password ran out before it was replaced."""
        return bool(
            self.password_temporary
            and self.password_expires_at is not None
            and self.password_expires_at <= now
        )
