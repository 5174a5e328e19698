"""How dates written in files are read (kis_portal/dates.py), one table per shape.

A TMT or a birth date read wrong puts a wrong date on a card or a person; one that
cannot be read must come back as None so the caller says so."""

import datetime

import pytest

from kis_portal.dates import loose_date, parse_date

D = datetime.date


@pytest.mark.parametrize(
    ("written", "date"),
    [
        # DD-MM-YYYY with each separator offices use
        ("01-02-2027", D(2027, 2, 1)),
        ("1/2/2027", D(2027, 2, 1)),
        ("01.02.2027", D(2027, 2, 1)),
        ("31-12-1999", D(1999, 12, 31)),
        # YYYY-MM-DD
        ("2027-02-01", D(2027, 2, 1)),
        ("2027/2/1", D(2027, 2, 1)),
        ("2027.12.31", D(2027, 12, 31)),
        # YYYYMMDD
        ("20270201", D(2027, 2, 1)),
        ("19850312", D(1985, 3, 12)),
        # DD-MM-YY: a two-digit year is 20YY up to pivot + 10, else 19YY
        ("01-01-27", D(1927, 1, 1)),  # with the default pivot, 2000
        ("12-03-85", D(1985, 3, 12)),
        ("01-01-10", D(2010, 1, 1)),  # 2010 = pivot + 10: still this century
        ("01-01-11", D(1911, 1, 1)),  # 2011 > pivot + 10: the last century
        ("01-01-00", D(2000, 1, 1)),
        # long forms, Indonesian and English, any case and spacing
        ("1 Januari 2027", D(2027, 1, 1)),
        ("12 Maret 1985", D(1985, 3, 12)),
        ("12 MARET 1985", D(1985, 3, 12)),
        ("  12   maret   1985 ", D(1985, 3, 12)),
        ("17 Agustus 1945", D(1945, 8, 17)),
        ("1 Pebruari 2027", D(2027, 2, 1)),
        ("30 Nopember 2026", D(2026, 11, 30)),
        ("01-Jan-2027", D(2027, 1, 1)),
        ("01-Des-09", D(2009, 12, 1)),
        ("1 Okt 1990.", D(1990, 10, 1)),  # a full stop after the year
        ("5 Mei 2026", D(2026, 5, 5)),
        ("January 1, 2027", D(2027, 1, 1)),
        ("March 3rd, 2027", D(2027, 3, 3)),
        ("August 21st 1990", D(1990, 8, 21)),
        # an Excel date serial kept as text (day 1 = 1900-01-01, with its 29 Feb 1900)
        ("45000", D(2023, 3, 15)),
        ("46388", D(2027, 1, 1)),
        ("46388.0", D(2027, 1, 1)),
        ("46388.00", D(2027, 1, 1)),
    ],
)
def test_a_date_written_as_offices_write_it_is_read(written, date):
    assert parse_date(written) == date


@pytest.mark.parametrize(
    ("written", "pivot", "date"),
    [
        ("01-01-36", 2026, D(2036, 1, 1)),  # pivot + 10
        ("01-01-37", 2026, D(1937, 1, 1)),
        ("1 Januari 37", 2026, D(1937, 1, 1)),
        ("1 Januari 36", 2026, D(2036, 1, 1)),
        ("01-01-2037", 2026, D(2037, 1, 1)),  # four digits: as written
        ("01-01-27", 2026, D(2027, 1, 1)),  # a TMT read in 2026
        ("01-Des-26", 2026, D(2026, 12, 1)),
    ],
)
def test_a_two_digit_year_follows_the_pivot(written, pivot, date):
    assert parse_date(written, pivot=pivot) == date


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "-",
        "belum ada",
        "31-02-2027",  # no 31 February
        "29-02-2027",  # 2027 is not a leap year
        "2027-13-01",  # month 13
        "20271301",
        "00-01-2027",  # day 0
        "1 Smarch 2027",  # no such month
        "Smarch 1, 2027",
        "32 Januari 2027",
        "1234",  # four digits are not a serial
        "123456",  # six are not either
        "45000.5",  # part of a day
        "1-2-3-4",
        "2027-02-01 extra",
    ],
)
def test_what_is_not_a_date_is_none(written):
    assert parse_date(written) is None


def test_the_cached_reader_reads_the_same():
    assert loose_date("1 Januari 27", pivot=2026) == parse_date(
        "1 Januari 27", pivot=2026
    )
    assert loose_date("bukan tanggal") is None
