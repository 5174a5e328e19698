from django.contrib import admin

from .models import Desa, Kecamatan


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama")
    search_fields = ("kode", "nama")


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "jenis", "kecamatan")
    list_filter = ("jenis", "kecamatan")
    search_fields = ("kode", "nama")
