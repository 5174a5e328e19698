from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kis_portal.jobs.models import Job
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan


def users_list(users: QuerySet, *, q: str = "", role: str = "") -> QuerySet:
    """`users` (a user's scope) by name, desa or role, with what the list shows."""
    qs = (
        users.select_related("profile__desa")
        .prefetch_related("groups")
        .order_by("username")
    )
    if role:
        qs = qs.filter(groups__name=role)
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(profile__desa__nama__icontains=q)
        )
    return qs


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
