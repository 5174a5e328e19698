"""Complaint targets and late cards (pengaduan/targets.py, distribusi/late.py), at their edges.

A target a day short flags a complaint the office is still within time on; a day
long hides one from the head of office. Days are calendar days in the office's zone
(WITA): just after midnight WITA it is already the next day although UTC is not.
"""

import datetime

import pytest

from distribusi import late
from distribusi.models import Kartu
from pengaduan import targets
from pengaduan.models import Pengaduan
from tests.clock import frozen, wita

D = datetime.date
K = Kartu.Status


def test_every_category_has_a_default_target_and_the_card_status_is_at_office():
    assert set(targets.DEFAULT_TARGET_HARI) == set(Pengaduan.Kategori.values)
    assert late.AT_OFFICE == K.DITERIMA_DINSOS


@pytest.mark.parametrize(
    ("kategori", "days"),
    [
        ("belum_dicetak", 14),  # the card is not printed yet: BPJS takes time
        ("terlambat", 7),
        ("data_salah", 14),  # a wrong record goes through Dukcapil/BPJS
        ("tidak_diterima", 7),
        ("lainnya", 7),
        ("tidak_dikenal", 7),  # a category the table does not know: 7 days
    ],
)
def test_default_days_per_category(settings, kategori, days):
    del settings.KIS_PENGADUAN_TARGET_HARI
    assert targets.target_hari(kategori) == days


@pytest.mark.parametrize(
    ("kategori", "days"),
    [
        ("belum_dicetak", 30),  # the office's own figure
        ("terlambat", 2),
        ("data_salah", 14),  # left out of the setting: the default
        ("tidak_diterima", 7),
        ("lainnya", 3),  # given as text in the environment: read as a number
        ("tidak_dikenal", 7),
    ],
)
def test_the_setting_overrides_some_categories(settings, kategori, days):
    settings.KIS_PENGADUAN_TARGET_HARI = {
        "belum_dicetak": 30,
        "terlambat": 2,
        "lainnya": "3",
    }
    assert targets.target_hari(kategori) == days


@pytest.mark.parametrize(
    ("kategori", "on", "tenggat"),
    [
        ("terlambat", D(2026, 12, 6), D(2026, 12, 13)),
        ("belum_dicetak", D(2026, 12, 6), D(2026, 12, 20)),
        ("lainnya", D(2026, 12, 28), D(2027, 1, 4)),  # across the year
        ("terlambat", D(2028, 2, 25), D(2028, 3, 3)),  # 29 Feb is a day too
        ("data_salah", D(2027, 2, 20), D(2027, 3, 6)),
    ],
)
def test_the_target_day_is_the_arrival_day_plus_calendar_days(kategori, on, tenggat):
    assert targets.tenggat_for(kategori, on=on) == tenggat


def test_without_a_day_the_target_counts_from_today_in_wita(settings):
    settings.KIS_PENGADUAN_TARGET_HARI = {"terlambat": 7}
    # 00:30 WITA on 1 March: still 28 February in UTC
    with frozen(wita(2027, 3, 1, 0, 30)):
        assert targets.tenggat_for("terlambat") == D(2027, 3, 8)
    with frozen(wita(2027, 2, 28, 23, 59)):
        assert targets.tenggat_for("terlambat") == D(2027, 3, 7)


@pytest.mark.parametrize(
    ("terbuka", "tenggat", "terlambat"),
    [
        (True, D(2027, 2, 28), True),  # the day after its target: late
        (True, D(2027, 3, 1), False),  # its target day is today: still in time
        (True, D(2027, 3, 2), False),
        (True, D(2026, 1, 1), True),
        (False, D(2027, 2, 28), False),  # resolved: never late
        (False, D(2026, 1, 1), False),
        (False, D(2027, 3, 2), False),
    ],
)
def test_an_open_complaint_is_late_after_its_target_day_in_wita(
    terbuka, tenggat, terlambat
):
    with frozen(wita(2027, 3, 1, 0, 30)):  # 28 February in UTC
        assert targets.terlambat(terbuka=terbuka, tenggat=tenggat) is terlambat


def test_the_complaint_model_reads_the_same_rule():
    complaint = Pengaduan(status=Pengaduan.Status.MENUNGGU_BPJS, tenggat=D(2027, 2, 28))
    with frozen(wita(2027, 3, 1, 0, 30)):
        assert complaint.terlambat
        complaint.status = Pengaduan.Status.SELESAI
        assert not complaint.terlambat
        complaint.status = Pengaduan.Status.BARU
        complaint.tenggat = D(2027, 3, 1)
        assert not complaint.terlambat


@pytest.mark.parametrize(
    ("batas", "cutoff"),
    [
        (None, D(2027, 2, 15)),  # no setting: 14 days
        (14, D(2027, 2, 15)),
        (7, D(2027, 2, 22)),
        ("30", D(2027, 1, 30)),  # from the environment as text
        (0, D(2027, 3, 1)),  # late as soon as received
    ],
)
def test_the_card_cutoff_is_today_in_wita_less_the_days(settings, batas, cutoff):
    if batas is None:
        del settings.KIS_KARTU_BATAS_HARI
    else:
        settings.KIS_KARTU_BATAS_HARI = batas
    with frozen(wita(2027, 3, 1, 0, 30)):  # 28 February in UTC
        assert late.overdue_cutoff() == cutoff


@pytest.mark.parametrize(
    ("status", "diterima", "terlambat"),
    [
        (K.DITERIMA_DINSOS, D(2027, 2, 14), True),  # 15 days at the office
        (K.DITERIMA_DINSOS, D(2027, 2, 15), True),  # 14 days: late from today
        (K.DITERIMA_DINSOS, D(2027, 2, 16), False),  # 13 days: still in time
        (K.DITERIMA_DINSOS, D(2027, 3, 1), False),
        # handed over, with the citizen or sent back: never late
        (K.DISERAHKAN, D(2027, 1, 1), False),
        (K.DITERIMA_WARGA, D(2027, 1, 1), False),
        (K.DIKEMBALIKAN, D(2027, 1, 1), False),
        (K.DISERAHKAN, D(2027, 3, 1), False),
    ],
)
def test_a_card_is_late_while_at_the_office_past_the_cutoff(
    settings, status, diterima, terlambat
):
    settings.KIS_KARTU_BATAS_HARI = 14
    with frozen(wita(2027, 3, 1, 0, 30)):
        assert (
            late.kartu_terlambat(status=status, diterima_tanggal=diterima) is terlambat
        )
