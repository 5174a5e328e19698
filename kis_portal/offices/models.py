from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from .choices import (
    ALASAN_SURAT_FASKES_DEFAULT,
    AlasanReaktivasi,
    BerlakuUntuk,
    ColumnFormat,
    DokumenTtd,
    JenisUsulan,
    Kategori,
    KodeWilayah,
    Kondisi,
    Level,
    SheetSplit,
)
from .defaults import PETA_KODE, nilai_tetap_default, peta_kode_default
from .desil import DesilRekap, aturan_desil_default, aturan_desil_errors
from .fields import CODED_FIELDS, CONSTANT_FIELDS, EXPORT_FIELDS
from .result_headers import (
    NONAKTIF_HEADER_FIELDS,
    default_header_sinonim_hasil,
    default_header_sinonim_nonaktif,
    header_sinonim_errors,
)

SK_DIKTUM_DEFAULT = (
    "Menetapkan penduduk yang namanya tercantum dalam keputusan ini sebagai peserta "
    "Penerima Bantuan Iuran (PBI) Jaminan Kesehatan yang iurannya dibayar dari APBD, "
    "untuk diusulkan kepada BPJS Kesehatan.\n"
    "Keputusan ini berlaku sejak tanggal ditetapkan."
)
SK_DIKTUM_MAX = 10  # KESATU ... KESEPULUH (verifikasi.approval.DIKTUM)
NOMOR_SURAT_DEFAULT = "{urut}/REKAP-BPJS/{tahun}"
# Only these placeholders: the pattern is filled with str.format.
nomor_surat_validator = RegexValidator(
    r"^(?:[^{}]|\{(?:urut|tahun|bulan)\})*\{urut\}(?:[^{}]|\{(?:urut|tahun|bulan)\})*$",
    "Pola nomor harus memuat {urut} dan hanya boleh memakai {urut}, {tahun}, {bulan}.",
)


def default_priority_order() -> list[str]:
    return list(Kategori.values)


def default_alasan_surat_faskes() -> list[str]:
    return list(ALASAN_SURAT_FASKES_DEFAULT)


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
    kepala_pangkat = models.CharField(
        "pangkat/golongan Kepala Dinas",
        max_length=80,
        blank=True,
        help_text="Misalnya Pembina Utama Muda (IV/c).",
    )
    kepala_jabatan = models.CharField(
        "jabatan Kepala Dinas",
        max_length=150,
        blank=True,
        help_text='Kosongkan untuk "Kepala" dan nama dinas.',
    )
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
    reaktivasi_batas_bulan = models.PositiveSmallIntegerField(
        "batas reaktivasi PBI (bulan sejak dinonaktifkan)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Di dalam batas ini usulan reaktivasi masuk jalur reaktivasi "
        "(didahulukan di rekap BPJS); lewat batas, usulan ditandai untuk verifikator.",
    )
    reaktivasi_alasan_surat_faskes = models.JSONField(
        "alasan reaktivasi yang wajib surat faskes",
        default=default_alasan_surat_faskes,
        blank=True,
        help_text="Kode alasan: " + ", ".join(AlasanReaktivasi.values) + ".",
    )
    header_sinonim_nonaktif = models.JSONField(
        "judul kolom tambahan di daftar peserta nonaktif BPJS",
        default=default_header_sinonim_nonaktif,
        blank=True,
        help_text=(
            "Ejaan judul kolom daftar peserta nonaktif selain yang sudah dikenali. "
            'Misalnya {"tanggal": ["TGL NONAKTIF PESERTA"]}. Kunci: '
            + ", ".join(NONAKTIF_HEADER_FIELDS)
            + "."
        ),
    )
    # Urgent cases from a faskes (docs/domain.md, "Pasien darurat dari faskes").
    darurat_berkas_jam = models.PositiveSmallIntegerField(
        "batas berkas KK/KTP menyusul (jam)",
        default=48,
        validators=[MinValueValidator(1)],
        help_text="Pasien darurat: KK/KTP boleh menyusul paling lambat sekian jam "
        "setelah faskes mengajukan.",
    )
    darurat_target_jam = models.PositiveSmallIntegerField(
        "target keputusan pasien darurat (jam)",
        default=24,
        validators=[MinValueValidator(1)],
        help_text="Antrean darurat verifikator menandai kasus yang menunggu lebih lama.",
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
    aturan_desil = models.JSONField(
        "tabel aturan desil DTSEN",
        default=aturan_desil_default,
        help_text=(
            "Arti desil tiap anggota: daftar baris {dari, sampai, jalur, arti, "
            "justifikasi}; jalur siks_ng (PBI-JK APBN, usulkan lewat SIKS-NG) atau "
            "apbd (calon PBI APBD). Desil 1-10 tepat satu kali, dan satu baris "
            "dengan dari/sampai null untuk yang belum berperingkat."
        ),
    )
    desil_di_rekap = models.CharField(
        "desil pada rekap BPJS",
        max_length=10,
        choices=DesilRekap.choices,
        default=DesilRekap.TAHAN,
        help_text="Pasien darurat (jalur darurat) tidak pernah ditahan.",
    )
    kode_wilayah = models.CharField(
        "penulisan kode wilayah di ekspor",
        max_length=10,
        choices=KodeWilayah.choices,
        default=KodeWilayah.ANGKA,
    )
    nilai_tetap = models.JSONField(
        "nilai tetap ekspor",
        default=nilai_tetap_default,
        help_text="Jenis peserta, kelas rawat, kewarganegaraan: sama untuk setiap baris.",
    )
    peta_kode = models.JSONField(
        "peta kode ekspor",
        default=peta_kode_default,
        help_text="Kode portal -> kode di berkas BPJS, untuk jenis kelamin, status "
        "kawin dan PISAT (dari hubungan dalam KK 1-11).",
    )
    kolom_internal = models.BooleanField(
        "kirim kolom internal kantor",
        default=False,
        help_text="Kategori, status DTKS/desil, nomor usulan, keterangan. Matikan: "
        "BPJS tidak meminta data kemiskinan atau diagnosis (UU 27/2022).",
    )
    nomor_surat_pola = models.CharField(
        "pola nomor surat pengantar",
        max_length=80,
        default=NOMOR_SURAT_DEFAULT,
        validators=[nomor_surat_validator],
        help_text="{urut} nomor urut tahunan tanpa celah, {tahun}, {bulan} (I-XII).",
    )
    sk_menimbang = models.TextField(
        "SK penetapan: menimbang", blank=True, help_text="Satu pertimbangan per baris."
    )
    sk_mengingat = models.TextField(
        "SK penetapan: mengingat", blank=True, help_text="Satu dasar hukum per baris."
    )
    sk_diktum = models.TextField(
        "SK penetapan: memutuskan",
        default=SK_DIKTUM_DEFAULT,
        help_text="Satu diktum per baris; KESATU, KEDUA, ... diberi otomatis.",
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
        errors: dict[str, str] = {}
        if problem := header_sinonim_errors(self.header_sinonim_hasil):
            errors["header_sinonim_hasil"] = problem
        if problem := aturan_desil_errors(self.aturan_desil):
            errors["aturan_desil"] = problem
        if problem := header_sinonim_errors(
            self.header_sinonim_nonaktif, NONAKTIF_HEADER_FIELDS
        ):
            errors["header_sinonim_nonaktif"] = problem
        alasan = self.reaktivasi_alasan_surat_faskes
        if not isinstance(alasan, list) or not set(alasan) <= set(
            AlasanReaktivasi.values
        ):
            errors["reaktivasi_alasan_surat_faskes"] = (
                f"Isi daftar kode alasan, dari: {', '.join(AlasanReaktivasi.values)}."
            )
        order = self.priority_order
        if not isinstance(order, list) or sorted(order) != sorted(Kategori.values):
            errors["priority_order"] = (
                "Urutan prioritas harus memuat setiap kategori tepat "
                f"satu kali: {', '.join(Kategori.values)}."
            )
        constants = self.nilai_tetap
        if (
            not isinstance(constants, dict)
            or sorted(constants) != sorted(CONSTANT_FIELDS)
            or not all(isinstance(v, str) and v.strip() for v in constants.values())
        ):
            errors["nilai_tetap"] = (
                "Nilai tetap harus berisi teks tidak kosong untuk tepat "
                f"{', '.join(CONSTANT_FIELDS)}."
            )
        maps = self.peta_kode
        if not isinstance(maps, dict) or sorted(maps) != sorted(CODED_FIELDS):
            errors["peta_kode"] = f"Peta kode harus berisi {', '.join(CODED_FIELDS)}."
        else:
            for name, codes in maps.items():
                missing = sorted(set(PETA_KODE[name]) - set(codes or {}), key=int_key)
                if (
                    not isinstance(codes, dict)
                    or missing
                    or not all(isinstance(v, str) and v.strip() for v in codes.values())
                ):
                    errors["peta_kode"] = (
                        f"Peta kode {name} harus memberi kode untuk setiap nilai"
                        + (f" (kurang: {', '.join(missing)})." if missing else ".")
                    )
                    break
        dicta = [line for line in (self.sk_diktum or "").splitlines() if line.strip()]
        if not dicta or len(dicta) > SK_DIKTUM_MAX:
            errors["sk_diktum"] = (
                f"Isi 1 sampai {SK_DIKTUM_MAX} diktum, satu per baris (KESATU ...)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def kepala_jabatan_lengkap(self) -> str:
        """The head of office's position as printed above the signature."""
        return self.kepala_jabatan or f"Kepala {self.nama_dinas}"

    def reaktivasi_needs_letter(self, alasan: str) -> bool:
        """Whether a reactivation for this reason needs the faskes letter."""
        return bool(alasan) and alasan in (self.reaktivasi_alasan_surat_faskes or [])


def int_key(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (10**6, value)


class Penandatangan(models.Model):
    """Who signs one kind of document on behalf of the head of office ("a.n.")."""

    profile = models.ForeignKey(
        OfficeProfile, on_delete=models.CASCADE, related_name="penandatangan"
    )
    dokumen = models.CharField("dokumen", max_length=20, choices=DokumenTtd.choices)
    nama = models.CharField("nama", max_length=120)
    nip = models.CharField("NIP", max_length=30, blank=True)
    pangkat = models.CharField("pangkat/golongan", max_length=80, blank=True)
    jabatan = models.CharField(
        "jabatan", max_length=150, help_text="Misalnya Kepala Bidang Jaminan Sosial."
    )

    class Meta:
        ordering = ["profile", "dokumen"]
        verbose_name = "penanda tangan atas nama Kepala Dinas"
        verbose_name_plural = "penanda tangan atas nama Kepala Dinas"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "dokumen"],
                name="offices_one_signer_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dokumen_display()}: {self.nama}"


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


class NomorSurat(models.Model):
    """The last number of an office letter series per year; its row is the lock."""

    jenis = models.CharField("jenis surat", max_length=20)
    tahun = models.PositiveSmallIntegerField("tahun")
    terakhir = models.PositiveIntegerField("nomor terakhir", default=0)

    class Meta:
        verbose_name = "penomoran surat"
        verbose_name_plural = "penomoran surat"
        constraints = [
            models.UniqueConstraint(
                fields=["jenis", "tahun"], name="offices_nomor_surat_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jenis}/{self.tahun}: {self.terakhir}"
