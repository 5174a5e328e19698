"""Reactivation of a deactivated PBI participant (MIG37): the window check and the lane.

The office profile's `reaktivasi_batas_bulan` (default 6) is how long after the
deactivation a reactivation may be proposed. The check is made on calendar days
in WITA (settings.TIME_ZONE, Asia/Makassar): the window ends on the same day of
the month N months after the deactivation (the month's last day when it has no
such day: 31-08 + 6 months is 28-02 or 29-02) and that day is still inside.

Past the window is a flag for the verifier, not a refusal: the 6 months come
from the ministry's rule as reported and BPJS decides at the end, so the desa
may still propose, but the usulan leaves the reactivation lane (no priority in
the batch) and every page that shows it says why, with the dates.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from kis_portal.offices.choices import JenisUsulan
from kis_portal.offices.models import OfficeProfile

BATAS_BULAN_DEFAULT = 6

MSG_LEWAT = (
    "Dinonaktifkan {tanggal}, lebih dari {bulan} bulan lalu (batas {batas}): "
    "di luar batas waktu reaktivasi. Usulan tetap dapat diajukan, tetapi tidak "
    "didahulukan sebagai reaktivasi; verifikator memutuskan."
)
MSG_DALAM = "Dinonaktifkan {tanggal}; batas reaktivasi {batas} (sisa {sisa} hari)."
MSG_HARI_INI = "Dinonaktifkan {tanggal}; batas reaktivasi hari ini ({batas})."
MSG_NANTI = "Tanggal dinonaktifkan tidak boleh setelah hari ini."


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def batas_bulan(profile: OfficeProfile | None) -> int:
    return profile.reaktivasi_batas_bulan if profile else BATAS_BULAN_DEFAULT


def deadline(
    nonaktif_sejak: datetime.date, profile: OfficeProfile | None
) -> datetime.date:
    """The last day a reactivation is inside the window."""
    return add_months(nonaktif_sejak, batas_bulan(profile))


@dataclass(frozen=True)
class Jendela:
    """The window of one deactivation, seen on one day."""

    nonaktif_sejak: datetime.date
    batas: datetime.date
    bulan: int
    hari_ini: datetime.date

    @property
    def terbuka(self) -> bool:
        return self.nonaktif_sejak <= self.hari_ini <= self.batas

    @property
    def belum_terjadi(self) -> bool:
        return self.nonaktif_sejak > self.hari_ini

    @property
    def sisa_hari(self) -> int:
        return (self.batas - self.hari_ini).days

    @property
    def pesan(self) -> str:
        values = {
            "tanggal": self.nonaktif_sejak.strftime("%d-%m-%Y"),
            "batas": self.batas.strftime("%d-%m-%Y"),
            "bulan": self.bulan,
            "sisa": self.sisa_hari,
        }
        if self.belum_terjadi:
            return MSG_NANTI
        if not self.terbuka:
            return MSG_LEWAT.format(**values)
        if self.sisa_hari == 0:
            return MSG_HARI_INI.format(**values)
        return MSG_DALAM.format(**values)


def window(
    nonaktif_sejak: datetime.date,
    *,
    profile: OfficeProfile | None,
    today: datetime.date | None = None,
) -> Jendela:
    """The window check as of `today` (WITA's today by default)."""
    return Jendela(
        nonaktif_sejak=nonaktif_sejak,
        batas=deadline(nonaktif_sejak, profile),
        bulan=batas_bulan(profile),
        hari_ini=today or timezone.localdate(),
    )


def judged_on(usulan) -> datetime.date | None:
    """The day a reactivation's window is judged on: its first submission,
    or None (today) while it has never been submitted."""
    return usulan.reaktivasi_dinilai_pada


def lane_for(usulan, *, profile: OfficeProfile | None) -> str:
    """The usulan's lane: an urgent case stays urgent; a reactivation inside
    its window (judged on the first submission day, today before it) takes
    the reactivation lane; everything else is ordinary."""
    jalur = type(usulan).Jalur
    if usulan.jalur == jalur.DARURAT:
        return jalur.DARURAT
    if (
        usulan.jenis == JenisUsulan.MIG37
        and usulan.reaktivasi_alasan
        and usulan.reaktivasi_nonaktif_sejak
        and window(
            usulan.reaktivasi_nonaktif_sejak, profile=profile, today=judged_on(usulan)
        ).terbuka
    ):
        return jalur.REAKTIVASI
    return jalur.BIASA
