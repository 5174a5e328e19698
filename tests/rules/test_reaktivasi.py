"""The reactivation rules (usulan/reaktivasi.py and usulan/checks.py), at their edges.

A window judged a day wrong puts a family at the head of the batch or drops it to
the ordinary lane; a missing deactivation date lets a reactivation go without the
one fact BPJS asks for. No database: profiles and usulan are unsaved objects."""

import datetime
from types import SimpleNamespace

import pytest

from kis_portal.offices.choices import JenisUsulan
from tests.clock import frozen, wita
from usulan.checks import household_errors, reaktivasi_errors
from usulan.models import Usulan
from usulan.reaktivasi import (
    BATAS_BULAN_DEFAULT,
    Jendela,
    add_months,
    batas_bulan,
    deadline,
    judged_on,
    lane_for,
    window,
)

D = datetime.date
SIX = SimpleNamespace(reaktivasi_batas_bulan=6)
THREE = SimpleNamespace(reaktivasi_batas_bulan=3)


@pytest.mark.parametrize(
    ("day", "months", "later"),
    [
        (D(2026, 3, 12), 6, D(2026, 9, 12)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31st: the month's last day
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # a leap February
        (D(2026, 8, 30), 6, D(2027, 2, 28)),
        (D(2026, 7, 31), 6, D(2027, 1, 31)),  # across the year, the 31st kept
        (D(2026, 12, 31), 1, D(2027, 1, 31)),
        (D(2026, 11, 30), 1, D(2026, 12, 30)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 6, 15), 0, D(2026, 6, 15)),
        (D(2026, 6, 15), 12, D(2027, 6, 15)),
        (D(2026, 6, 15), 18, D(2027, 12, 15)),  # month 12 of the next year
        (D(2026, 6, 15), 19, D(2028, 1, 15)),
    ],
)
def test_months_are_added_as_calendar_months(day, months, later):
    assert add_months(day, months) == later


def test_the_window_is_the_profiles_months_or_six():
    assert BATAS_BULAN_DEFAULT == 6
    assert batas_bulan(None) == 6
    assert batas_bulan(THREE) == 3
    assert deadline(D(2026, 3, 12), None) == D(2026, 9, 12)
    assert deadline(D(2026, 3, 12), THREE) == D(2026, 6, 12)


@pytest.mark.parametrize(
    ("today", "open_", "sisa", "message"),
    [
        (
            D(2026, 3, 11),  # the day before the deactivation
            False,
            185,
            "Tanggal dinonaktifkan tidak boleh setelah hari ini.",
        ),
        (
            D(2026, 3, 12),  # the deactivation day itself
            True,
            184,
            "Dinonaktifkan 12-03-2026; batas reaktivasi 12-09-2026 (sisa 184 hari).",
        ),
        (
            D(2026, 9, 11),
            True,
            1,
            "Dinonaktifkan 12-03-2026; batas reaktivasi 12-09-2026 (sisa 1 hari).",
        ),
        (
            D(2026, 9, 12),  # the last day inside
            True,
            0,
            "Dinonaktifkan 12-03-2026; batas reaktivasi hari ini (12-09-2026).",
        ),
        (
            D(2026, 9, 13),  # the first day outside
            False,
            -1,
            "Dinonaktifkan 12-03-2026, lebih dari 6 bulan lalu (batas 12-09-2026): "
            "di luar batas waktu reaktivasi. Usulan tetap dapat diajukan, tetapi "
            "tidak didahulukan sebagai reaktivasi; verifikator memutuskan.",
        ),
    ],
)
def test_the_window_explains_itself_on_each_side_of_its_edges(
    today, open_, sisa, message
):
    seen = window(D(2026, 3, 12), profile=SIX, today=today)
    assert seen == Jendela(
        nonaktif_sejak=D(2026, 3, 12), batas=D(2026, 9, 12), bulan=6, hari_ini=today
    )
    assert (seen.terbuka, seen.sisa_hari, seen.pesan) == (open_, sisa, message)
    assert seen.belum_terjadi == (today < D(2026, 3, 12))


def test_the_window_is_judged_on_wita_s_today():
    """At 07:30 WITA on the 13th, UTC is still on the 12th: outside already."""
    with frozen(wita(2026, 9, 13, 7, 30)):
        assert not window(D(2026, 3, 12), profile=SIX).terbuka
    with frozen(wita(2026, 9, 12, 23, 30)):  # UTC: 15:30 the same day
        assert window(D(2026, 3, 12), profile=SIX).terbuka
        assert window(D(2026, 3, 12), profile=SIX).hari_ini == D(2026, 9, 12)


def test_a_three_month_profile_says_three():
    seen = window(D(2026, 3, 12), profile=THREE, today=D(2026, 6, 13))
    assert "lebih dari 3 bulan lalu (batas 12-06-2026)" in seen.pesan


def usulan(**fields) -> Usulan:
    values = {
        "jenis": JenisUsulan.MIG37,
        "reaktivasi_alasan": "kronis",
        "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
        "reaktivasi_dinilai_pada": None,
        "jalur": Usulan.Jalur.BIASA,
    }
    return Usulan(**{**values, **fields})


@pytest.mark.parametrize(
    ("fields", "lane"),
    [
        ({}, Usulan.Jalur.REAKTIVASI),  # judged today: inside
        ({"reaktivasi_dinilai_pada": D(2026, 9, 12)}, Usulan.Jalur.REAKTIVASI),
        ({"reaktivasi_dinilai_pada": D(2026, 9, 13)}, Usulan.Jalur.BIASA),
        ({"jenis": JenisUsulan.MIG34}, Usulan.Jalur.BIASA),
        ({"reaktivasi_alasan": ""}, Usulan.Jalur.BIASA),
        ({"reaktivasi_nonaktif_sejak": None}, Usulan.Jalur.BIASA),
        ({"reaktivasi_nonaktif_sejak": D(2026, 6, 2)}, Usulan.Jalur.BIASA),  # future
        # an urgent case stays urgent, whatever else it holds
        ({"jalur": Usulan.Jalur.DARURAT}, Usulan.Jalur.DARURAT),
        (
            {"jalur": Usulan.Jalur.DARURAT, "jenis": JenisUsulan.MIG34},
            Usulan.Jalur.DARURAT,
        ),
        # a lane set before is judged again
        ({"jalur": Usulan.Jalur.REAKTIVASI, "reaktivasi_alasan": ""}, "biasa"),
    ],
)
def test_the_lane_of_an_usulan(fields, lane):
    with frozen(wita(2026, 6, 1)):
        assert lane_for(usulan(**fields), profile=SIX) == lane


def test_the_lane_follows_the_profiles_window():
    judged = usulan(reaktivasi_dinilai_pada=D(2026, 7, 1))
    assert lane_for(judged, profile=SIX) == Usulan.Jalur.REAKTIVASI
    assert lane_for(judged, profile=THREE) == Usulan.Jalur.BIASA


def test_the_day_judged_is_the_first_submission():
    assert judged_on(usulan()) is None
    assert judged_on(usulan(reaktivasi_dinilai_pada=D(2026, 4, 1))) == D(2026, 4, 1)


NO_DATE = "Isi tanggal kartu PBI dinonaktifkan (lihat surat/daftar BPJS)."
MIG37_ONLY = "Reaktivasi PBI hanya untuk usulan MIG37 (peserta yang sudah punya NOKA)."
FUTURE = "Tanggal dinonaktifkan tidak boleh setelah hari ini."
WHY = "Tuliskan alasan reaktivasinya."


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {}),  # not a reactivation
        ({"reaktivasi_alasan": None, "jenis": JenisUsulan.MIG34}, {}),
        (
            {"reaktivasi_alasan": "kronis", "jenis": JenisUsulan.MIG37},
            {"reaktivasi_nonaktif_sejak": NO_DATE},
        ),
        (
            {
                "reaktivasi_alasan": "kronis",
                "jenis": JenisUsulan.MIG34,
                "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
            },
            {"reaktivasi_alasan": MIG37_ONLY},
        ),
        (
            {
                "reaktivasi_alasan": "kronis",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 12, 6),  # today: fine
            },
            {},
        ),
        (
            {
                "reaktivasi_alasan": "kronis",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 12, 7),  # tomorrow
            },
            {"reaktivasi_nonaktif_sejak": FUTURE},
        ),
        (
            {
                "reaktivasi_alasan": "lainnya",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
                "reaktivasi_keterangan": "   ",
            },
            {"reaktivasi_keterangan": WHY},
        ),
        (
            {
                "reaktivasi_alasan": "lainnya",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
                "reaktivasi_keterangan": None,
            },
            {"reaktivasi_keterangan": WHY},
        ),
        (
            {
                "reaktivasi_alasan": "lainnya",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
                "reaktivasi_keterangan": "pindah dari kabupaten lain",
            },
            {},
        ),
        (  # a written reason is asked only for "lainnya"
            {
                "reaktivasi_alasan": "bayi",
                "jenis": JenisUsulan.MIG37,
                "reaktivasi_nonaktif_sejak": D(2026, 3, 12),
            },
            {},
        ),
    ],
)
def test_a_reactivation_names_its_reason_and_date(data, errors):
    # 00:30 WITA on the 6th: UTC is still on the 5th, "tomorrow" is the 7th
    with frozen(wita(2026, 12, 6, 0, 30)):
        assert reaktivasi_errors(data) == errors
        household = {**data, "noka_lama": "0001261832477", "segmen_asal": "pbi_apbn"}
        assert household_errors(household) == errors
