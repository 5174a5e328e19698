from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

kode_kecamatan_validator = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}$", "Kode kecamatan harus berbentuk 51.08.01."
)
kode_desa_validator = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", "Kode desa harus berbentuk 51.08.01.2001."
)


class Kecamatan(models.Model):
    kode = models.CharField(
        "kode", max_length=8, unique=True, validators=[kode_kecamatan_validator]
    )
    nama = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["kode"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

    def __str__(self) -> str:
        return f"{self.nama} ({self.kode})"

    @property
    def nik_prefix(self) -> str:
        """The first six NIK digits of people registered in this kecamatan."""
        return self.kode.replace(".", "")


class Desa(models.Model):
    class Jenis(models.TextChoices):
        DESA = "desa", "Desa"
        KELURAHAN = "kelurahan", "Kelurahan"

    kode = models.CharField(
        "kode", max_length=13, unique=True, validators=[kode_desa_validator]
    )
    nama = models.CharField("nama", max_length=100)
    jenis = models.CharField("jenis", max_length=10, choices=Jenis.choices)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        related_name="desa_set",
        verbose_name="kecamatan",
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = "desa/kelurahan"
        verbose_name_plural = "desa/kelurahan"

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.nama}"

    def get_absolute_url(self) -> str:
        return reverse("wilayah:desa_detail", args=[self.kode])

    @staticmethod
    def jenis_from_kode(kode: str) -> str:
        """Kemendagri numbering: 1xxx is a kelurahan, 2xxx a desa."""
        return (
            Desa.Jenis.KELURAHAN
            if kode.rsplit(".", 1)[-1].startswith("1")
            else Desa.Jenis.DESA
        )
