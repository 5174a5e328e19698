from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from kis_portal.offices.choices import JenisUsulan
from usulan.models import Anggota

periode_validator = RegexValidator(
    r"^\d{4}-(0[1-9]|1[0-2])$", "Periode harus berbentuk YYYY-MM, misalnya 2026-11."
)


class Batch(models.Model):
    """The monthly list of members sent to BPJS Kesehatan."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draf"
        TERKUNCI = "terkunci", "Terkunci, dikirim ke BPJS"
        HASIL = "hasil", "Hasil BPJS diimpor"
        DITUTUP = "ditutup", "Ditutup"

    periode = models.CharField(
        "periode", max_length=7, unique=True, validators=[periode_validator]
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    kuota = models.PositiveIntegerField("kuota (orang)", null=True, blank=True)
    tanggal_batas = models.DateField("tanggal batas")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    built_at = models.DateTimeField("disusun", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField("dikunci", null=True, blank=True)
    # The cover letter's number, from the office's gap-free yearly series,
    # given when the batch is locked (rekap_bpjs.services.batch_letter_number).
    nomor_surat = models.CharField("nomor surat pengantar", max_length=80, blank=True)
    surat_tahun = models.PositiveSmallIntegerField(null=True, blank=True)
    surat_urut = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-periode"]
        verbose_name = "rekap BPJS"
        verbose_name_plural = "rekap BPJS"
        constraints = [
            models.UniqueConstraint(
                fields=["surat_tahun", "surat_urut"],
                condition=models.Q(surat_urut__isnull=False),
                name="batch_letter_number_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Rekap {self.periode}"


class BatchItem(models.Model):
    """One member considered for a batch: taken, or waiting with the reason why."""

    class Manual(models.TextChoices):
        NONE = "", "Otomatis"
        TAMBAH = "tambah", "Ditambahkan petugas"
        HAPUS = "hapus", "Dikeluarkan petugas"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    anggota = models.ForeignKey(
        Anggota, on_delete=models.PROTECT, related_name="batch_items"
    )
    nik = models.CharField("NIK", max_length=16)
    diambil = models.BooleanField("masuk rekap", default=False)
    alasan = models.CharField("alasan", max_length=250, blank=True)
    manual = models.CharField(
        "perubahan petugas", max_length=6, choices=Manual.choices, blank=True
    )
    urutan = models.PositiveIntegerField("urutan antrean")
    prioritas = models.PositiveSmallIntegerField("prioritas")
    layout = models.CharField("format", max_length=5, choices=JenisUsulan.choices)
    snapshot = models.JSONField("data yang dikirim", default=dict, blank=True)
    hasil = models.CharField(
        "hasil BPJS", max_length=10, choices=Anggota.StatusBpjs.choices, blank=True
    )
    noka = models.CharField("NOKA", max_length=13, blank=True)
    tmt = models.DateField("TMT", null=True, blank=True)
    keterangan = models.CharField("keterangan BPJS", max_length=300, blank=True)

    class Meta:
        ordering = ["batch", "urutan"]
        verbose_name = "anggota rekap"
        verbose_name_plural = "anggota rekap"
        constraints = [
            models.UniqueConstraint(fields=["batch", "nik"], name="batch_one_nik"),
        ]
        indexes = [models.Index(fields=["batch", "diambil", "urutan"])]

    def __str__(self) -> str:
        return f"{self.batch} #{self.urutan} {self.anggota_id}"


def batch_file_path(instance: "BatchFile", filename: str) -> str:
    return f"rekap/{instance.batch.periode}/{filename}"


class BatchFile(models.Model):
    """A file produced from (or imported into) a batch, with who made it and when."""

    class Kind(models.TextChoices):
        EKSPOR = "ekspor", "Berkas BPJS (XLSX)"
        SURAT = "surat", "Surat pengantar (PDF)"
        HASIL = "hasil", "Hasil BPJS (diimpor)"
        REKOMENDASI = "rekomendasi", "Rekomendasi pembayaran"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    file = models.FileField("berkas", upload_to=batch_file_path, max_length=200)
    name = models.CharField("nama berkas", max_length=200)
    sha256 = models.CharField("sidik SHA-256", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "berkas rekap"
        verbose_name_plural = "berkas rekap"
        constraints = [
            # Applying the same BPJS result file twice is refused by the database too.
            models.UniqueConstraint(
                fields=["batch", "sha256"],
                condition=models.Q(kind="hasil"),
                name="batch_result_file_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DaftarNonaktif(models.Model):
    """One of BPJS's monthly lists of deactivated participants, as applied."""

    name = models.CharField("nama berkas", max_length=200)
    sha256 = models.CharField("sidik SHA-256", max_length=64, unique=True)
    baris = models.PositiveIntegerField("baris dibaca", default=0)
    cocok = models.PositiveIntegerField("cocok dengan peserta portal", default=0)
    ditahan = models.PositiveIntegerField("ditahan", default=0)
    tidak_dikenal = models.PositiveIntegerField("bukan peserta portal", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("diimpor", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "daftar peserta nonaktif BPJS"
        verbose_name_plural = "daftar peserta nonaktif BPJS"

    def __str__(self) -> str:
        return self.name


class Nonaktif(models.Model):
    """A portal participant BPJS deactivated: a task for the desa and a
    reactivation candidate until its deadline (usulan/reaktivasi.py)."""

    class Status(models.TextChoices):
        TERBUKA = "terbuka", "Perlu ditindaklanjuti desa"
        SELESAI = "selesai", "Sudah ditindaklanjuti"

    daftar = models.ForeignKey(
        DaftarNonaktif, on_delete=models.PROTECT, related_name="rows"
    )
    anggota = models.ForeignKey(
        Anggota, on_delete=models.PROTECT, related_name="nonaktif_set"
    )
    # The member's desa when the list came: the scope of the task.
    desa = models.ForeignKey(
        "wilayah.Desa", on_delete=models.PROTECT, related_name="+", verbose_name="desa"
    )
    tanggal_nonaktif = models.DateField("tanggal dinonaktifkan")
    batas = models.DateField("batas reaktivasi")
    keterangan_bpjs = models.CharField("keterangan BPJS", max_length=300, blank=True)
    baris = models.PositiveIntegerField("baris di berkas")
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.TERBUKA
    )
    tindak_lanjut = models.CharField("tindak lanjut", max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("ditindaklanjuti", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["batas", "pk"]
        verbose_name = "peserta dinonaktifkan BPJS"
        verbose_name_plural = "peserta dinonaktifkan BPJS"
        constraints = [
            # The same deactivation in next month's list again is not a new task.
            models.UniqueConstraint(
                fields=["anggota", "tanggal_nonaktif"], name="nonaktif_once"
            ),
        ]
        indexes = [models.Index(fields=["desa", "status", "batas"])]

    def __str__(self) -> str:
        return f"Nonaktif {self.anggota_id} {self.tanggal_nonaktif}"
