import datetime
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kis_portal.jobs.models import Job
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan

from .models import UserProfile


class Activity(models.TextChoices):
    """What the user list filters on: who works, who never came, who left."""

    AKTIF = "aktif", "Aktif dan masuk belakangan ini"
    BELUM_MASUK = "belum_masuk", "Belum pernah masuk"
    DIAM = "diam", "Tidak aktif (lama tidak masuk)"
    SANDI_KEDALUWARSA = "sandi_kedaluwarsa", "Kata sandi sementara kedaluwarsa"
    NONAKTIF = "nonaktif", "Nonaktif"
    NONAKTIF_OTOMATIS = "nonaktif_otomatis", "Dinonaktifkan otomatis"


def _dormant_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.KIS_AKUN_DIAM_HARI)


def dormant_q(now: datetime.datetime) -> Q:
    """Active accounts without a login for KIS_AKUN_DIAM_HARI days.

    Never logged in counts from the account's creation; an account switched on
    again counts from then; one holding an unexpired one-time password has just
    been given access and is not dormant.
    """
    cutoff = _dormant_cutoff(now)
    return (
        Q(is_active=True)
        & (
            Q(last_login__lt=cutoff)
            | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        & ~Q(profile__reactivated_at__gte=cutoff)
        & ~Q(profile__password_temporary=True, profile__password_expires_at__gt=now)
    )


def dormant_users(*, now: datetime.datetime | None = None) -> QuerySet:
    return get_user_model().objects.filter(dormant_q(now or timezone.now()))


def users_list(
    users: QuerySet,
    *,
    q: str = "",
    role: str = "",
    kecamatan_id: int | None = None,
    desa_id: int | None = None,
    status: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet:
    now = now or timezone.now()
    qs = (
        users.select_related("profile__desa__kecamatan")
        .prefetch_related("groups")
        .order_by("username")
    )
    if role:
        qs = qs.filter(groups__name=role)
    if desa_id:
        qs = qs.filter(profile__desa_id=desa_id)
    if kecamatan_id:
        # An operator's desa lies in it, or a verifier is assigned to it.
        assigned = get_user_model().objects.filter(profile__kecamatan=kecamatan_id)
        qs = qs.filter(
            Q(profile__desa__kecamatan_id=kecamatan_id)
            | Q(pk__in=assigned.values("pk"))
        )
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(profile__desa__nama__icontains=q)
        )
    if status == Activity.AKTIF:
        qs = qs.filter(is_active=True, last_login__isnull=False).exclude(dormant_q(now))
    elif status == Activity.BELUM_MASUK:
        qs = qs.filter(is_active=True, last_login__isnull=True)
    elif status == Activity.DIAM:
        qs = qs.filter(dormant_q(now))
    elif status == Activity.SANDI_KEDALUWARSA:
        qs = qs.filter(
            is_active=True,
            profile__password_temporary=True,
            profile__password_expires_at__lte=now,
        )
    elif status == Activity.NONAKTIF:
        qs = qs.filter(is_active=False)
    elif status == Activity.NONAKTIF_OTOMATIS:
        qs = qs.filter(
            is_active=False,
            profile__deactivation_reason=UserProfile.Deactivation.DORMANT,
        )
    return qs


@dataclass(frozen=True)
class ActivityState:
    label: str
    tone: str  # bootstrap colour of the badge


def activity_state(user, *, now: datetime.datetime) -> ActivityState:
    """How the user list describes one account (the same rules as the filters)."""
    profile = getattr(user, "profile", None)
    if not user.is_active:
        reason = profile.get_deactivation_reason_display() if profile else ""
        return ActivityState(f"nonaktif{f' ({reason})' if reason else ''}", "danger")
    if profile is not None and profile.password_expired(now):
        return ActivityState("kata sandi sementara kedaluwarsa", "warning")
    cutoff = _dormant_cutoff(now)
    restarted = profile.reactivated_at if profile else None
    since = max(
        filter(None, [user.last_login, restarted]),
        default=user.date_joined,
    )
    fresh_slip = bool(
        profile
        and profile.password_temporary
        and profile.password_expires_at
        and profile.password_expires_at > now
    )
    if since < cutoff and not fresh_slip:
        days = (now - (user.last_login or user.date_joined)).days
        if user.last_login is None:
            return ActivityState(
                f"tidak aktif: belum pernah masuk ({days} hari)", "warning"
            )
        return ActivityState(f"tidak aktif: {days} hari tanpa masuk", "warning")
    if user.last_login is None:
        return ActivityState("belum pernah masuk", "secondary")
    return ActivityState("aktif", "success")


def auto_deactivated_recently(*, days: int = 14) -> QuerySet:
    """Operator accounts the daily job switched off lately, for the admin's notice."""
    since = timezone.now() - datetime.timedelta(days=days)
    return get_user_model().objects.filter(
        is_active=False,
        profile__deactivation_reason=UserProfile.Deactivation.DORMANT,
        profile__deactivated_at__gte=since,
    )


def password_expired(user) -> bool:
    """Whether `user` holds a one-time password past its expiry."""
    profile = UserProfile.objects.filter(user=user).first()
    return bool(profile and profile.password_expired(timezone.now()))


@dataclass
class SetupStatus:
    kecamatan: int
    desa: int
    profile_name: str
    users_by_role: dict[str, int]
    failed_jobs: int

    @property
    def users_by_role_label(self) -> list[tuple[str, int]]:
        return [(Role(role).label, count) for role, count in self.users_by_role.items()]

    @property
    def problems(self) -> list[str]:
        out = []
        if not self.desa:
            out.append(
                "Data wilayah belum dimuat: jalankan manage.py load_wilayah <kode>."
            )
        if not self.profile_name:
            out.append(
                "Belum ada profil kantor aktif: jalankan manage.py load_profile <nama>."
            )
        if not self.users_by_role.get(Role.VERIFIKATOR):
            out.append("Belum ada akun verifikator.")
        return out


def setup_status() -> SetupStatus:
    profile = get_active_profile()
    counts = dict(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=Role.values)
        .values_list("groups__name")
        .annotate(n=Count("pk"))
    )
    return SetupStatus(
        kecamatan=Kecamatan.objects.count(),
        desa=Desa.objects.count(),
        profile_name=str(profile) if profile else "",
        users_by_role={role: counts.get(role, 0) for role in Role.values},
        failed_jobs=Job.objects.filter(status=Job.Status.FAILED).count(),
    )


@dataclass
class LoginSecurity:
    failures: int
    locked: bool
    has_device: bool


def login_security(user) -> LoginSecurity:
    """Recent failed logins, lockout and two-factor device, for the admin."""
    since = timezone.now() - get_cool_off()
    worst = AccessAttempt.objects.filter(
        username=user.get_username(), attempt_time__gte=since
    ).aggregate(n=Max("failures_since_start"))["n"]
    return LoginSecurity(
        failures=worst or 0,
        locked=(worst or 0) >= settings.AXES_FAILURE_LIMIT,
        has_device=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    )
