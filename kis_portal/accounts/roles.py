"""The portal's roles (DOMAIN.md, "Roles"): one Django Group each."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
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


# Roles that work across the whole regency (everyone but the desa operator).
STAFF_ROLES = frozenset(Role) - {Role.OPERATOR_DESA}

User = AbstractBaseUser | AnonymousUser


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
