"""`manage.py check --deploy`: what makes a production server unsafe or unkept.

kis.W001 two-factor login off; kis.W002 TIME_ZONE is not the server's zone (the
timers run on the server's clock); kis.W003 DEBUG on; kis.W004 the retention purge
and kis.W005 the backup never succeeded, failed last time or are stale; kis.W006 the
media or backup folder is open to other users; kis.W007 the media or backup folder
lies inside the release, which an upgrade replaces; kis.W008 the active office
profile would print a blank line where a signatory's name or NIP belongs.

W004/W005 read the heartbeats from the default database: deploy checks run only
on `check --deploy`, never on migrate or runserver.
"""

import os
import stat
import zoneinfo
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone

from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.signatures import profile_warnings

from .services import job_states

LOCALTIME = Path("/etc/localtime")
ETC_TIMEZONE = Path("/etc/timezone")


def server_zone() -> str | None:
    """The zone cron and systemd timers use: /etc/localtime's target, else /etc/timezone."""
    if not LOCALTIME.exists():
        return "UTC"  # what glibc assumes without the file
    target = os.path.realpath(LOCALTIME)
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    try:
        return ETC_TIMEZONE.read_text().strip() or None
    except OSError:
        return None


def same_clock(first: str, second: str) -> bool:
    """Whether two zone names keep the same wall clock through the coming year."""
    try:
        a, b = zoneinfo.ZoneInfo(first), zoneinfo.ZoneInfo(second)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    start = timezone.now()
    moments = [start + timedelta(days=30 * month) for month in range(13)]
    return all(
        m.astimezone(a).utcoffset() == m.astimezone(b).utcoffset() for m in moments
    )


@register("kis", deploy=True)
def check_two_factor(app_configs=None, **kwargs) -> list[Warning]:
    if settings.KIS_2FA:
        return []
    return [
        Warning(
            "Verifikasi dua langkah (KIS_2FA) mati: kepala dinas, verifikator, "
            "staf rekap dan admin masuk hanya dengan sandi.",
            hint="Hapus baris KIS_2FA=0 dari /etc/kis-portal.env (bawaannya hidup).",
            id="kis.W001",
        )
    ]


@register("kis", deploy=True)
def check_time_zone(app_configs=None, **kwargs) -> list[Warning]:
    zone = server_zone()
    if zone is not None and same_clock(zone, settings.TIME_ZONE):
        return []
    return [
        Warning(
            f"Zona waktu server ({zone or 'tidak diketahui'}) berbeda dengan "
            f"TIME_ZONE ({settings.TIME_ZONE}): cadangan dan pekerjaan berkala "
            "berjalan menurut jam server, bukan jam kantor.",
            hint=f"timedatectl set-timezone {settings.TIME_ZONE}",
            id="kis.W002",
        )
    ]


@register("kis", deploy=True)
def check_debug(app_configs=None, **kwargs) -> list[Warning]:
    if not settings.DEBUG:
        return []
    return [
        Warning(
            "DEBUG hidup: halaman galat menampilkan kode dan pengaturan, data demo "
            "terpasang.",
            hint="Hapus DEBUG dari /etc/kis-portal.env.",
            id="kis.W003",
        )
    ]


def _job_warnings(names: dict[str, str], hint: dict[str, str]) -> list[Warning]:
    try:
        states = job_states()
    except DatabaseError as exc:
        return [
            Warning(
                f"Detak pekerjaan berkala tidak dapat dibaca dari database "
                f"({type(exc).__name__}).",
                hint="Jalankan migrate; periksa DATABASE_URL.",
                id=check_id,
            )
            for check_id in names.values()
        ]
    return [
        Warning(
            states[name].describe() + ".",
            hint=hint[name],
            id=check_id,
        )
        for name, check_id in names.items()
        if not states[name].ok
    ]


@register("kis", deploy=True)
def check_housekeeping(app_configs=None, **kwargs) -> list[Warning]:
    return _job_warnings(
        {"purge_dokumen": "kis.W004", "backup": "kis.W005"},
        {
            "purge_dokumen": "systemctl enable --now kis-purge-dokumen.timer; "
            "log: /var/log/kis/purge_dokumen.log",
            "backup": "systemctl enable --now kis-backup.timer; "
            "log: /var/log/kis/backup.log",
        },
    )


def _folders() -> dict[str, Path]:
    return {
        "MEDIA_ROOT": Path(settings.MEDIA_ROOT),
        "KIS_CADANGAN_DIR": Path(settings.KIS_CADANGAN_DIR),
    }


@register("kis", deploy=True)
def check_folder_permissions(app_configs=None, **kwargs) -> list[Warning]:
    warnings = []
    for name, folder in _folders().items():
        try:
            mode = folder.stat().st_mode
        except OSError:
            continue  # not created yet: nothing readable
        if mode & stat.S_IRWXO:
            warnings.append(
                Warning(
                    f"{name} ({folder}) dapat dibuka pengguna lain di server "
                    f"(mode {stat.filemode(mode)}): berisi data pribadi warga.",
                    hint=f"chmod 700 {folder}",
                    id="kis.W006",
                )
            )
    return warnings


@register("kis", deploy=True)
def check_folders_outside_release(app_configs=None, **kwargs) -> list[Warning]:
    release = Path(settings.BASE_DIR).resolve()
    return [
        Warning(
            f"{name} ({folder}) berada di dalam folder rilis, yang diganti pada "
            "pembaruan berikutnya.",
            hint=f"Isi {name} di /etc/kis-portal.env (mis. /srv/kis/...).",
            id="kis.W007",
        )
        for name, folder in _folders().items()
        if folder.resolve().is_relative_to(release)
    ]


@register("kis", deploy=True)
def check_signatories(app_configs=None, **kwargs) -> list[Warning]:
    try:
        profile = (
            OfficeProfile.objects.filter(is_active=True)
            .prefetch_related("penandatangan")
            .first()
        )
    except DatabaseError:
        return []  # W004 already says the database cannot be read
    if profile is None:
        return []
    return [
        Warning(
            text,
            hint="Isi di Admin > Profil kantor > Penanda tangan.",
            id="kis.W008",
        )
        for text in profile_warnings(profile)
    ]
