import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kis_portal.identifiers import (
    faskes_validator,
    kk_format_validator,
    nik_format_validator,
    noka_validator,
    rt_rw_validator,
)
from kis_portal.offices.choices import AlasanReaktivasi, JenisUsulan, Kategori, Level
from kis_portal.wilayah.models import Desa

# Registration numbers are printed on receipts and typed by citizens on the public
# status page: no 0/O or 1/I/L to misread, random so they cannot be enumerated.
NOMOR_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_nomor(prefix: str) -> str:
    stamp = timezone.localdate().strftime("%y%m")
    return f"{prefix}{stamp}-" + "".join(
        secrets.choice(NOMOR_ALPHABET) for _ in range(6)
    )


# What the desa types for a household and for each member: an edit, a correction
# and the "what changed since the return" comparison all read these.
HOUSEHOLD_FIELDS = (
    "jenis",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "telepon",
    "noka_lama",
    "segmen_asal",
    "reaktivasi_alasan",
    "reaktivasi_keterangan",
)
MEMBER_FIELDS = (
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "shdk",
    "status_kawin",
    "kode_faskes",
    "nama_faskes",
    "kategori",
    "telepon",
    "catatan",
    "noka_lama",
)


def new_usulan_nomor() -> str:
    return new_nomor("U")


def new_pengajuan_nomor() -> str:
    return new_nomor("P")


class Pengajuan(models.Model):
    """One submission from a desa under a cover letter, holding one or more usulan."""

    nomor = models.CharField(
        "nomor", max_length=20, unique=True, default=new_pengajuan_nomor
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        related_name="pengajuan_set",
        verbose_name="desa",
    )
    nomor_surat = models.CharField("nomor surat pengantar", max_length=100, blank=True)
    tanggal_surat = models.DateField("tanggal surat", null=True, blank=True)
    keterangan = models.CharField("keterangan", max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pengajuan"
        verbose_name_plural = "pengajuan"

    def __str__(self) -> str:
        label = self.nomor_surat or self.nomor
        return f"Pengajuan {label}"

    def get_absolute_url(self) -> str:
        return reverse("usulan:pengajuan_detail", args=[self.pk])


class Usulan(models.Model):
    """One household (KK) proposed for enrolment: MIG34 new, MIG37 re-activation."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draf"
        DIAJUKAN = "diajukan", "Diajukan, menunggu verifikasi"
        DIKEMBALIKAN = "dikembalikan", "Dikembalikan ke desa untuk diperbaiki"
        CEK_LAPANGAN = "cek_lapangan", "Menunggu cek lapangan (non-DTKS)"
        MENUNGGU_ACC = "menunggu_acc", "Menunggu persetujuan Kepala Dinas"
        SIAP = "siap", "Siap diusulkan ke BPJS"
        DIKIRIM = "dikirim", "Dikirim ke BPJS, menunggu hasil"
        TERDAFTAR = "terdaftar", "Terdaftar di BPJS"
        GAGAL_BPJS = "gagal_bpjs", "Gagal di BPJS, perlu diperbaiki desa"
        DITOLAK = "ditolak", "Ditolak"

    class Sumber(models.TextChoices):
        DESA = "desa", "Operator desa"
        LOKET = "loket", "Loket (datang langsung)"
        FASKES = "faskes", "Petugas faskes (pasien darurat)"

    class Jalur(models.TextChoices):
        """The lane decides the batch order before the kategori does: an urgent
        patient first, then a reactivation inside its window, then the rest."""

        DARURAT = "darurat", "Darurat (pasien faskes)"
        REAKTIVASI = "reaktivasi", "Reaktivasi PBI"
        BIASA = "biasa", "Biasa"

    class Segmen(models.TextChoices):
        MANDIRI = "mandiri", "BPJS Mandiri (PBPU)"
        PBI_APBN = "pbi_apbn", "PBI APBN"
        PPU = "ppu", "Pekerja penerima upah (PPU)"
        PBPU_PEMDA = "pbpu_pemda", "PBPU Pemda lain"
        LAINNYA = "lainnya", "Lainnya"

    nomor = models.CharField(
        "nomor registrasi", max_length=20, unique=True, default=new_usulan_nomor
    )
    jenis = models.CharField("jenis usulan", max_length=5, choices=JenisUsulan.choices)
    sumber = models.CharField("sumber", max_length=6, choices=Sumber.choices)
    jalur = models.CharField(
        "jalur", max_length=10, choices=Jalur.choices, default=Jalur.BIASA
    )
    pengajuan = models.ForeignKey(
        Pengajuan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usulan_set",
        verbose_name="pengajuan",
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        related_name="usulan_set",
        verbose_name="desa/kelurahan",
    )
    no_kk = models.CharField(
        "nomor KK", max_length=16, validators=[kk_format_validator]
    )
    alamat = models.CharField("alamat", max_length=250)
    rt = models.CharField("RT", max_length=3, validators=[rt_rw_validator])
    rw = models.CharField("RW", max_length=3, blank=True, validators=[rt_rw_validator])
    telepon = models.CharField("nomor HP keluarga", max_length=15, blank=True)
    tanpa_kabar_hp = models.BooleanField(
        "keluarga tidak mau dikabari lewat SMS/WhatsApp",
        default=False,
        help_text="Tanpa centang: kabar status dikirim ke nomor HP anggota, atau ke "
        "nomor HP keluarga bila anggota tidak punya.",
    )
    noka_lama = models.CharField(
        "NOKA lama", max_length=13, blank=True, validators=[noka_validator]
    )
    segmen_asal = models.CharField(
        "segmen asal", max_length=12, choices=Segmen.choices, blank=True
    )
    # MIG37 of a PBI participant BPJS deactivated (usulan/reaktivasi.py).
    reaktivasi_alasan = models.CharField(
        "alasan reaktivasi PBI",
        max_length=12,
        choices=AlasanReaktivasi.choices,
        blank=True,
        help_text="Hanya MIG37: isi bila peserta PBI yang dinonaktifkan diusulkan "
        "aktif kembali.",
    )
    reaktivasi_nonaktif_sejak = models.DateField(
        "tanggal dinonaktifkan", null=True, blank=True
    )
    reaktivasi_keterangan = models.CharField(
        "keterangan alasan reaktivasi", max_length=250, blank=True
    )
    # The day the window is judged on: the first submission (WITA), kept when
    # the usulan comes back to the desa and is submitted again.
    reaktivasi_dinilai_pada = models.DateField(
        "jendela reaktivasi dinilai pada", null=True, blank=True, editable=False
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    berkas_diterima = models.JSONField(
        "berkas kertas diterima di loket",
        default=list,
        blank=True,
        help_text="Kode persyaratan yang berkasnya diterima petugas loket di atas kertas.",
    )
    submitted_at = models.DateTimeField("diajukan", null=True, blank=True)
    version = models.PositiveIntegerField("versi", default=1)
    client_token = models.UUIDField(
        "token formulir", null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "usulan"
        verbose_name_plural = "usulan"
        indexes = [
            models.Index(fields=["desa", "status", "-created_at"]),
            # A desa's list, newest first: a page read from the index alone, from
            # either end, instead of sorting the desa's every usulan.
            models.Index(fields=["desa", "-created_at", "-id"]),
            # The verifier's queue: oldest first, a page read from the index alone.
            models.Index(fields=["status", "submitted_at", "id"]),
            models.Index(fields=["no_kk"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(jenis=JenisUsulan.MIG34) | ~Q(noka_lama=""),
                name="usulan_mig37_has_noka",
                violation_error_message="Usulan MIG37 wajib mencantumkan NOKA lama.",
            ),
            models.CheckConstraint(
                condition=Q(reaktivasi_alasan="")
                | Q(jenis=JenisUsulan.MIG37, reaktivasi_nonaktif_sejak__isnull=False),
                name="usulan_reaktivasi_is_mig37_with_date",
                violation_error_message="Reaktivasi PBI hanya untuk MIG37, dengan "
                "tanggal dinonaktifkan.",
            ),
        ]

    def __str__(self) -> str:
        return f"Usulan {self.nomor}"

    def get_absolute_url(self) -> str:
        return reverse("usulan:detail", args=[self.pk])

    @property
    def is_editable_by_desa(self) -> bool:
        return self.status in (
            self.Status.DRAFT,
            self.Status.DIKEMBALIKAN,
            self.Status.GAGAL_BPJS,
        )

    @property
    def is_reaktivasi(self) -> bool:
        return self.jenis == JenisUsulan.MIG37 and bool(self.reaktivasi_alasan)

    @property
    def is_transfer_mandiri(self) -> bool:
        return (
            self.jenis == JenisUsulan.MIG37 and self.segmen_asal == self.Segmen.MANDIRI
        )


class Anggota(models.Model):
    """A member of the household to enrol."""

    class JenisKelamin(models.TextChoices):
        L = "L", "Laki-laki"
        P = "P", "Perempuan"

    class Shdk(models.TextChoices):
        KEPALA = "1", "Kepala keluarga"
        SUAMI = "2", "Suami"
        ISTRI = "3", "Istri"
        ANAK = "4", "Anak"
        MENANTU = "5", "Menantu"
        CUCU = "6", "Cucu"
        ORANG_TUA = "7", "Orang tua"
        MERTUA = "8", "Mertua"
        FAMILI = "9", "Famili lain"
        PEMBANTU = "10", "Pembantu"
        LAINNYA = "11", "Lainnya"

    class StatusKawin(models.TextChoices):
        BELUM = "1", "Belum kawin"
        KAWIN = "2", "Kawin"
        CERAI_HIDUP = "3", "Cerai hidup"
        CERAI_MATI = "4", "Cerai mati"

    usulan = models.ForeignKey(
        Usulan, on_delete=models.CASCADE, related_name="anggota_set"
    )
    nik = models.CharField("NIK", max_length=16, validators=[nik_format_validator])
    nama = models.CharField("nama lengkap", max_length=150)
    tempat_lahir = models.CharField("tempat lahir", max_length=100)
    tanggal_lahir = models.DateField("tanggal lahir")
    jenis_kelamin = models.CharField(
        "jenis kelamin", max_length=1, choices=JenisKelamin.choices
    )
    shdk = models.CharField("hubungan dalam KK", max_length=2, choices=Shdk.choices)
    status_kawin = models.CharField(
        "status kawin", max_length=1, choices=StatusKawin.choices
    )
    kode_faskes = models.CharField(
        "kode faskes", max_length=8, blank=True, validators=[faskes_validator]
    )
    nama_faskes = models.CharField("nama faskes", max_length=150, blank=True)
    kategori = models.CharField(
        "kategori prioritas", max_length=12, choices=Kategori.choices
    )
    telepon = models.CharField("nomor HP", max_length=15, blank=True)
    catatan = models.CharField("catatan", max_length=250, blank=True)
    siap_sejak = models.DateTimeField(
        "siap diusulkan sejak",
        null=True,
        blank=True,
        db_index=True,
        help_text="Kapan anggota lolos verifikasi (dan persetujuan): urutan antrean rekap BPJS.",
    )

    class StatusBpjs(models.TextChoices):
        BELUM = "", "Belum ada hasil"
        TERDAFTAR = "terdaftar", "Terdaftar"
        GAGAL = "gagal", "Gagal"

    status_bpjs = models.CharField(
        "hasil BPJS", max_length=10, choices=StatusBpjs.choices, blank=True, default=""
    )
    noka = models.CharField(
        "nomor kartu (NOKA)", max_length=13, blank=True, validators=[noka_validator]
    )
    # MIG37: the card this member had before (BPJS Mandiri, PBI APBN, ...). Each
    # member has their own; a member added to an enrolled family may have none.
    noka_lama = models.CharField(
        "NOKA lama", max_length=13, blank=True, validators=[noka_validator]
    )
    tmt = models.DateField("TMT (mulai berlaku)", null=True, blank=True)
    keterangan_bpjs = models.CharField("keterangan BPJS", max_length=300, blank=True)
    # True while the usulan is open or enrolled: the database refuses a second
    # open usulan for the same NIK, whichever desa proposes it.
    aktif = models.BooleanField("aktif", default=True, editable=False)

    class Meta:
        ordering = ["usulan", "pk"]
        verbose_name = "anggota"
        verbose_name_plural = "anggota"
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(aktif=True),
                name="anggota_one_open_usulan_per_nik",
                violation_error_message="NIK ini sudah ada dalam usulan lain yang masih berjalan.",
            ),
            # A NOKA is one person's card: no import, scan or edit gives it to two.
            models.UniqueConstraint(
                fields=["noka"],
                condition=Q(aktif=True) & ~Q(noka=""),
                name="anggota_noka_one_person",
                violation_error_message="NOKA ini sudah tercatat untuk orang lain.",
            ),
            models.UniqueConstraint(
                fields=["noka_lama"],
                condition=Q(aktif=True) & ~Q(noka_lama=""),
                name="anggota_noka_lama_one_person",
                violation_error_message="NOKA lama ini sudah tercatat untuk orang lain.",
            ),
        ]
        indexes = [models.Index(fields=["nama"])]

    def __str__(self) -> str:
        return self.nama

    @property
    def is_enrolled(self) -> bool:
        """BPJS registered this member: the card's identity is fixed for the desa."""
        return self.status_bpjs == self.StatusBpjs.TERDAFTAR or bool(self.noka)

    @property
    def pisat(self) -> str:
        """BPJS's family relationship code: SHDK 1-4 map directly, the rest to 5."""
        return self.shdk if self.shdk in {"1", "2", "3", "4"} else "5"


def dokumen_path(instance: "Dokumen", filename: str) -> str:
    # Generated names only: the uploader's file name is kept as data, never as a path.
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        instance.content_type
    ]
    return f"dokumen/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Dokumen(models.Model):
    """A scanned document for one requirement, at the level the profile names."""

    requirement_kode = models.SlugField("kode persyaratan", max_length=40)
    requirement_nama = models.CharField("persyaratan", max_length=150)
    level = models.CharField("tingkat", max_length=10, choices=Level.choices)
    pengajuan = models.ForeignKey(
        Pengajuan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dokumen_set",
    )
    usulan = models.ForeignKey(
        Usulan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dokumen_set",
    )
    anggota = models.ForeignKey(
        Anggota,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dokumen_set",
    )
    file = models.FileField("berkas", upload_to=dokumen_path, max_length=200)
    content_type = models.CharField("jenis berkas", max_length=30)
    size = models.PositiveIntegerField("ukuran (byte)")
    original_name = models.CharField("nama berkas asli", max_length=200)
    sha256 = models.CharField("sidik SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah", auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "dokumen"
        verbose_name_plural = "dokumen"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        level=Level.PENGAJUAN,
                        pengajuan__isnull=False,
                        usulan__isnull=True,
                        anggota__isnull=True,
                    )
                    | Q(
                        level=Level.KELUARGA,
                        pengajuan__isnull=True,
                        usulan__isnull=False,
                        anggota__isnull=True,
                    )
                    | Q(
                        level=Level.ANGGOTA,
                        pengajuan__isnull=True,
                        usulan__isnull=True,
                        anggota__isnull=False,
                    )
                ),
                name="dokumen_belongs_to_its_level",
            ),
            models.UniqueConstraint(
                fields=["pengajuan", "requirement_kode"],
                condition=Q(pengajuan__isnull=False),
                name="dokumen_one_per_pengajuan_requirement",
            ),
            models.UniqueConstraint(
                fields=["usulan", "requirement_kode"],
                condition=Q(usulan__isnull=False),
                name="dokumen_one_per_usulan_requirement",
            ),
            models.UniqueConstraint(
                fields=["anggota", "requirement_kode"],
                condition=Q(anggota__isnull=False),
                name="dokumen_one_per_anggota_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_nama} ({self.original_name})"

    def get_absolute_url(self) -> str:
        return reverse("usulan:dokumen_download", args=[self.pk])


class Catatan(models.Model):
    """A verifier's reason on one item (a document or a field) when returning an usulan."""

    usulan = models.ForeignKey(
        Usulan, on_delete=models.CASCADE, related_name="catatan_set"
    )
    anggota = models.ForeignKey(
        Anggota,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catatan_set",
    )
    item = models.CharField(
        "item", max_length=60, help_text="Kode persyaratan dokumen atau nama isian."
    )
    item_label = models.CharField("item", max_length=150)
    pesan = models.CharField("alasan", max_length=300)
    putaran = models.PositiveSmallIntegerField("putaran verifikasi", default=1)
    selesai = models.BooleanField("sudah diperbaiki", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["putaran", "pk"]
        verbose_name = "catatan verifikasi"
        verbose_name_plural = "catatan verifikasi"

    def __str__(self) -> str:
        return f"{self.item_label}: {self.pesan}"


class Pengembalian(models.Model):
    """One return of an usulan to its desa: what it held then, and the desa's answer.

    Resubmitting needs a change since then (data, members, documents) or an
    answer to the verifier; the verifier's next round is shown both.
    """

    usulan = models.ForeignKey(
        Usulan, on_delete=models.CASCADE, related_name="pengembalian_set"
    )
    putaran = models.PositiveSmallIntegerField("putaran verifikasi")
    isi = models.JSONField("isi usulan saat dikembalikan", default=dict)
    balasan = models.TextField("tanggapan desa", max_length=1000, blank=True)
    dibalas_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dibalas_at = models.DateTimeField("ditanggapi", null=True, blank=True)
    created_at = models.DateTimeField("dikembalikan", auto_now_add=True)

    class Meta:
        ordering = ["usulan", "-putaran"]
        verbose_name = "pengembalian usulan"
        verbose_name_plural = "pengembalian usulan"
        constraints = [
            models.UniqueConstraint(
                fields=["usulan", "putaran"], name="pengembalian_one_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usulan} dikembalikan (putaran {self.putaran})"


class KasusDarurat(models.Model):
    """An urgent patient a faskes registered (jalur darurat): which faskes, why,
    and the clock the Dinsos works against (docs/domain.md, "Pasien darurat")."""

    usulan = models.OneToOneField(
        Usulan, on_delete=models.CASCADE, related_name="darurat"
    )
    # The submitting faskes: a faskes user sees exactly the cases of its code.
    kode_faskes = models.CharField(
        "kode faskes pengaju", max_length=8, validators=[faskes_validator]
    )
    nama_faskes = models.CharField("nama faskes pengaju", max_length=150)
    alasan = models.CharField("alasan masuk perawatan", max_length=500)
    berkas_tenggat = models.DateTimeField(
        "KK/KTP menyusul paling lambat",
        help_text="Dari pengaturan profil kantor (jam setelah diajukan).",
    )
    diputus_at = models.DateTimeField("diputuskan verifikator", null=True, blank=True)
    terdaftar_at = models.DateTimeField("terdaftar di BPJS", null=True, blank=True)

    class Meta:
        verbose_name = "kasus darurat faskes"
        verbose_name_plural = "kasus darurat faskes"
        indexes = [models.Index(fields=["kode_faskes", "usulan"])]

    def __str__(self) -> str:
        return f"Darurat {self.usulan.nomor}"
