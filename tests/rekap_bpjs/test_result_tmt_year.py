"""A BPJS result file's two-digit TMT years, read at the turn of the year in WITA.

parse_result reads this year once per file (not once per row): the pivot must
still be the office's year, not UTC's, in the first hour of 1 January."""

import datetime

from rekap_bpjs.result_file import parse_result
from tests.clock import frozen, wita

NIK = "5108060808200011"
OTHER = "5108060808200029"


def test_a_files_two_digit_tmt_years_follow_this_year_in_wita():
    """On 01-01-2037 00:30 WITA (UTC still in 2036) the file's "01-01-47" is 2047
    (this year + 10) and "01-01-48" 1948, for every row of the file."""
    content = "\n".join(
        [
            "NIK,NAMA,NOKA,STATUS,KETERANGAN,TMT",
            f"{NIK},A,0001261832477,BERHASIL,,01-01-47",
            f"{OTHER},B,0001261832478,BERHASIL,,01-01-48",
        ]
    ).encode()
    with frozen(wita(2037, 1, 1, 0, 30)):
        rows = parse_result(content, "hasil.csv", synonyms={}).rows
    assert [row.tmt for row in rows] == [
        datetime.date(2047, 1, 1),
        datetime.date(1948, 1, 1),
    ]
