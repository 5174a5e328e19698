from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import UserProfile
from .services import password_mark_temporary


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "desa", "kode_faskes", "jabatan", "password_temporary")
    search_fields = ("user__username", "desa__nama", "kode_faskes", "nama_faskes")
    autocomplete_fields = ("desa",)
    filter_horizontal = ("kecamatan",)
    readonly_fields = (
        "password_temporary",
        "password_expires_at",
        "deactivated_at",
        "deactivation_reason",
        "reactivated_at",
    )


class PortalUserAdmin(UserAdmin):
    """Django's user admin, where a password the admin types is a one-time one:
    the user must replace it at the next login (the admin never sets a lasting one)."""

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and user.has_usable_password():
                password_mark_temporary(user=user, by=request.user)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        if obj.has_usable_password():
            password_mark_temporary(user=obj, by=request.user)
        return super().response_add(request, obj, post_url_continue)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
