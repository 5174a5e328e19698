"""The usulan's cross-field checks (usulan/checks.py), at their edges.

A wrong answer here records a man as "ibu hamil" (a place at the head of the
batch), lets a MIG37 go without its card number, or tells an operator which other
desa proposed a resident; each table below pins one rule."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from kis_portal.audit.models import AksesData
from kis_portal.offices.choices import JenisUsulan
from tests.clock import frozen, wita
from tests.usulan.factories import make_usulan, member
from usulan.checks import (
    HAMIL_AGES,
    NIK_PAUSED,
    household_errors,
    kategori_error,
    member_errors,
    members_together_errors,
    nik_lookup_limit,
    nik_region_warning,
    nik_taken_messages,
)
from usulan.selectors import NIK_ELSEWHERE

D = datetime.date
# A woman born 12-03-1985 and a man born 12-05-1980, registered in 51.08.06.
WOMAN = "5108065203850003"
MAN = "5108061205800001"

MAN_HAMIL = (
    "Kategori ibu hamil hanya untuk perempuan; NIK ini milik laki-laki. "
    "Pilih kategori lain."
)


def hamil_age_error(age: int) -> str:
    return (
        f"Kategori ibu hamil untuk umur {age} tahun: periksa kategori atau "
        "tanggal lahir."
    )


def test_the_age_bounds_are_ten_and_fifty_five():
    assert HAMIL_AGES == (10, 55)


@pytest.mark.parametrize(
    ("kategori", "sex", "birth", "error"),
    [
        # only "hamil" is checked
        ("miskin", "L", D(1980, 1, 1), ""),
        ("disabilitas", "L", None, ""),
        ("", "L", None, ""),
        # a man is never "ibu hamil", with or without a birth date
        ("hamil", "L", D(1995, 1, 1), MAN_HAMIL),
        ("hamil", "L", None, MAN_HAMIL),
        ("hamil", "", None, MAN_HAMIL),
        # a woman without a birth date: nothing to check the age against
        ("hamil", "P", None, ""),
        # ages at the bounds, on 06-12-2026 (birthdays on either side of today)
        ("hamil", "P", D(2016, 12, 6), ""),  # 10 today
        ("hamil", "P", D(2016, 12, 7), hamil_age_error(9)),  # 10 tomorrow
        ("hamil", "P", D(1971, 12, 6), ""),  # 55 today
        ("hamil", "P", D(1970, 12, 7), ""),  # 55 until tomorrow
        ("hamil", "P", D(1970, 12, 6), hamil_age_error(56)),  # 56 today
        ("hamil", "P", D(1970, 11, 6), hamil_age_error(56)),  # an earlier month
        ("hamil", "P", D(1970, 12, 5), hamil_age_error(56)),  # an earlier day
        ("hamil", "P", D(1971, 1, 5), ""),  # a later month, 55
        ("hamil", "P", D(1995, 8, 1), ""),
        ("hamil", "P", D(1950, 3, 7), hamil_age_error(76)),
    ],
)
def test_ibu_hamil_is_a_woman_of_ten_to_fifty_five(kategori, sex, birth, error):
    with frozen(wita(2026, 12, 6, 0, 30)):  # WITA's date, UTC still on the 5th
        assert kategori_error(kategori, sex=sex, birth=birth) == error


def test_a_member_without_nik_has_no_cross_field_error():
    assert member_errors({"nik": "", "kategori": "hamil"}) == {}
    assert member_errors({"kategori": "hamil"}) == {}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        # everything agrees
        (
            {"nik": WOMAN, "tanggal_lahir": D(1985, 3, 12), "jenis_kelamin": "P"},
            {},
        ),
        (
            {
                "nik": WOMAN,
                "tanggal_lahir": D(1985, 3, 12),
                "jenis_kelamin": "P",
                "kategori": "hamil",
            },
            {},
        ),
        # the sex comes from the NIK, not from the field: a man's NIK is no mother
        (
            {"nik": MAN, "jenis_kelamin": "P", "kategori": "hamil"},
            {
                "jenis_kelamin": "Jenis kelamin tidak sesuai NIK: tanggal lahir pada "
                "NIK tidak ditambah 40, berarti laki-laki.",
                "kategori": MAN_HAMIL,
            },
        ),
        # a birth date against the NIK and an age out of bounds: both said
        (
            {"nik": WOMAN, "tanggal_lahir": D(1950, 3, 12), "kategori": "hamil"},
            {
                "tanggal_lahir": "Tanggal lahir tidak sesuai NIK: menurut NIK, lahir "
                "tanggal 12-03-1985.",
                "kategori": hamil_age_error(76),
            },
        ),
    ],
)
def test_member_errors_join_the_nik_and_the_category(data, errors):
    with frozen(wita(2026, 12, 6)):
        assert member_errors(data) == errors


def test_a_category_error_does_not_hide_an_earlier_one_on_the_same_field():
    """setdefault: an error already on "kategori" stays (none comes first today,
    so the category's own message is the one shown)."""
    with frozen(wita(2026, 12, 6)):
        errors = member_errors({"nik": MAN, "kategori": "hamil"})
    assert errors == {"kategori": MAN_HAMIL}


NOKA_REQUIRED = "Usulan MIG37 wajib mencantumkan NOKA lama (13 angka)."
SEGMEN_REQUIRED = "Pilih segmen asal kepesertaan (misalnya BPJS Mandiri)."


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"jenis": JenisUsulan.MIG34}, {}),
        ({"jenis": JenisUsulan.MIG34, "noka_lama": ""}, {}),
        ({}, {}),
        (
            {"jenis": JenisUsulan.MIG37},
            {"noka_lama": NOKA_REQUIRED, "segmen_asal": SEGMEN_REQUIRED},
        ),
        (
            {"jenis": JenisUsulan.MIG37, "noka_lama": "0001261832477"},
            {"segmen_asal": SEGMEN_REQUIRED},
        ),
        (
            {"jenis": JenisUsulan.MIG37, "segmen_asal": "mandiri"},
            {"noka_lama": NOKA_REQUIRED},
        ),
        (
            {
                "jenis": JenisUsulan.MIG37,
                "noka_lama": "0001261832477",
                "segmen_asal": "mandiri",
            },
            {},
        ),
    ],
)
def test_mig37_needs_its_card_number_and_former_segment(data, errors):
    assert household_errors(data) == errors


@pytest.mark.parametrize(
    ("niks", "taken", "errors"),
    [
        ([], {}, {}),
        ([MAN, WOMAN], {}, {}),
        # empty rows are skipped, not compared
        ([None, "", MAN, None], {}, {}),
        # the same NIK twice: the later row names the earlier one (1-based)
        (
            [MAN, WOMAN, MAN],
            {},
            {2: "NIK ini sama dengan anggota ke-1 dalam usulan ini."},
        ),
        (
            [None, WOMAN, WOMAN],
            {},
            {2: "NIK ini sama dengan anggota ke-2 dalam usulan ini."},
        ),
        # a NIK proposed elsewhere: its first row carries the message ...
        ([MAN, WOMAN], {WOMAN: NIK_ELSEWHERE}, {1: NIK_ELSEWHERE}),
        # ... and a duplicate row keeps its own message
        (
            [WOMAN, WOMAN],
            {WOMAN: NIK_ELSEWHERE},
            {0: NIK_ELSEWHERE, 1: "NIK ini sama dengan anggota ke-1 dalam usulan ini."},
        ),
    ],
)
def test_each_row_gets_one_nik_error(niks, taken, errors):
    assert (
        members_together_errors(niks, exclude_usulan_id=None, user=None, taken=taken)
        == errors
    )


def kecamatan_desa(kode="51.08.06", nama="Buleleng"):
    kecamatan = SimpleNamespace(nik_prefix=kode.replace(".", ""), nama=nama)
    return SimpleNamespace(
        kecamatan=kecamatan, __str__=lambda self: "Desa Uji", nama="Uji"
    )


@pytest.mark.parametrize(
    ("nik", "warning"),
    [
        (MAN, ""),  # registered in this kecamatan
        ("12345", ""),  # not a NIK: the NIK check says so, not this one
        (
            "5108071205800001",
            "NIK diterbitkan di wilayah 51.08.07, bukan Kec. Buleleng: pastikan "
            "warga berdomisili di {desa}.",
        ),
        (
            "5208061205800001",
            "NIK diterbitkan di wilayah 52.08.06, bukan Kec. Buleleng: pastikan "
            "warga berdomisili di {desa}.",
        ),
    ],
)
def test_a_nik_from_another_kecamatan_is_worth_a_look(nik, warning):
    desa = kecamatan_desa()
    assert nik_region_warning(nik, desa) == warning.format(desa=desa)


def test_the_other_desa_limit_is_the_setting_over_24_hours(settings):
    settings.KIS_NIK_LAIN_MAKS_HARI = 3
    limit = nik_lookup_limit()
    assert (limit.scope, limit.maks, limit.jendela) == (
        "nik-desa-lain",
        3,
        datetime.timedelta(hours=24),
    )
    del settings.KIS_NIK_LAIN_MAKS_HARI
    assert nik_lookup_limit().maks == 10


@pytest.fixture
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


@pytest.mark.django_db
def test_other_desa_niks_are_told_only_so_many_times_a_day(
    sop_pbi, settings, operator_a, operator_b, desa_a, caplog
):
    """Three other-desa NIKs are answered; the fourth pauses every new NIK, yet the
    members already saved in the operator's own usulan stay known."""
    settings.KIS_NIK_LAIN_MAKS_HARI = 3
    elsewhere = [make_usulan(operator_b).anggota_set.first().nik for _ in range(4)]
    own = make_usulan(operator_a)
    saved = own.anggota_set.first().nik
    fresh = member(desa_a)["nik"]
    with frozen(wita(2026, 12, 6)):
        first = nik_taken_messages(
            elsewhere[:3], exclude_usulan_id=None, user=operator_a
        )
        assert first == dict.fromkeys(elsewhere[:3], NIK_ELSEWHERE)
        # each new other-desa NIK asked about is on record: who, what, which NIKs
        record = AksesData.objects.get()
        assert (record.actor, record.tindakan, record.halaman, record.niks) == (
            operator_a,
            "cari",
            "Pemeriksaan NIK: sudah diusulkan di desa lain",
            " " + " ".join(sorted(elsewhere[:3])) + " ",
        )
        assert not any("paused" in r.getMessage() for r in caplog.records)
        # the same three again: nothing new learnt, still answered, no new record
        again = nik_taken_messages(
            elsewhere[:3], exclude_usulan_id=None, user=operator_a
        )
        assert again == first
        assert AksesData.objects.count() == 1
        # a fresh NIK of the operator's own desa, nothing elsewhere: fine so far
        assert (
            nik_taken_messages([fresh], exclude_usulan_id=None, user=operator_a) == {}
        )
        # the fourth other-desa NIK: paused, for it and for any new NIK
        paused = nik_taken_messages(
            [elsewhere[3], fresh, saved], exclude_usulan_id=own.pk, user=operator_a
        )
        assert paused == {elsewhere[3]: NIK_PAUSED, fresh: NIK_PAUSED}
        assert [
            r.getMessage() for r in caplog.records if "paused" in r.getMessage()
        ] == [
            f"user={operator_a.pk} NIK checks paused: too many other-desa NIKs in 24 hours"
        ]
        # with no other-desa NIK in the request, still paused for new NIKs
        assert nik_taken_messages([fresh], exclude_usulan_id=None, user=operator_a) == {
            fresh: NIK_PAUSED
        }
    # a day later the window has passed
    with frozen(wita(2026, 12, 7, 10)):
        assert (
            nik_taken_messages([fresh], exclude_usulan_id=None, user=operator_a) == {}
        )


@pytest.mark.django_db
def test_staff_see_where_a_nik_is_and_are_never_paused(
    sop_pbi, settings, operator_b, verifikator
):
    settings.KIS_NIK_LAIN_MAKS_HARI = 0
    usulan = make_usulan(operator_b)
    nik = usulan.anggota_set.first().nik
    with frozen(wita(2026, 12, 6)):
        messages = nik_taken_messages([nik], exclude_usulan_id=None, user=verifikator)
    assert list(messages) == [nik]
    assert messages[nik].startswith(f"NIK ini sudah diusulkan (usulan {usulan.nomor}")
    # excluding the usulan being edited: its own members are no conflict
    assert (
        nik_taken_messages([nik], exclude_usulan_id=usulan.pk, user=verifikator) == {}
    )


@pytest.mark.django_db
def test_rows_are_checked_against_other_usulan_when_no_answer_is_given(
    sop_pbi, operator_a, operator_b, desa_a
):
    """Without `taken`, the rows' NIKs are looked up for this asker, leaving out
    the usulan being edited."""
    theirs = make_usulan(operator_b).anggota_set.first().nik
    own = make_usulan(operator_a)
    mine = own.anggota_set.first().nik
    with frozen(wita(2026, 12, 6)):
        errors = members_together_errors(
            [mine, theirs], exclude_usulan_id=own.pk, user=operator_a
        )
        assert errors == {1: NIK_ELSEWHERE}
        # another usulan of the same desa holding the NIK: shown where it is
        errors = members_together_errors(
            [mine], exclude_usulan_id=None, user=operator_a
        )
    assert errors[0].startswith(f"NIK ini sudah diusulkan (usulan {own.nomor}")
