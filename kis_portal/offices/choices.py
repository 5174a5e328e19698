"""Domain vocabularies shared by the office profile and the pipeline apps."""

from django.db import models


class JenisUsulan(models.TextChoices):
    MIG34 = "MIG34", "MIG34 (pendaftaran baru)"
    MIG37 = "MIG37", "MIG37 (pengaktifan/peralihan)"


class Kategori(models.TextChoices):
    """Priority: A-E of the SOP PBI, plus ODGJ (docs/domain.md, "Rekap BPJS")."""

    TAMBAHAN = "tambahan", "Tambahan anggota keluarga peserta"
    HAMIL = "hamil", "Ibu hamil"
    KRONIS = "kronis", "Penyakit kronis/menahun"
    DISABILITAS = "disabilitas", "Penyandang disabilitas"
    ODGJ = "odgj", "ODGJ"
    MISKIN = "miskin", "Masyarakat miskin/tidak mampu lainnya"


class Level(models.TextChoices):
    PENGAJUAN = "pengajuan", "Per pengajuan (surat desa)"
    KELUARGA = "keluarga", "Per keluarga (usulan)"
    ANGGOTA = "anggota", "Per anggota"


class Kondisi(models.TextChoices):
    ALWAYS = "always", "Selalu"
    NOT_DTKS = "not_dtks", "Hanya jika tidak terdaftar di DTKS"
    PREGNANT = "pregnant", "Hanya untuk anggota yang hamil"
    CHRONIC = "chronic", "Hanya untuk penyakit kronis"
    DISABILITY = "disability", "Hanya untuk penyandang disabilitas"
    TRANSFER_MANDIRI = "transfer_mandiri", "Hanya untuk peralihan dari BPJS Mandiri"
    # The profile's reaktivasi_alasan_surat_faskes names the reasons it covers.
    REAKTIVASI_FASKES = (
        "reaktivasi_faskes",
        "Hanya untuk reaktivasi PBI dengan alasan yang memerlukan surat faskes",
    )


class BerlakuUntuk(models.TextChoices):
    ALL = "all", "MIG34 dan MIG37"
    MIG34 = "MIG34", "Hanya MIG34"
    MIG37 = "MIG37", "Hanya MIG37"


class SheetSplit(models.TextChoices):
    LAYOUT = "layout", "Satu sheet per format (MIG34/MIG37)"
    DESA = "desa", "Satu sheet per desa"


class ColumnFormat(models.TextChoices):
    TEXT = "text", "Teks"
    DATE_DMY = "date_dmy", "Tanggal DD-MM-YYYY"
    DATE_DMY_SLASH = "date_dmy_slash", "Tanggal DD/MM/YYYY"
    DATE_ISO = "date_iso", "Tanggal YYYY-MM-DD"
    NUMBER = "number", "Angka"


class KodeWilayah(models.TextChoices):
    """How region codes are written in the export: one style for every level."""

    ANGKA = "angka", "Angka utuh tanpa titik (51, 5108, 510806, 5108062001)"
    TITIK = "titik", "Kode Kemendagri bertitik (51, 51.08, 51.08.06, 51.08.06.2001)"
    BAGIAN = "bagian", "Bagian tingkatnya saja (51, 08, 06, 2001)"


class DokumenTtd(models.TextChoices):
    """Documents a delegate may sign on behalf of the head of office ("a.n.")."""

    SURAT_PENGANTAR = "surat_pengantar", "Surat pengantar ke BPJS Kesehatan"
    REKOMENDASI = "rekomendasi", "Rekomendasi pembayaran iuran"
    LAPORAN = "laporan", "Laporan perkembangan bulanan"


class AlasanReaktivasi(models.TextChoices):
    """Why a deactivated PBI participant asks to be reactivated (MIG37)."""

    KRONIS = "kronis", "Penyakit kronis"
    KATASTROPIK = "katastropik", "Penyakit katastropik"
    DARURAT = "darurat", "Kondisi darurat medis"
    BAYI = "bayi", "Bayi baru lahir dari ibu peserta PBI yang dinonaktifkan"
    LAINNYA = "lainnya", "Lainnya"


# The medical reasons: a letter from the health facility is required by default.
ALASAN_SURAT_FASKES_DEFAULT = [
    AlasanReaktivasi.KRONIS.value,
    AlasanReaktivasi.KATASTROPIK.value,
    AlasanReaktivasi.DARURAT.value,
]
