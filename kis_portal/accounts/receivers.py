"""Signal receivers of accounts, connected in AccountsConfig.ready."""

from .middleware import start_session_clock
from .services import ensure_role_groups


def ensure_roles(sender, using="default", **kwargs) -> None:
    """Role groups and their permissions are set-up data, refreshed after every
    migrate so a new model's permissions reach the admin role at once."""
    ensure_role_groups(using=using)


def start_session_clock_on_login(sender, request, user, **kwargs) -> None:
    start_session_clock(request)
