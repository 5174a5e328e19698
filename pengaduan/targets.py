"""The complaint's target day and when it is late (the rule alone, no database).

A complaint gets its target day (`tenggat`) when it arrives: the day it arrives in
the office's zone (WITA, TIME_ZONE) plus its category's days (setting
KIS_PENGADUAN_TARGET_HARI, these defaults for a category it leaves out). The days
are calendar days: the office counts no working days or holidays. An open complaint
is late from the day after its target day; a resolved one never is.
`selectors.overdue_q` asks the same of the database.
"""

import datetime

from django.conf import settings
from django.utils import timezone

# Keys are Pengaduan.Kategori's values (tests/rules/test_targets.py holds them together).
DEFAULT_TARGET_HARI = {
    "belum_dicetak": 14,
    "terlambat": 7,
    "data_salah": 14,
    "tidak_diterima": 7,
    "lainnya": 7,
}
FALLBACK_TARGET_HARI = 7


def target_hari(kategori: str) -> int:
    """Days to resolve a complaint of this category (setting KIS_PENGADUAN_TARGET_HARI)."""
    table = {
        **DEFAULT_TARGET_HARI,
        **getattr(settings, "KIS_PENGADUAN_TARGET_HARI", {}),
    }
    return int(table.get(kategori, FALLBACK_TARGET_HARI))


def tenggat_for(kategori: str, *, on: datetime.date | None = None) -> datetime.date:
    """The target day of a complaint of `kategori` arriving `on` (today in WITA)."""
    return (on or timezone.localdate()) + datetime.timedelta(days=target_hari(kategori))


def terlambat(*, terbuka: bool, tenggat: datetime.date) -> bool:
    """Open and past its target day (today in WITA)."""
    return terbuka and tenggat < timezone.localdate()
