import datetime
import logging
import secrets
from dataclasses import dataclass

from axes.utils import reset
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kis_portal.audit.services import audit_record
from kis_portal.roles import Role, require_role, user_roles
from kis_portal.wilayah.models import Desa

from .models import UserProfile
from .selectors import dormant_users
from .usernames import username_for

logger = logging.getLogger(__name__)

# One-time passwords: no 0/o, 1/l/i to misread on a printed slip.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_GROUPS = 3  # of four characters: ab2c-x7mp-93fn, about 59 bits
MSG_ADMIN_ONLY = "Hanya admin yang dapat mengelola akun pengguna."

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


def _check_role_and_desa(role: str, desa: Desa | None, kode_faskes: str = "") -> None:
    if role not in Role.values:
        raise ValidationError({"role": "Peran tidak dikenal."})
    if role == Role.FASKES and not kode_faskes:
        raise ValidationError(
            {"kode_faskes": "Petugas faskes harus terikat pada satu faskes."}
        )
    if role != Role.FASKES and kode_faskes:
        raise ValidationError(
            {"kode_faskes": "Hanya petugas faskes yang terikat pada faskes."}
        )
    if role == Role.OPERATOR_DESA and desa is None:
        raise ValidationError({"desa": "Operator desa harus terikat pada satu desa."})
    if role != Role.OPERATOR_DESA and desa is not None:
        raise ValidationError({"desa": "Hanya operator desa yang terikat pada desa."})


@dataclass(frozen=True)
class OneTimePassword:
    """A fresh one-time password: the text to print once, and what is stored."""

    password: str
    encoded: str  # the hash, as User.password holds it
    expires_at: datetime.datetime


def one_time_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.KIS_SANDI_SEMENTARA_HARI)


def one_time_password_new() -> OneTimePassword:
    """A random one-time password and its hash (slow: run it outside transactions)."""
    password = "-".join(
        "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(4))
        for _ in range(ONE_TIME_GROUPS)
    )
    return OneTimePassword(
        password=password,
        encoded=make_password(password),
        expires_at=timezone.now() + one_time_lifetime(),
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    one_time: OneTimePassword | None = None,
    desa: Desa | None = None,
    kecamatan=(),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    jabatan: str = "",
    telepon: str = "",
    is_active: bool = True,
    kode_faskes: str = "",
    nama_faskes: str = "",
    by=None,
):
    """Create a user with exactly one role; an operator desa must have its desa.

    The password is a one-time one (`one_time`, from the admin's screens: the
    user replaces it at first login), one given in code (`password`: the demo,
    tests), or none yet (unusable until one is issued).
    """
    _check_role_and_desa(role, desa, kode_faskes)
    user = get_user_model()(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_active=is_active,
    )
    if one_time is not None:
        user.password = one_time.encoded
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    profile = UserProfile.objects.create(
        user=user,
        desa=desa,
        kode_faskes=kode_faskes,
        nama_faskes=nama_faskes if kode_faskes else "",
        jabatan=jabatan,
        telepon=telepon,
        password_temporary=one_time is not None,
        password_expires_at=one_time.expires_at if one_time else None,
    )
    profile.kecamatan.set(kecamatan)
    data = {"role": role}
    if one_time is not None:
        data["sandi_sementara_sampai"] = one_time.expires_at.isoformat()
    audit_record(action="create", by=by, target=user, data=data)
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
    telepon: str = "",
    is_active: bool = True,
    username: str | None = None,
    kode_faskes: str = "",
    nama_faskes: str = "",
    by,
):
    """Change a user's details and role (never the password: see password_issue)."""
    _check_role_and_desa(role, desa, kode_faskes)
    if user.pk == by.pk and (not is_active or role != Role.ADMIN):
        raise ValidationError(
            "Anda tidak dapat menonaktifkan atau mencabut peran admin sendiri."
        )
    old_roles = sorted(user_roles(user))
    was_active = user.is_active
    if username:
        user.username = username
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active = is_active
    user.full_clean()
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("_kis_roles", None)
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.desa, profile.jabatan, profile.telepon = desa, jabatan, telepon
    profile.kode_faskes = kode_faskes
    profile.nama_faskes = nama_faskes if kode_faskes else ""
    fields = ["desa", "kode_faskes", "nama_faskes", "jabatan", "telepon"]
    if was_active and not is_active:
        profile.deactivated_at = timezone.now()
        profile.deactivation_reason = UserProfile.Deactivation.ADMIN
        fields += ["deactivated_at", "deactivation_reason"]
    elif is_active and not was_active:
        # Back at work: the dormant clock restarts now.
        profile.reactivated_at = timezone.now()
        profile.deactivated_at, profile.deactivation_reason = None, ""
        fields += ["reactivated_at", "deactivated_at", "deactivation_reason"]
    profile.save(update_fields=fields)
    profile.kecamatan.set(kecamatan)
    audit_record(
        action="update",
        by=by,
        target=user,
        data={
            "roles": {"before": old_roles, "after": [role]},
            "is_active": is_active,
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


# --- One-time passwords ---------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """An account with the one-time password just given to it (printed once)."""

    user: object
    password: str
    expires_at: datetime.datetime


def password_issue(
    *, user, by, reason: str, one_time: OneTimePassword | None = None
) -> Issued:
    """Give `user` a new one-time password (a new account's or a reset).

    The old password stops working and every session of the user ends (the
    session hash changes). The admin learns the new one only through the slip.
    """
    require_role(by, Role.ADMIN, message=MSG_ADMIN_ONLY)
    one_time = one_time or one_time_password_new()  # hashing: before the lock
    with transaction.atomic():
        user.password = one_time.encoded
        user.save(update_fields=["password"])
        UserProfile.objects.update_or_create(
            user=user,
            defaults={
                "password_temporary": True,
                "password_expires_at": one_time.expires_at,
            },
        )
        audit_record(
            action="update",
            by=by,
            target=user,
            reason=f"kata sandi sementara dibuat: {reason}",
            data={"sandi_sementara_sampai": one_time.expires_at.isoformat()},
        )
    logger.info("user=%s issued a one-time password to user=%s", by.pk, user.pk)
    return Issued(user=user, password=one_time.password, expires_at=one_time.expires_at)


@transaction.atomic
def password_mark_temporary(*, user, by) -> None:
    """A password someone else set (the Django admin) is a one-time one too."""
    expires_at = timezone.now() + one_time_lifetime()
    UserProfile.objects.update_or_create(
        user=user,
        defaults={"password_temporary": True, "password_expires_at": expires_at},
    )
    audit_record(
        action="update",
        by=by,
        target=user,
        reason="kata sandi diatur admin: harus diganti saat masuk berikutnya",
        data={"sandi_sementara_sampai": expires_at.isoformat()},
    )


@transaction.atomic
def password_changed(*, user) -> None:
    """The user chose their own password: the one-time one is gone."""
    updated = UserProfile.objects.filter(user=user, password_temporary=True).update(
        password_temporary=False, password_expires_at=None
    )
    audit_record(
        action="update",
        by=user,
        target=user,
        reason="kata sandi diganti oleh pengguna",
        data={"sandi_sementara_diganti": bool(updated)},
    )


# --- Deactivation and replacement ---------------------------------------------


@transaction.atomic
def operator_replace(
    *,
    old,
    first_name: str,
    last_name: str = "",
    telepon: str = "",
    by,
):
    """The desa's new operator in one step: the old account off, a new one made.

    The new account has no password until its one-time password is issued (the
    caller's job prints the slip). Usulan, pengajuan and messages belong to the
    desa, not to the account, so the new operator finds all of them.
    """
    require_role(by, Role.ADMIN, message=MSG_ADMIN_ONLY)
    old = get_user_model().objects.select_for_update().get(pk=old.pk)
    profile = UserProfile.objects.filter(user=old).select_related("desa").first()
    if Role.OPERATOR_DESA not in user_roles(old) or profile is None or not profile.desa:
        raise ValidationError("Hanya akun operator desa yang dapat diganti.")
    if not old.is_active:
        raise ValidationError("Akun ini sudah nonaktif.")
    desa = profile.desa
    old.is_active = False
    old.save(update_fields=["is_active"])
    profile.deactivated_at = timezone.now()
    profile.deactivation_reason = UserProfile.Deactivation.REPLACED
    profile.save(update_fields=["deactivated_at", "deactivation_reason"])
    new = user_create(
        username=username_for(desa=desa),
        role=Role.OPERATOR_DESA,
        desa=desa,
        first_name=first_name,
        last_name=last_name,
        jabatan=f"Operator {desa}",
        telepon=telepon,
        by=by,
    )
    audit_record(
        action="update",
        by=by,
        target=old,
        reason=f"operator diganti oleh {new.username}",
        data={"is_active": False, "pengganti": new.pk, "desa": desa.kode},
    )
    return new


def dormant_cutoff(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(
        days=settings.KIS_AKUN_DIAM_HARI
    )


@transaction.atomic
def dormant_deactivate(*, now=None) -> list:
    """Deactivate operator accounts with no login for KIS_AKUN_DIAM_HARI days.

    Run by the system (the daily timer); each account gets an audit event, and
    the admin's home page lists them (accounts.home).
    """
    now = now or timezone.now()
    users = list(
        dormant_users(now=now)
        .filter(groups__name=Role.OPERATOR_DESA)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    days = settings.KIS_AKUN_DIAM_HARI
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])
        UserProfile.objects.update_or_create(
            user=user,
            defaults={
                "deactivated_at": now,
                "deactivation_reason": UserProfile.Deactivation.DORMANT,
            },
        )
        audit_record(
            action="update",
            target=user,
            reason=f"dinonaktifkan otomatis: tidak masuk {days} hari",
            data={
                "is_active": False,
                "terakhir_masuk": user.last_login.isoformat()
                if user.last_login
                else None,
            },
        )
    logger.info("dormant operator accounts deactivated=%s days=%s", len(users), days)
    return users
