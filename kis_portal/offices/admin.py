from django.contrib import admin, messages

from .models import DocumentRequirement, ExportColumn, OfficeProfile, Penandatangan
from .signatures import profile_warnings


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0
    fields = (
        "urutan",
        "kode",
        "nama",
        "level",
        "berlaku_untuk",
        "kondisi",
        "bermeterai",
    )


class ExportColumnInline(admin.TabularInline):
    model = ExportColumn
    extra = 0
    fields = ("layout", "urutan", "header", "field", "format")


class PenandatanganInline(admin.TabularInline):
    model = Penandatangan
    extra = 0
    fields = ("dokumen", "nama", "nip", "pangkat", "jabatan")


@admin.register(OfficeProfile)
class OfficeProfileAdmin(admin.ModelAdmin):
    list_display = ("slug", "nama_dinas", "is_active", "monthly_quota", "cutoff_day")
    list_filter = ("is_active",)
    search_fields = ("slug", "nama_dinas")
    inlines = [PenandatanganInline, DocumentRequirementInline, ExportColumnInline]
    fieldsets = (
        (None, {"fields": ("slug", "is_active")}),
        (
            "Kop surat",
            {
                "fields": (
                    "nama_dinas",
                    "pemerintah",
                    "alamat",
                    "kota_surat",
                    "telepon",
                    "email",
                    "website",
                )
            },
        ),
        (
            "Penanda tangan",
            {
                "description": "Kepala Dinas menandatangani surat, SK dan laporan; "
                "penanda tangan atas nama (a.n.) per dokumen diisi di bagian bawah. "
                "Nama atau NIP yang kosong dicetak sebagai garis kosong.",
                "fields": (
                    "kepala_nama",
                    "kepala_nip",
                    "kepala_pangkat",
                    "kepala_jabatan",
                    "nomor_surat_pola",
                ),
            },
        ),
        (
            "SK penetapan",
            {"fields": ("sk_menimbang", "sk_mengingat", "sk_diktum")},
        ),
        (
            "Ekspor ke BPJS",
            {
                "description": "Kolom ekspor diatur di bagian bawah. Kolom internal "
                "(kategori, status DTKS, nomor usulan, keterangan) hanya ditulis bila "
                '"kirim kolom internal" dicentang.',
                "fields": (
                    "sheet_split",
                    "recap_per_desa",
                    "kode_wilayah",
                    "nilai_tetap",
                    "peta_kode",
                    "kolom_internal",
                ),
            },
        ),
        (
            "Aturan",
            {
                "fields": (
                    "monthly_quota",
                    "cutoff_day",
                    "priority_order",
                    "field_check_required",
                    "sk_penetapan",
                    "wajib_no_hp",
                    "wajib_faskes",
                    "verification_days",
                    "darurat_berkas_jam",
                    "darurat_target_jam",
                )
            },
        ),
        (
            "DTSEN (desil)",
            {
                "description": "Arti desil DTSEN tiap anggota di halaman usulan, daftar "
                "periksa verifikator, rekap BPJS dan dasbor (docs/office-profiles.md).",
                "fields": ("aturan_desil", "desil_di_rekap"),
            },
        ),
        (
            "Reaktivasi PBI",
            {
                "fields": (
                    "reaktivasi_batas_bulan",
                    "reaktivasi_alasan_surat_faskes",
                    "header_sinonim_nonaktif",
                )
            },
        ),
        ("Impor hasil BPJS", {"fields": ("header_sinonim_hasil",)}),
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        profile = self.get_object(request, object_id)
        if profile is not None and request.method == "GET":
            for warning in profile_warnings(profile):
                messages.warning(request, warning)
        return super().change_view(request, object_id, form_url, extra_context)
