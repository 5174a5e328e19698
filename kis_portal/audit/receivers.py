"""Logins, logouts and failed logins in the audit trail (connected in AuditConfig.ready)."""

from .services import audit_record


def logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action="login", by=user, target=user)


def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="logout", by=user, target=user)


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit_record(
        action="login_failed",
        data={"username": str(credentials.get("username", ""))[:150]},
    )
