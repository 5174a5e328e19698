from django.contrib import admin

from .models import AksesData, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor",
        "action",
        "object_repr",
        "from_status",
        "to_status",
    )
    list_filter = ("action",)
    search_fields = ("object_repr", "actor__username", "reason")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AksesData)
class AksesDataAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "peran", "tindakan", "halaman", "jumlah")
    list_filter = ("tindakan", "peran")
    search_fields = ("actor__username", "niks", "halaman")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
