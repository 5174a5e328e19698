"""Who may reach what: role checks for views and area scoping for querysets."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kis_portal.wilayah.models import Desa

from .roles import Role, has_role


def role_required(*roles: str) -> Callable:
    """Login first, then 403 unless the user has one of `roles`."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def operator_desa_id(user) -> int | None:
    """The desa an operator is bound to, or None for staff."""
    if has_role(user, Role.OPERATOR_DESA):
        profile = getattr(user, "profile", None)
        # An operator without a desa sees nothing rather than everything.
        return profile.desa_id if profile and profile.desa_id else -1
    return None


def desa_for_user(user) -> QuerySet[Desa]:
    """Every desa the user may see: an operator sees only its own."""
    qs = Desa.objects.select_related("kecamatan")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(pk=desa_id)
    return qs
