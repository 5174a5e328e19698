from django.contrib.admin.apps import AdminConfig


class KisAdminConfig(AdminConfig):
    """Django admin restricted to the admin role (see kis_portal.admin_site)."""

    default_site = "kis_portal.admin_site.KisAdminSite"
