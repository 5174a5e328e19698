"""The contract the dashboard reads: counts per period and per desa."""

import datetime

import pytest

from pengaduan.models import Pengaduan
from pengaduan.selectors import pengaduan_counts, pengaduan_per_desa
from pengaduan.services import pengaduan_change_status
from tests.clock import WITA

from .factories import complaint

pytestmark = pytest.mark.django_db


def at(pengaduan, when: datetime.datetime, *, tenggat: datetime.date):
    Pengaduan.objects.filter(pk=pengaduan.pk).update(created_at=when, tenggat=tenggat)


@pytest.fixture
def spread(operator_a, operator_b, loket):
    """Complaints on 1, 2 and 3 November (local time) in two desa."""
    late_evening = complaint(operator_a)  # 1 Nov 23:30 WITA = 15:30 UTC
    at(
        late_evening,
        datetime.datetime(2026, 11, 1, 23, 30, tzinfo=WITA),
        tenggat=datetime.date(2026, 11, 8),
    )
    early = complaint(operator_a)  # 2 Nov 00:10 WITA = 1 Nov 16:10 UTC
    at(
        early,
        datetime.datetime(2026, 11, 2, 0, 10, tzinfo=WITA),
        tenggat=datetime.date(2026, 11, 9),
    )
    other = complaint(operator_b)
    at(
        other,
        datetime.datetime(2026, 11, 3, 9, 0, tzinfo=WITA),
        tenggat=datetime.date(2099, 1, 1),
    )
    pengaduan_change_status(
        pengaduan_id=early.pk, to="selesai", alasan="Beres.", by=loket
    )
    return late_evening, early, other


def test_counts_by_local_date_inclusive(spread):
    assert pengaduan_counts(
        start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 1)
    ) == {"masuk": 1, "selesai": 0, "terbuka": 1, "terlambat": 1}
    assert pengaduan_counts(
        start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 3)
    ) == {"masuk": 2, "selesai": 1, "terbuka": 1, "terlambat": 0}
    assert pengaduan_counts() == {
        "masuk": 3,
        "selesai": 1,
        "terbuka": 2,
        "terlambat": 1,
    }
    assert pengaduan_counts(end=datetime.date(2026, 10, 31))["masuk"] == 0
    assert pengaduan_counts(start=datetime.date(2026, 11, 3))["masuk"] == 1


def test_counts_for_some_desa(spread, operator_b):
    counts = pengaduan_counts(desa_ids=[operator_b.profile.desa_id])
    assert counts == {"masuk": 1, "selesai": 0, "terbuka": 1, "terlambat": 0}
    assert pengaduan_counts(desa_ids=[])["masuk"] == 0


def test_per_desa(spread, operator_a, operator_b):
    a, b = operator_a.profile.desa_id, operator_b.profile.desa_id
    assert pengaduan_per_desa() == {a: 2, b: 1}
    assert pengaduan_per_desa(
        start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 2)
    ) == {a: 1}
