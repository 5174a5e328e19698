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
        user_logged_in.connect(_logged_in, dispatch_uid="kis_audit_login")
        user_logged_out.connect(_logged_out, dispatch_uid="kis_audit_logout")
        user_login_failed.connect(_login_failed, dispatch_uid="kis_audit_login_failed")


def _logged_in(sender, request, user, **kwargs) -> None:
    from .services import audit_record

    audit_record(action="login", by=user, target=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    from .services import audit_record

    if user is not None:
        audit_record(action="logout", by=user, target=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from .services import audit_record

    audit_record(
        action="login_failed",
        data={"username": str(credentials.get("username", ""))[:150]},
    )
