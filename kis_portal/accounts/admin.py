from django.contrib import admin

from .models import UserProfile


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "desa", "jabatan")
    search_fields = ("user__username", "desa__nama")
    autocomplete_fields = ("desa",)
    filter_horizontal = ("kecamatan",)
