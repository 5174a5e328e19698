from django.apps import AppConfig
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)


class AuditConfig(AppConfig):
    name = "kis_portal.audit"
    label = "audit"
    verbose_name = "Jejak audit"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready.
        from . import receivers  # noqa: PLC0415

        user_logged_in.connect(receivers.logged_in, dispatch_uid="kis_audit_login")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="kis_audit_logout")
        user_login_failed.connect(
            receivers.login_failed, dispatch_uid="kis_audit_login_failed"
        )
