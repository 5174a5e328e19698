"""The Django admin's view of TOTP devices, without django-otp's secret views.

django-otp's own admin shows any user's secret as a QR code ("config" and
"qrcode" views): whoever holds the admin role could then pass that user's second
factor. The portal's admin resets a device instead (user page, or
`manage.py reset_2fa`), so devices are listed and deleted here, never shown.
"""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice


class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "name")
    fields = ("user", "name", "confirmed", "last_used_at", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # enrolment happens at the user's own 2FA step

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def replace_totp_admin(site: admin.AdminSite) -> None:
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, TOTPDeviceAdmin)
