from django.contrib import admin
from django.http import HttpRequest

from kis_portal.roles import Role, has_role


class KisAdminSite(admin.AdminSite):
    """The Django admin, open to the admin role only."""

    site_header = "Administrasi KIS Portal"
    site_title = "KIS Portal"
    index_title = "Pengaturan portal"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and (user.is_superuser or has_role(user, Role.ADMIN))
        )
