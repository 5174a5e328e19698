"""When a card is late to leave the office (the rule alone, no database).

A card received from BPJS waits at the office (status DITERIMA_DINSOS) until it is
handed to the desa or a distributor. It is late once it has waited the setting
KIS_KARTU_BATAS_HARI (14 days by default) counted in calendar days from the day it
was received, in the office's zone (WITA, TIME_ZONE): received on the 1st with 14
days, it is late from the 15th. `selectors.overdue_q` asks the same of the database.
"""

import datetime

from django.conf import settings
from django.utils import timezone

BATAS_HARI = 14
AT_OFFICE = "dinsos"  # Kartu.Status.DITERIMA_DINSOS (tests/rules/test_targets.py)


def overdue_cutoff() -> datetime.date:
    """Cards received on or before this day and still at the office are late."""
    days = int(getattr(settings, "KIS_KARTU_BATAS_HARI", BATAS_HARI))
    return timezone.localdate() - datetime.timedelta(days=days)


def kartu_terlambat(*, status: str, diterima_tanggal: datetime.date) -> bool:
    """Still at the office, received on or before the cutoff."""
    return status == AT_OFFICE and diterima_tanggal <= overdue_cutoff()
