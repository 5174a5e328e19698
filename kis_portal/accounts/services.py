from axes.utils import reset
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from kis_portal.audit.services import audit_record
from kis_portal.roles import Role, user_roles
from kis_portal.wilayah.models import Desa

from .models import UserProfile

# Apps whose models the admin role manages in the Django admin.
ADMIN_MANAGED_APPS = (
    "auth",
    "accounts",
    "wilayah",
    "offices",
    "audit",
    "axes",  # failed logins: unlock
    "otp_totp",  # two-factor devices: reset
)


def ensure_role_groups(*, using: str = "default") -> None:
    """Create one Group per role; give the admin group the admin screens' permissions."""
    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    admin_group = Group.objects.using(using).get(name=Role.ADMIN)
    installed = {config.label for config in django_apps.get_app_configs()}
    perms = Permission.objects.using(using).filter(
        content_type__app_label__in=[
            app for app in ADMIN_MANAGED_APPS if app in installed
        ]
    )
    admin_group.permissions.add(*perms)


def _check_role_and_desa(role: str, desa: Desa | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "Peran tidak dikenal."})
    if role == Role.OPERATOR_DESA and desa is None:
        raise ValidationError({"desa": "Operator desa harus terikat pada satu desa."})
    if role != Role.OPERATOR_DESA and desa is not None:
        raise ValidationError({"desa": "Hanya operator desa yang terikat pada desa."})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    desa: Desa | None = None,
    kecamatan=(),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    jabatan: str = "",
    is_active: bool = True,
    by=None,
):
    """Create a user with exactly one role; an operator desa must have its desa."""
    _check_role_and_desa(role, desa)
    user = get_user_model()(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_active=is_active,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    profile = UserProfile.objects.create(user=user, desa=desa, jabatan=jabatan)
    profile.kecamatan.set(kecamatan)
    audit_record(action="create", by=by, target=user, data={"role": role})
    return user


@transaction.atomic
def user_update(
    *,
    user,
    role: str,
    desa: Desa | None,
    kecamatan=(),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    jabatan: str = "",
    is_active: bool = True,
    password: str = "",
    username: str | None = None,
    by,
):
    """Change a user's details and role; a new password logs them out everywhere."""
    _check_role_and_desa(role, desa)
    if user.pk == by.pk and (not is_active or role != Role.ADMIN):
        raise ValidationError(
            "Anda tidak dapat menonaktifkan atau mencabut peran admin sendiri."
        )
    old_roles = sorted(user_roles(user))
    if username:
        user.username = username
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active = is_active
    if password:
        user.set_password(password)  # changes the session hash: other sessions end
    user.full_clean()
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("_kis_roles", None)
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.desa, profile.jabatan = desa, jabatan
    profile.save(update_fields=["desa", "jabatan"])
    profile.kecamatan.set(kecamatan)
    audit_record(
        action="update",
        by=by,
        target=user,
        data={
            "roles": {"before": old_roles, "after": [role]},
            "is_active": is_active,
            "password_changed": bool(password),
        },
    )
    return user


@transaction.atomic
def unlock_logins(user, *, by) -> int:
    """Clear a user's failed-login records (django-axes): the lockout ends now."""

    count = reset(username=user.get_username())
    audit_record(
        action="config",
        by=by,
        target=user,
        reason="kunci masuk dibuka",
        data={"catatan_dihapus": count},
    )
    return count
