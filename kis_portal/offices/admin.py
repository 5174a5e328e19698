from django.contrib import admin

from .models import DocumentRequirement, ExportColumn, OfficeProfile


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


@admin.register(OfficeProfile)
class OfficeProfileAdmin(admin.ModelAdmin):
    list_display = ("slug", "nama_dinas", "is_active", "monthly_quota", "cutoff_day")
    list_filter = ("is_active",)
    search_fields = ("slug", "nama_dinas")
    inlines = [DocumentRequirementInline, ExportColumnInline]
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
                    "kepala_nama",
                    "kepala_nip",
                )
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
                    "sheet_split",
                    "recap_per_desa",
                )
            },
        ),
        ("Impor hasil BPJS", {"fields": ("header_sinonim_hasil",)}),
    )
