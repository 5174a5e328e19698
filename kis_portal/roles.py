"""The portal's roles (docs/domain.md, "Roles"), one Django Group each, and the one
place that checks them: `role_required` for views, `require_role` for services,
`operator_desa_id` for scoping a desa operator to its desa, `faskes_kode` for
scoping a health-facility user to its faskes."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models


class Role(models.TextChoices):
    OPERATOR_DESA = "operator_desa", "Operator desa/kelurahan"
    LOKET = "petugas_loket", "Petugas loket"
    VERIFIKATOR = "verifikator", "Verifikator"
    LAPANGAN = "petugas_lapangan", "Petugas lapangan"
    KADIS = "kepala_dinas", "Kepala Dinas"
    REKAP = "staf_rekap", "Staf rekap BPJS"
    DISTRIBUSI = "petugas_distribusi", "Petugas distribusi"
    ADMIN = "admin", "Admin"
    # A hospital/puskesmas admission desk: submits urgent cases, sees only its own.
    FASKES = "petugas_faskes", "Petugas faskes"


# Roles bound to one place and never regency-wide: the desa operator to its desa,
# the faskes user to its faskes. Every check of "staff" must leave them out.
SCOPED_ROLES = frozenset({Role.OPERATOR_DESA, Role.FASKES})
# Roles that work across the whole regency (everyone but the scoped roles).
STAFF_ROLES = frozenset(Role) - SCOPED_ROLES


def user_roles(user) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kis_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(name for name in names if name in Role.values)
        user._kis_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def primary_role(user) -> str | None:
    """The role whose home page a user lands on (a user normally has one role)."""
    roles = user_roles(user)
    for role in Role:  # declaration order decides for users with several roles
        if role in roles:
            return role
    return None


def role_required(*roles: str) -> Callable:
    """For views: login first, then 403 unless the user has one of `roles`."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_role(user, *roles: str, message: str) -> None:
    """For services: refuse with `message` (Indonesian) unless the user has a role."""
    if not has_role(user, *roles):
        raise ValidationError(message, code="role")


def operator_desa_id(user) -> int | None:
    """The desa an operator is bound to, or None for staff."""
    if has_role(user, Role.OPERATOR_DESA):
        profile = getattr(user, "profile", None)
        # An operator without a desa sees nothing rather than everything.
        return profile.desa_id if profile and profile.desa_id else -1
    return None


def faskes_kode(user) -> str | None:
    """The faskes a faskes user is bound to (its code), or None for anyone else.

    A faskes user without a faskes gets a code no case carries: it sees nothing
    rather than everything.
    """
    if has_role(user, Role.FASKES):
        profile = getattr(user, "profile", None)
        kode = getattr(profile, "kode_faskes", "") if profile else ""
        return kode or "-"
    return None
