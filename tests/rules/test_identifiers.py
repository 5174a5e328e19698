"""NIK, KK and phone rules at their edges, one table per rule (no database).

Each row names the rule it checks; `make mutation` proves these tables notice a
changed rule (docs/mutation.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kis_portal.identifiers import (
    check_nik_matches,
    clean_digits,
    nik_birth_info,
    normalise_phone,
    phone_international,
    validate_kk,
    validate_nik,
)

BORN_2020 = "Tanggal lahir tidak sesuai NIK: menurut NIK, lahir tanggal 08-08-2020."
NIK_IMPOSSIBLE = (
    "NIK tidak valid: kode wilayah atau tanggal lahir di dalam NIK tidak mungkin."
)
KK_NO_DATE = "Nomor KK tidak valid: angka ke-7 s.d. 12 bukan tanggal."
KK_BAD_REGION_OR_SERIAL = "Nomor KK tidak valid: kode wilayah atau nomor urut salah."


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("5108 0608 0820 0011", "5108060808200011"),  # spaces people type
        ("5108.0608.0820.0011", "5108060808200011"),  # dots of a printed KTP
        ("5108-0608-0820-0011", "5108060808200011"),  # dashes
        ("'5108060808200011", "5108060808200011"),  # Excel's text apostrophe
        ("’5108060808200011", "5108060808200011"),  # the curly one Word makes
        ("`5108060808200011", "5108060808200011"),  # a backtick
        ("\t5108060808200011\n", "5108060808200011"),  # tabs and newlines
        (None, ""),
        ("", ""),
        (5108060808200011, "5108060808200011"),  # a number becomes its digits
        # digits of another width or script are the same digits
        ("５１０８０６０８０８２０００１１", "5108060808200011"),  # fullwidth
        ("٥١٠٨٠٦٠٨٠٨٢٠٠٠١١", "5108060808200011"),  # Arabic-Indic
        ("５１０８ ０６０８-AB", "51080608AB"),  # other characters kept as they are
        ("NIK: 5108", "NIK:5108"),  # ASCII text untouched
        ("²5108", "²5108"),  # a superscript two is no decimal digit
    ],
)
def test_clean_digits_strips_only_what_people_and_spreadsheets_add(typed, clean):
    assert clean_digits(typed) == clean


@pytest.mark.parametrize(
    ("typed", "nik"),
    [
        ("5108060808200011", "5108060808200011"),  # man born 08-08-(20)20
        ("5108064808200011", "5108064808200011"),  # woman: day + 40
        ("5108064108200011", "5108064108200011"),  # woman born on the 1st: 41
        ("5108067108200011", "5108067108200011"),  # woman born on the 31st: 71
        ("5108060808200000", "5108060808200000"),  # serial 0000 is not checked
        (" 5108 0608 0820 0011 ", "5108060808200011"),  # cleaned first
        ("５１０８０６０８０８２０００１１", "5108060808200011"),  # fullwidth, as ASCII
    ],
)
def test_a_valid_nik_comes_back_cleaned(typed, nik):
    assert validate_nik(typed) == nik


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("510806080820001", "NIK harus 16 angka (sekarang 15)."),  # a digit short
        ("51080608082000111", "NIK harus 16 angka (sekarang 17)."),  # one too many
        ("5108O60808200011", "NIK harus 16 angka (sekarang 16)."),  # letter O
        ("", "NIK harus 16 angka (sekarang 0)."),
        ("5108064008200011", NIK_IMPOSSIBLE),  # day 40: neither sex
        ("5108067208200011", NIK_IMPOSSIBLE),  # woman's day 32
        ("5108063208200011", NIK_IMPOSSIBLE),  # man's day 32
        ("1008060808200011", NIK_IMPOSSIBLE),  # province 10 does not exist
        ("9908060808200011", NIK_IMPOSSIBLE),  # province 99 does not exist
    ],
)
def test_an_impossible_nik_is_refused_with_its_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        validate_nik(typed)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    "kk",
    [
        "5108060403190001",  # 04-03-2019
        "1108060403190001",  # lowest province code, 11 (Aceh)
        "9408060403190001",  # highest province code, 94 (Papua)
        "5108062902040001",  # 29 Feb 2004, a leap year
        "5108063112990001",  # 31 Dec 2099: the two digits are 20yy
        "5108062902121001",  # 29 Feb 2012: both year digits count (2002 and 2121 are not leap)
        "5108060101000001",  # 1 Jan 2000
        "5108060403190010",  # serial 0010
        "5108060403191000",  # serial 1000
        "5108 0604 0319 0001",  # cleaned first
        "５１０８０６０４０３１９０００１",  # fullwidth digits, given back as ASCII
    ],
)
def test_a_valid_kk_comes_back_cleaned(kk):
    assert validate_kk(kk) == clean_digits(kk)
    assert validate_kk(kk).isascii()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("510806040319001", "Nomor KK harus 16 angka (sekarang 15)."),
        ("51080604031900011", "Nomor KK harus 16 angka (sekarang 17)."),
        ("5108060403190001x", "Nomor KK harus 16 angka (sekarang 17)."),
        ("", "Nomor KK harus 16 angka (sekarang 0)."),
        ("5108063104190001", KK_NO_DATE),  # 31 April
        ("5108062902030001", KK_NO_DATE),  # 29 Feb 2003: not a leap year
        ("5108060013190001", KK_NO_DATE),  # month 13
        ("5108060000190001", KK_NO_DATE),  # month 0
        ("5108060004190001", KK_NO_DATE),  # day 0
        ("5108063212190001", KK_NO_DATE),  # day 32
        ("1008060403190001", KK_BAD_REGION_OR_SERIAL),  # province 10
        ("9508060403190001", KK_BAD_REGION_OR_SERIAL),  # province 95
        ("5108060403190000", KK_BAD_REGION_OR_SERIAL),  # serial 0000
    ],
)
def test_an_impossible_kk_is_refused_with_its_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        validate_kk(typed)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("nik", "info"),
    [
        ("5108060808200011", (8, 8, 20, "L")),
        ("5108064008200011", (40, 8, 20, "L")),  # 40 is not yet a woman's day
        ("5108064108200011", (1, 8, 20, "P")),  # 41 is: the 1st
        ("5108067112990011", (31, 12, 99, "P")),
        ("5108060101000011", (1, 1, 0, "L")),
    ],
)
def test_the_nik_encodes_birth_day_month_year_and_sex(nik, info):
    assert nik_birth_info(nik) == info


@pytest.mark.parametrize(
    ("born", "sex", "errors"),
    [
        (datetime.date(2020, 8, 8), "L", {}),
        (datetime.date(1920, 8, 8), "L", {}),  # only two year digits are in the NIK
        (None, "", {}),  # nothing typed yet: nothing to compare
        (
            datetime.date(2020, 8, 9),
            "L",
            {"tanggal_lahir": BORN_2020},
        ),
        (
            datetime.date(2020, 9, 8),
            "L",
            {"tanggal_lahir": BORN_2020},
        ),
        (
            datetime.date(2021, 8, 8),
            "L",
            {"tanggal_lahir": BORN_2020},
        ),
        (
            datetime.date(2020, 8, 8),
            "P",
            {
                "jenis_kelamin": "Jenis kelamin tidak sesuai NIK: tanggal lahir pada "
                "NIK tidak ditambah 40, berarti laki-laki."
            },
        ),
    ],
)
def test_a_man_s_nik_and_what_was_typed_must_agree(born, sex, errors):
    assert check_nik_matches("5108060808200011", born, sex) == errors


@pytest.mark.parametrize(
    ("typed_year", "nik_year"),
    [
        (1921, 1920),  # the NIK's year in the century nearest the year typed
        (1969, 1920),
        (1970, 1920),  # 50 years either way: the earlier century
        (1971, 2020),
        (2021, 2020),
        (2099, 2020),
    ],
)
def test_the_message_gives_the_nik_s_year_in_the_nearest_century(typed_year, nik_year):
    errors = check_nik_matches("5108060808200011", datetime.date(typed_year, 8, 8), "L")
    assert errors == {
        "tanggal_lahir": "Tanggal lahir tidak sesuai NIK: menurut NIK, lahir "
        f"tanggal 08-08-{nik_year}."
    }


def test_a_woman_s_nik_says_she_is_a_woman():
    assert check_nik_matches("5108064808200011", datetime.date(2020, 8, 8), "P") == {}
    assert check_nik_matches("5108064808200011", datetime.date(2020, 8, 8), "L") == {
        "jenis_kelamin": "Jenis kelamin tidak sesuai NIK: tanggal lahir pada NIK "
        "ditambah 40, berarti perempuan."
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        (None, ""),
        ("0812-3456-7890", "081234567890"),
        ("(0812) 3456 7890", "081234567890"),
        ("0812.3456.7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("081234567", "081234567"),  # 08 + 7 digits: the shortest mobile number
        ("0812345678901", "0812345678901"),  # 08 + 11 digits: the longest
        ("０８１２-３４５６-７８９０", "081234567890"),  # a phone keyboard's fullwidth
    ],
)
def test_a_mobile_number_is_stored_as_the_office_writes_it(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "08123456",  # 08 + 6 digits
        "08123456789012",  # 08 + 12 digits
        "0361-123456",  # a landline
        "+1 812 3456 7890",  # not Indonesia
        "0812345678a",
        "812345678",  # no leading 0
    ],
)
def test_a_number_that_is_not_an_indonesian_mobile_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(typed)
    assert refused.value.messages == [
        "Nomor HP tidak valid: gunakan format 08xxxxxxxxxx atau +628xxxxxxxxx."
    ]


@pytest.mark.parametrize(
    ("stored", "gateway"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("81234567890", "6281234567890"),  # the 0 left out
        ("6281234567890", "6281234567890"),
        ("08123456", ""),  # 628123456: 9 digits, too short to be sent
        ("081234567", "6281234567"),  # 10 digits: the shortest sent
        ("08123456789012", "628123456789012"),  # 15 digits: the longest sent
        ("081234567890123", ""),  # 16 digits: too long
        ("0361123456", ""),  # a landline gets no SMS
        ("", ""),
        (None, ""),
    ],
)
def test_the_gateway_gets_the_international_form_or_nothing(stored, gateway):
    assert phone_international(stored) == gateway
