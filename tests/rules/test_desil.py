"""The office's DTSEN desil rule table (kis_portal/offices/desil.py), row by row.

A wrong row sends a desil-3 family to the regency's APBD money (which then lacks
room for desil 7), or keeps a desil-7 family waiting for SIKS-NG, which will never
take it. Each table below pins one rule: the default bands, the band a desil
falls in, how an office's own table is read, and which tables an office may save.
"""

from types import SimpleNamespace

import pytest

from kis_portal.offices.desil import (
    JUSTIFIKASI_APBD,
    JUSTIFIKASI_TANPA_DESIL,
    AturanDesil,
    JalurDesil,
    aturan_desil_default,
    aturan_desil_errors,
    aturan_for,
    aturan_table,
)

SIKS_NG = JalurDesil.SIKS_NG.value
APBD = JalurDesil.APBD.value
SIKS_NG_LABEL = "Usulkan lewat SIKS-NG (PBI-JK APBN)"
APBD_LABEL = "Calon PBI APBD"

# The defaults since 2025: PBI-JK (APBN) covers desil 1-5, the APBD the rest.
DEFAULT_ROWS = [
    {
        "dari": 1,
        "sampai": 5,
        "jalur": "siks_ng",
        "arti": "Layak PBI-JK (APBN): usulkan lewat SIKS-NG",
        "justifikasi": "",
    },
    {
        "dari": 6,
        "sampai": 10,
        "jalur": "apbd",
        "arti": "Calon PBI APBD",
        "justifikasi": (
            "Alasan keluarga ini dibiayai APBD: tidak layak PBI-JK APBN menurut "
            "desilnya, tetapi tidak mampu membayar iuran mandiri (dicatat verifikator)."
        ),
    },
    {
        "dari": None,
        "sampai": None,
        "jalur": "apbd",
        "arti": "Calon PBI APBD (belum berperingkat)",
        "justifikasi": (
            "Belum berperingkat di DTSEN: usulkan juga pemeringkatannya lewat desa, "
            "dan catat alasan keluarga ini dibiayai APBD."
        ),
    },
]


def test_the_default_table_is_siks_ng_for_desil_1_to_5_and_apbd_for_the_rest():
    assert aturan_desil_default() == DEFAULT_ROWS
    assert DEFAULT_ROWS[1]["justifikasi"] == JUSTIFIKASI_APBD
    assert DEFAULT_ROWS[2]["justifikasi"] == JUSTIFIKASI_TANPA_DESIL
    # the defaults are a valid table, and a fresh list each time (a profile edits its own)
    assert aturan_desil_errors(aturan_desil_default()) == ""
    aturan_desil_default()[0]["jalur"] = APBD
    assert aturan_desil_default() == DEFAULT_ROWS


@pytest.mark.parametrize(
    ("desil", "jalur", "pita", "siks_ng"),
    [
        (1, SIKS_NG, "desil 1-5", True),  # the poorest: APBN's PBI-JK
        (2, SIKS_NG, "desil 1-5", True),
        (3, SIKS_NG, "desil 1-5", True),
        (4, SIKS_NG, "desil 1-5", True),
        (5, SIKS_NG, "desil 1-5", True),  # the last desil APBN covers
        (6, APBD, "desil 6-10", False),  # the first desil left to the APBD
        (7, APBD, "desil 6-10", False),
        (8, APBD, "desil 6-10", False),
        (9, APBD, "desil 6-10", False),
        (10, APBD, "desil 6-10", False),
        (None, APBD, "belum berperingkat", False),  # unranked: APBD, with a reason
    ],
)
def test_each_desil_falls_in_its_default_band(desil, jalur, pita, siks_ng):
    for profile in (None, SimpleNamespace(aturan_desil=None)):
        row = aturan_for(aturan_table(profile), desil)
        assert (row.jalur, row.pita, row.siks_ng) == (jalur, pita, siks_ng)
        assert row.jalur_label == (SIKS_NG_LABEL if siks_ng else APBD_LABEL)


def test_the_default_rows_carry_their_meaning_and_justification():
    table = aturan_table(None)
    assert table == [
        AturanDesil(
            jalur=SIKS_NG,
            arti="Layak PBI-JK (APBN): usulkan lewat SIKS-NG",
            justifikasi="",
            dari=1,
            sampai=5,
        ),
        AturanDesil(
            jalur=APBD,
            arti="Calon PBI APBD",
            justifikasi=JUSTIFIKASI_APBD,
            dari=6,
            sampai=10,
        ),
        AturanDesil(
            jalur=APBD,
            arti="Calon PBI APBD (belum berperingkat)",
            justifikasi=JUSTIFIKASI_TANPA_DESIL,
        ),
    ]


# An office that leaves desil 1-3 to SIKS-NG, proposes desil 4 through the APBD with
# its own reason, and the rest (and the unranked) through the APBD.
OFFICE_ROWS = [
    {
        "dari": None,
        "sampai": None,
        "jalur": APBD,
    },  # listed first: only for the unranked
    {"dari": 1, "sampai": 3, "jalur": SIKS_NG, "arti": "APBN", "justifikasi": None},
    {"dari": 4, "sampai": 4, "jalur": APBD, "arti": "", "justifikasi": "Desil 4"},
    {"dari": 5, "sampai": 10, "jalur": APBD, "arti": "Sisanya", "justifikasi": ""},
]


@pytest.mark.parametrize(
    ("desil", "jalur", "arti", "justifikasi", "pita"),
    [
        (1, SIKS_NG, "APBN", "", "desil 1-3"),  # a null justification reads as ""
        (3, SIKS_NG, "APBN", "", "desil 1-3"),
        (4, APBD, APBD_LABEL, "Desil 4", "desil 4"),  # no arti: the route's label
        (5, APBD, "Sisanya", "", "desil 5-10"),
        (10, APBD, "Sisanya", "", "desil 5-10"),
        (None, APBD, APBD_LABEL, "", "belum berperingkat"),  # no arti, no justifikasi
    ],
)
def test_an_office_table_is_read_from_its_profile(
    desil, jalur, arti, justifikasi, pita
):
    profile = SimpleNamespace(aturan_desil=OFFICE_ROWS)
    row = aturan_for(aturan_table(profile), desil)
    assert (row.jalur, row.arti, row.justifikasi, row.pita) == (
        jalur,
        arti,
        justifikasi,
        pita,
    )


def test_an_office_table_keeps_each_rows_bounds():
    table = aturan_table(SimpleNamespace(aturan_desil=OFFICE_ROWS))
    assert [(row.dari, row.sampai) for row in table] == [
        (None, None),
        (1, 3),
        (4, 4),
        (5, 10),
    ]
    assert [row.siks_ng for row in table] == [False, True, False, False]


def test_an_empty_profile_table_falls_back_to_the_defaults():
    assert aturan_table(SimpleNamespace(aturan_desil=[])) == aturan_table(None)
    assert aturan_table(SimpleNamespace()) == aturan_table(None)


@pytest.mark.parametrize(
    ("table", "desil"),
    [
        # outside 1-10 no band matches (the import refuses such a desil)
        (aturan_table(None), 0),
        (aturan_table(None), 11),
        (aturan_table(None), -1),
        # a ranked family never takes the unranked row, an unranked one no band
        ([AturanDesil(APBD, "", "")], 3),
        ([AturanDesil(SIKS_NG, "", "", 1, 10)], None),
    ],
)
def test_no_matching_row_is_an_error_not_a_guess(table, desil):
    with pytest.raises(LookupError) as raised:
        aturan_for(table, desil)
    assert raised.value.args == (desil,)


def test_the_first_matching_row_wins():
    first = AturanDesil(SIKS_NG, "a", "", 1, 5)
    second = AturanDesil(APBD, "b", "", 5, 10)
    assert aturan_for([first, second], 5) is first
    assert aturan_for([second, first], 5) is second
    assert aturan_for([first, second], 6) is second


@pytest.mark.parametrize(
    ("dari", "sampai", "pita"),
    [
        (None, None, "belum berperingkat"),
        (None, 5, "belum berperingkat"),  # only `dari` decides "unranked"
        (7, 7, "desil 7"),
        (1, 5, "desil 1-5"),
        (9, 10, "desil 9-10"),
    ],
)
def test_a_band_is_named_for_the_operator(dari, sampai, pita):
    assert AturanDesil(APBD, "", "", dari, sampai).pita == pita


TABLE_NOT_A_LIST = "Tabel aturan desil harus berupa daftar baris."
NO_JALUR = "Setiap baris aturan desil harus memuat jalur (siks_ng, apbd)."
NOT_TEXT = "Arti dan justifikasi aturan desil harus berupa teks."
BAD_RANGE = "Rentang desil harus angka 1 sampai 10 (dari <= sampai)."
NOT_ONCE = "Tabel aturan desil harus mencakup desil 1 sampai 10 tepat satu kali."
ONE_UNRANKED = (
    'Tabel aturan desil harus memuat tepat satu baris "belum berperingkat" '
    "(dari dan sampai kosong/null)."
)


def band(dari, sampai, jalur=APBD, **extra):
    return {"dari": dari, "sampai": sampai, "jalur": jalur, **extra}


UNRANKED = band(None, None)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        # the shape
        (None, TABLE_NOT_A_LIST),
        ({"dari": 1}, TABLE_NOT_A_LIST),
        ([], TABLE_NOT_A_LIST),
        ("[]", TABLE_NOT_A_LIST),
        ([band(1, 10), "apbd", UNRANKED], NO_JALUR),
        # the route must be one of the two
        ([band(1, 10, jalur="dinkes"), UNRANKED], NO_JALUR),
        ([band(1, 10, jalur=None), UNRANKED], NO_JALUR),
        ([{"dari": 1, "sampai": 10}, UNRANKED], NO_JALUR),
        # arti and justifikasi are text when given (absent is fine)
        ([band(1, 10, arti=5), UNRANKED], NOT_TEXT),
        ([band(1, 10, justifikasi=["x"]), UNRANKED], NOT_TEXT),
        ([band(1, 10, arti=None), UNRANKED], NOT_TEXT),
        ([band(1, 10, arti="a", justifikasi="j"), UNRANKED], ""),
        ([band(1, 10), band(None, None, arti=1)], NOT_TEXT),
        # a band is 1 <= dari <= sampai <= 10, whole numbers
        ([band(0, 10), UNRANKED], BAD_RANGE),
        ([band(1, 11), UNRANKED], BAD_RANGE),
        ([band(1, 5), band(7, 6), band(6, 10), UNRANKED], BAD_RANGE),
        ([band(1, None), UNRANKED], BAD_RANGE),  # half a band is not the unranked row
        ([band(None, 10), UNRANKED], BAD_RANGE),
        ([band("1", 10), UNRANKED], BAD_RANGE),
        ([band(1, "10"), UNRANKED], BAD_RANGE),
        ([band(1.0, 10), UNRANKED], BAD_RANGE),
        # the bounds themselves are allowed, and a one-desil band
        ([band(1, 1), band(2, 9), band(10, 10), UNRANKED], ""),
        # every desil exactly once
        ([band(1, 9), UNRANKED], NOT_ONCE),  # desil 10 missing
        ([band(2, 10), UNRANKED], NOT_ONCE),  # desil 1 missing
        ([band(1, 5), band(5, 10), UNRANKED], NOT_ONCE),  # desil 5 twice
        ([band(1, 10), band(3, 3), UNRANKED], NOT_ONCE),
        ([UNRANKED], NOT_ONCE),
        ([band(6, 10), band(1, 5), UNRANKED], ""),  # in any order
        # exactly one unranked row
        ([band(1, 10)], ONE_UNRANKED),
        ([band(1, 10), UNRANKED, UNRANKED], ONE_UNRANKED),
        ([UNRANKED, band(1, 5, jalur=SIKS_NG), band(6, 10)], ""),
    ],
)
def test_an_office_may_save_only_a_complete_table(value, error):
    assert aturan_desil_errors(value) == error
