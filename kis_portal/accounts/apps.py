from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "kis_portal.accounts"
    label = "accounts"
    verbose_name = "Pengguna dan peran"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready.
        from django.contrib import admin  # noqa: PLC0415

        from . import notices, receivers  # noqa: F401, PLC0415 - home notice, signals
        from .admin_otp import replace_totp_admin  # noqa: PLC0415

        post_migrate.connect(receivers.ensure_roles, dispatch_uid="kis_ensure_roles")
        user_logged_in.connect(
            receivers.start_session_clock_on_login, dispatch_uid="kis_session_clock"
        )
        # The admin site has discovered every app's admin by now (its app is first).
        replace_totp_admin(admin.site)
