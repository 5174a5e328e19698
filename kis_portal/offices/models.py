from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from .choices import (
    BerlakuUntuk,
    ColumnFormat,
    JenisUsulan,
    Kategori,
    Kondisi,
    Level,
    SheetSplit,
)
from .fields import EXPORT_FIELDS
from .result_headers import default_header_sinonim_hasil, header_sinonim_errors


def default_priority_order() -> list[str]:
    return list(Kategori.values)


class OfficeProfile(models.Model):
    """One office's rules: documents, quota, cut-off day, priorities, export layouts."""

    slug = models.SlugField("kode profil", max_length=40, unique=True)
    nama_dinas = models.CharField("nama dinas", max_length=150)
    pemerintah = models.CharField(
        "pemerintah daerah", max_length=150, help_text="Baris pertama kop surat."
    )
    alamat = models.CharField("alamat kantor", max_length=250, blank=True)
    kota_surat = models.CharField(
        "kota pada tanggal surat",
        max_length=60,
        blank=True,
        help_text="Misalnya Singaraja.",
    )
    telepon = models.CharField("telepon", max_length=60, blank=True)
    email = models.CharField("email", max_length=120, blank=True)
    website = models.CharField("situs web", max_length=120, blank=True)
    kepala_nama = models.CharField("nama Kepala Dinas", max_length=120, blank=True)
    kepala_nip = models.CharField("NIP Kepala Dinas", max_length=30, blank=True)
    is_active = models.BooleanField(
        "profil aktif", default=False, help_text="Hanya satu profil yang aktif."
    )

    monthly_quota = models.PositiveIntegerField(
        "kuota per bulan (orang)",
        null=True,
        blank=True,
        help_text="Kosongkan bila kantor tidak memakai kuota.",
    )
    cutoff_day = models.PositiveSmallIntegerField(
        "tanggal batas kirim ke BPJS",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    priority_order = models.JSONField(
        "urutan prioritas kategori",
        default=default_priority_order,
        help_text="Daftar kode kategori, dari prioritas tertinggi.",
    )
    field_check_required = models.BooleanField(
        "cek lapangan dan ACC Kadis untuk non-DTKS", default=True
    )
    sk_penetapan = models.BooleanField("menerbitkan SK penetapan", default=False)
    wajib_no_hp = models.BooleanField("nomor HP wajib diisi", default=False)
    wajib_faskes = models.BooleanField("faskes wajib diisi", default=False)
    verification_days = models.PositiveSmallIntegerField(
        "target hari verifikasi", default=20, validators=[MinValueValidator(1)]
    )
    sheet_split = models.CharField(
        "pembagian sheet ekspor",
        max_length=10,
        choices=SheetSplit.choices,
        default=SheetSplit.LAYOUT,
    )
    recap_per_desa = models.BooleanField("rekap per desa", default=True)
    header_sinonim_hasil = models.JSONField(
        "judul kolom tambahan di berkas hasil BPJS",
        default=default_header_sinonim_hasil,
        blank=True,
        help_text=(
            "Ejaan judul kolom yang dipakai cabang BPJS di berkas hasil, selain yang "
            'sudah dikenali. Misalnya {"nik": ["NIK PESERTA"], "status": '
            '["STATUS PROSES"]}. Kunci: nik, nama, no_kk, noka, status, keterangan, tmt.'
        ),
    )
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "profil kantor"
        verbose_name_plural = "profil kantor"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="offices_one_active_profile",
                violation_error_message="Sudah ada profil lain yang aktif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama_dinas} ({self.slug})"

    def clean(self) -> None:
        if problem := header_sinonim_errors(self.header_sinonim_hasil):
            raise ValidationError({"header_sinonim_hasil": problem})
        order = self.priority_order
        if not isinstance(order, list) or sorted(order) != sorted(Kategori.values):
            raise ValidationError(
                {
                    "priority_order": "Urutan prioritas harus memuat setiap kategori tepat "
                    f"satu kali: {', '.join(Kategori.values)}."
                }
            )

    def requirements_for(
        self, *, jenis: str, level: str
    ) -> list["DocumentRequirement"]:
        """Requirements of one level that apply to a kind of usulan (before conditions)."""
        return [
            req
            for req in self.requirements.all()
            if req.level == level and req.berlaku_untuk in (BerlakuUntuk.ALL, jenis)
        ]


class DocumentRequirement(models.Model):
    """A document the office asks for, at a level, for a kind of usulan, on a condition."""

    profile = models.ForeignKey(
        OfficeProfile, on_delete=models.CASCADE, related_name="requirements"
    )
    kode = models.SlugField("kode", max_length=40)
    nama = models.CharField("nama dokumen", max_length=150)
    keterangan = models.CharField("keterangan", max_length=250, blank=True)
    level = models.CharField("tingkat", max_length=10, choices=Level.choices)
    berlaku_untuk = models.CharField(
        "berlaku untuk",
        max_length=5,
        choices=BerlakuUntuk.choices,
        default=BerlakuUntuk.ALL,
    )
    kondisi = models.CharField(
        "syarat berlaku", max_length=20, choices=Kondisi.choices, default=Kondisi.ALWAYS
    )
    bermeterai = models.BooleanField("wajib bermeterai/cap", default=False)
    urutan = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        ordering = ["profile", "urutan", "pk"]
        verbose_name = "persyaratan dokumen"
        verbose_name_plural = "persyaratan dokumen"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "kode"], name="offices_requirement_kode_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.nama


class ExportColumn(models.Model):
    """One column of an export layout (MIG34 or MIG37), in order."""

    profile = models.ForeignKey(
        OfficeProfile, on_delete=models.CASCADE, related_name="columns"
    )
    layout = models.CharField("format", max_length=5, choices=JenisUsulan.choices)
    urutan = models.PositiveSmallIntegerField("urutan")
    header = models.CharField(
        "judul kolom",
        max_length=80,
        validators=[
            RegexValidator(
                r"^[^=+\-@\t\r]", "Judul kolom tidak boleh diawali =, +, -, @."
            )
        ],
    )
    field = models.CharField(
        "sumber data", max_length=30, choices=sorted(EXPORT_FIELDS.items())
    )
    format = models.CharField(
        "format", max_length=20, choices=ColumnFormat.choices, default=ColumnFormat.TEXT
    )

    class Meta:
        ordering = ["profile", "layout", "urutan"]
        verbose_name = "kolom ekspor"
        verbose_name_plural = "kolom ekspor"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "layout", "urutan"],
                name="offices_column_position_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layout} #{self.urutan} {self.header}"
