from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "kis_portal.accounts"
    label = "accounts"
    verbose_name = "Pengguna dan peran"

    def ready(self) -> None:
        # Role groups and their permissions are set-up data, refreshed after every
        # migrate so a new model's permissions reach the admin role at once.
        post_migrate.connect(_ensure_roles, dispatch_uid="kis_ensure_roles")
        user_logged_in.connect(_start_session_clock, dispatch_uid="kis_session_clock")
        # The admin site has discovered every app's admin by now (its app is first).
        from django.contrib import admin

        from .admin_otp import replace_totp_admin

        replace_totp_admin(admin.site)


def _ensure_roles(sender, using="default", **kwargs) -> None:
    from .services import ensure_role_groups

    ensure_role_groups(using=using)


def _start_session_clock(sender, request, user, **kwargs) -> None:
    from .middleware import start_session_clock

    start_session_clock(request)
