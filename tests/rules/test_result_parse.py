"""Reading BPJS's result file, row by row (rekap_bpjs/result_file.py).

A row read wrong gives a card number to the wrong person or drops an enrolment;
each table pins one rule of how a cell is read, and what is said when it cannot be.
No database: the office's header spellings are given (`synonyms`)."""

import datetime
import io
from types import SimpleNamespace

import openpyxl
import pytest

from rekap_bpjs import result_file
from rekap_bpjs.result_file import (
    MSG_NO_ROWS,
    NOTE_MERGED,
    NOTE_NIK_DIGITS,
    NOTE_NOKA_PADDED,
    ResultFileError,
    _clean_nik,
    _parse_tmt,
    _scientific_digits,
    _surviving,
    _text,
    header_columns,
    parse_result,
)
from tests.clock import frozen, wita

D = datetime.date
NIK = "5108060808200011"
SCI_16 = "Format kolom NIK sebagai Teks di berkas BPJS."


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def xlsx(rows: list[list], *, merge: str = "", sheets: dict | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "BERHASIL"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    for title, more in (sheets or {}).items():
        extra = book.create_sheet(title)
        for row in more:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse(content: bytes, name="hasil.csv"):
    return parse_result(content, name, synonyms={})


def one_row(line: str, header="NIK,NAMA,NOKA,STATUS,KETERANGAN,TMT"):
    [row] = parse(csv(header, line)).rows
    return row


# --- one cell at a time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "read"),
    [
        (NIK, (NIK, "")),  # the common case
        (f" {NIK} ", (NIK, "")),  # spaces around
        (f"'{NIK}", (NIK, "")),  # the apostrophe Excel users type before a number
        (f"{NIK}.0", (NIK, "")),  # a number cell written out with its decimal
        (f"{NIK}.00", (NIK, "")),
        ("5108 0608 0820 0011", (NIK, "")),  # grouped by fours
        ("5108.0608.0820.0011", (NIK, "")),
        (None, ("", "NIK kosong.")),
        ("", ("", "NIK kosong.")),
        ("   ", ("", "NIK kosong.")),
        (D(2020, 8, 8), ("2020-08-08", "NIK terbaca sebagai tanggal.")),
        (
            datetime.datetime(2020, 8, 8, 0, 0),  # noqa: DTZ001 - as a sheet gives it
            ("2020-08-08T00:00:00", "NIK terbaca sebagai tanggal."),
        ),
        ("51080608082000AB", ("51080608082000AB", "NIK berisi karakter selain angka.")),
        ("x" * 30, ("x" * 20, "NIK berisi karakter selain angka.")),  # cut at 20
        (
            "510806080820001",
            ("510806080820001", "NIK harus 16 angka (terbaca 15 angka)."),
        ),
        (
            "51080608082000111",
            ("51080608082000111", "NIK harus 16 angka (terbaca 17 angka)."),
        ),
        # digits typed on another keyboard layout (fullwidth) are digits
        ("５１０８０６０８０８２０００１１", (NIK, "")),
        # scientific notation with every digit still shown: exact
        ("5.108060808200011E+15", (NIK, "")),
        ("5,108060808200011E+15", (NIK, "")),
        ("5.108060808200011e15", (NIK, "")),
        # fewer digits shown: the NIK is lost and the office is told how to mend it
        (
            "5.10806E+15",
            (
                "5.10806E+15",
                "NIK tersimpan sebagai angka ilmiah (5.10806E+15) sehingga digitnya "
                "hilang. " + SCI_16,
            ),
        ),
        (
            "5.1080608082000110E+14",
            (
                "5.1080608082000110E+14",
                "NIK tersimpan sebagai angka ilmiah (5.1080608082000110E+14) "
                "sehingga digitnya hilang. " + SCI_16,
            ),
        ),
    ],
)
def test_an_nik_cell_is_read_or_its_problem_said(value, read):
    assert _clean_nik(value) == read


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("5.10806080820001E+15", "5108060808200010"),  # 15 digits kept, like Excel
        ("5,10806080820001E+15", "5108060808200010"),
        ("+5.10806080820001E+15", "5108060808200010"),
        ("5.10806080820001e+15", "5108060808200010"),
        ("9.99999999999999E+15", "9999999999999990"),  # the last 16-digit number
        ("1.00000000000000E+15", "1000000000000000"),  # the first
        ("5.1080608082000E+15", ""),  # 14 digits shown: too many lost
        ("5.108060808200011E+15", ""),  # 16 shown: not the 15-digit shape
        ("5.10806080820001E+14", ""),  # 15 digits in all: not an NIK
        ("5.10806080820001E+16", ""),  # 17 digits
        ("5.10806080820001E+13", ""),
        ("5.1080608082000155E+15", ""),  # not a whole number
        ("5.10806080820001E+1x", ""),  # unreadable
    ],
)
def test_scientific_notation_keeps_an_nik_only_with_fifteen_digits_shown(text, digits):
    assert _scientific_digits(text) == digits


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("5108060808200010", ("5108060808200010", "")),
        ("-5108060808200010", ("5108060808200010", "")),
        (
            "510806080820001",
            ("510806080820001", "NIK harus 16 angka (terbaca 15 angka)."),
        ),
        ("1" * 25, ("1" * 20, "NIK harus 16 angka (terbaca 25 angka).")),
    ],
)
def test_a_number_cell_nik_keeps_its_sixteen_digits(value, read):
    assert _surviving(value) == read


@pytest.mark.parametrize(
    ("value", "read"),
    [
        (None, (None, "", "")),
        (D(2026, 12, 1), (D(2026, 12, 1), "", "")),
        (datetime.datetime(2026, 12, 1, 7, 30), (D(2026, 12, 1), "", "")),  # noqa: DTZ001
        # the plain spellings: read silently
        ("01-12-2026", (D(2026, 12, 1), "", "")),
        ("01/12/2026", (D(2026, 12, 1), "", "")),
        ("2026-12-01", (D(2026, 12, 1), "", "")),
        ("01.12.2026", (D(2026, 12, 1), "", "")),
        (" 01-12-2026 ", (D(2026, 12, 1), "", "")),
        # any other readable spelling: read, and said how
        (
            "1 Desember 2026",
            (D(2026, 12, 1), 'TMT "1 Desember 2026" dibaca sebagai 01-12-2026.', ""),
        ),
        ("01-12-26", (D(2026, 12, 1), 'TMT "01-12-26" dibaca sebagai 01-12-2026.', "")),
        (
            "46357",
            (D(2026, 12, 1), 'TMT "46357" dibaca sebagai 01-12-2026.', ""),
        ),  # an Excel serial kept as text
        # unreadable: nothing, and the text (cut at 20) for the message
        ("segera", (None, "", "segera")),
        ("bulan depan, setelah verifikasi", (None, "", "bulan depan, setelah")),
    ],
)
def test_a_tmt_is_read_in_any_usual_spelling(value, read):
    with frozen(wita(2026, 12, 6)):
        assert _parse_tmt(value) == read


def test_a_two_digit_tmt_year_follows_this_year():
    """The pivot is this year in WITA: on 01-01-2037 00:30 WITA (UTC still in
    2036), "01-01-47" is 2047 (this year + 10), "01-01-48" 1948."""
    with frozen(wita(2037, 1, 1, 0, 30)):
        assert _parse_tmt("01-01-47")[0] == D(2047, 1, 1)
        assert _parse_tmt("01-01-48")[0] == D(1948, 1, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  BERHASIL  ", "BERHASIL"),
        ("Gagal   NIK\ttidak  ditemukan", "Gagal NIK tidak ditemukan"),
        (D(2026, 12, 1), "2026-12-01"),
        (datetime.datetime(2026, 12, 1, 8), "2026-12-01T08:00:00"),  # noqa: DTZ001
        (13, "13"),
    ],
)
def test_a_cell_becomes_one_line_of_text(value, text):
    assert _text(value) == text


def test_an_offices_header_spellings_come_after_the_usual_ones():
    columns = header_columns({"nik": ["NIK KTP"], "noka": ["kartu"], "bogus": ["x"]})
    by_key = {column.key: column for column in columns.columns}
    assert by_key["nik"].names[-1] == "NIK KTP"
    assert by_key["nik"].names[0] == "nik"
    assert by_key["noka"].names[-1] == "kartu"
    assert "bogus" not in by_key
    assert [c.key for c in columns.columns if c.required] == ["nik", "status"]
    assert by_key["no_kk"].label == "NO KK"
    # no spellings, or not a mapping: the usual ones only
    for extra in (None, [], "nik"):
        assert {c.key: c.names for c in header_columns(extra).columns} == {
            c.key: c.names for c in header_columns().columns
        }


# --- whole rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "read"),
    [
        ("BERHASIL", "terdaftar"),
        ("berhasil", "terdaftar"),
        ("Sukses", "terdaftar"),
        ("TERDAFTAR", "terdaftar"),
        ("AKTIF", "terdaftar"),
        ("GAGAL", "gagal"),
        ("ditolak", "gagal"),
        ("PROSES", ""),
        ("BERHASIL SEBAGIAN", ""),
    ],
)
def test_the_status_words_bpjs_uses(status, read):
    row = one_row(f"{NIK},BUDI,0001261832477,{status},,01-12-2026")
    assert row.status == read


def test_an_enrolled_row_is_read_whole():
    row = one_row(f"{NIK},  I  MADE   UJI ,0001261832477,BERHASIL,ok,01-12-2026")
    assert (row.number, row.nik, row.nama, row.noka, row.status) == (
        2,
        NIK,
        "I MADE UJI",
        "0001261832477",
        "terdaftar",
    )
    assert (row.keterangan, row.tmt, row.problems, row.notes) == (
        "ok",
        D(2026, 12, 1),
        [],
        [],
    )
    assert (row.status_text, row.sheet, row.place) == ("BERHASIL", "", "baris 2")
    assert not row.inexact and row.key == (
        "terdaftar",
        "0001261832477",
        "ok",
        D(2026, 12, 1),
    )


def test_a_failed_row_keeps_no_noka_and_no_tmt():
    row = one_row(f"{NIK},BUDI,0001261832477,GAGAL,NIK tidak ditemukan,01-12-2026")
    assert (row.status, row.noka, row.tmt, row.problems) == ("gagal", "", None, [])
    assert row.keterangan == "NIK tidak ditemukan"


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        ("", "STATUS kosong."),
        ("PROSES", 'STATUS "PROSES" tidak dikenal (harus BERHASIL atau GAGAL).'),
        (
            "X" * 50,
            f'STATUS "{"X" * 40}" tidak dikenal (harus BERHASIL atau GAGAL).',
        ),
    ],
)
def test_an_unknown_status_is_said(status, problem):
    assert one_row(f"{NIK},BUDI,,{status},,").problems == [problem]


@pytest.mark.parametrize(
    ("noka", "read", "problems", "notes"),
    [
        ("0001261832477", "0001261832477", [], []),
        ("1261832477", "0001261832477", [], [NOTE_NOKA_PADDED]),  # 10 digits
        ("261832477", "0000261832477", [], [NOTE_NOKA_PADDED]),  # 9: still padded
        (
            "61832477",
            "61832477",
            [
                "NOKA harus 13 angka (terbaca 8 karakter); angka nol di depan hilang "
                "bila kolom berformat angka."
            ],
            [],
        ),
        (
            "00012618324771",
            "00012618324771",
            [
                "NOKA harus 13 angka (terbaca 14 karakter); angka nol di depan hilang "
                "bila kolom berformat angka."
            ],
            [],
        ),
        ("0001 2618 32477", "0001261832477", [], []),
        ("", "", ["NOKA kosong untuk peserta yang berhasil."], []),
        (
            "ABC1261832477",
            "ABC1261832477",
            [
                "NOKA harus 13 angka (terbaca 13 karakter); angka nol di depan hilang "
                "bila kolom berformat angka."
            ],
            [],
        ),
    ],
)
def test_an_enrolled_rows_noka_is_mended_or_refused(noka, read, problems, notes):
    row = one_row(f"{NIK},BUDI,{noka},BERHASIL,,01-12-2026")
    assert (row.noka, row.problems, row.notes) == (read, problems, notes)


def test_a_failed_rows_short_noka_is_neither_padded_nor_refused():
    row = one_row(f"{NIK},BUDI,1261832477,GAGAL,,")
    assert (row.noka, row.problems, row.notes) == ("", [], [])


def test_an_enrolled_row_with_an_unreadable_tmt_keeps_the_text():
    row = one_row(f"{NIK},BUDI,0001261832477,BERHASIL,,segera")
    assert (row.tmt, row.tmt_unread, row.problems) == (None, "segera", [])
    row = one_row(f"{NIK},BUDI,0001261832477,BERHASIL,,1 Desember 2026")
    assert row.notes == ['TMT "1 Desember 2026" dibaca sebagai 01-12-2026.']


def test_a_row_without_nik_says_so_once():
    row = one_row(",BUDI,0001261832477,BERHASIL,,01-12-2026")
    assert row.problems == ["NIK kosong."]


def test_long_texts_are_cut():
    row = one_row(f"{NIK},{'N' * 200},,GAGAL,{'k' * 400},")
    assert (len(row.nama), len(row.keterangan)) == (150, 300)


def test_empty_rows_total_rows_and_repeated_headers_are_passed_over():
    parsed = parse(
        csv(
            "NIK,NAMA,NOKA,STATUS",
            f"{NIK},BUDI,0001261832477,BERHASIL",
            ",,,",
            "NIK,NAMA,NOKA,STATUS",  # the header again, after a page break
            "nik,nama,noka,status",
            "5108060808200029,WATI,,GAGAL",
        )
    )
    assert [(r.number, r.nik) for r in parsed.rows] == [
        (2, NIK),
        (6, "5108060808200029"),
    ]


def test_a_file_without_data_rows_is_refused():
    with pytest.raises(ResultFileError) as refused:
        parse(csv("NIK,NAMA,NOKA,STATUS", ",,,"))
    assert refused.value.message == MSG_NO_ROWS


def test_a_file_without_the_nik_or_status_column_is_refused():
    with pytest.raises(ResultFileError):
        parse(csv("NAMA,NOKA", "BUDI,0001261832477"))


def test_the_columns_found_are_named_as_the_file_writes_them():
    parsed = parse(
        csv("No KTP,Nama Peserta,No Kartu,Status Peserta", f"{NIK},B,,GAGAL")
    )
    assert parsed.columns == {
        "nik": "No KTP",
        "nama": "Nama Peserta",
        "noka": "No Kartu",
        "status": "Status Peserta",
    }
    assert parsed.header == ["No KTP", "Nama Peserta", "No Kartu", "Status Peserta"]
    assert (parsed.filename, parsed.sheets, parsed.skipped) == (
        "hasil.csv",
        [("", 1)],
        [],
    )


def test_an_offices_own_spelling_finds_its_column():
    content = csv("NIK,STATUS,KARTU BARU", f"{NIK},BERHASIL,0001261832477")
    assert parse(content).rows[0].noka == ""
    parsed = parse_result(content, "h.csv", synonyms={"noka": ["KARTU BARU"]})
    assert parsed.rows[0].noka == "0001261832477"


# --- what Excel leaves -------------------------------------------------------------


def test_a_number_cell_nik_is_matched_on_what_survives():
    content = xlsx(
        [
            ["NIK", "NAMA", "NO KK", "NOKA", "STATUS", "TMT"],
            # as Excel stores them: 15 significant digits, the 16th a zero
            [5108060808200010, "BUDI", 5108062010190000, 1261832477, "BERHASIL", None],
        ]
    )
    [row] = parse(content, "hasil.xlsx").rows
    assert (row.nik, row.inexact, row.kk_inexact, row.no_kk) == (
        "5108060808200010",  # Excel's 15 digits
        True,
        True,
        "51080620101900",  # the KK compared on 14 digits
    )
    assert row.problems == []
    assert row.notes == [NOTE_NOKA_PADDED, NOTE_NIK_DIGITS]


def test_a_text_kk_is_kept_whole():
    row = one_row(
        f"{NIK},BUDI,3201010101010001,,GAGAL,", header="NIK,NAMA,NO KK,NOKA,STATUS,TMT"
    )
    assert (row.no_kk, row.kk_inexact) == ("3201010101010001", False)


def test_an_nik_in_scientific_notation_with_fifteen_digits_is_inexact():
    row = one_row("5.10806080820001E+15,BUDI,,GAGAL,,")
    assert (row.nik, row.inexact, row.problems) == ("5108060808200010", True, [])
    assert row.notes == [NOTE_NIK_DIGITS]


def test_an_nik_in_scientific_notation_with_fewer_digits_is_refused():
    row = one_row("5.108E+15,BUDI,,GAGAL,,")
    assert row.problems == [
        "NIK tersimpan sebagai angka ilmiah (5.108E+15) sehingga digitnya hilang. "
        + SCI_16
    ]
    assert not row.inexact


def test_a_status_merged_over_a_households_rows_applies_to_each():
    content = xlsx(
        [
            ["NIK", "NAMA", "NOKA", "STATUS"],
            [NIK, "BUDI", "0001261832477", "BERHASIL"],
            ["5108060808200029", "WATI", "0001261832478", None],
            ["5108060808200037", "KADEK", "0001261832479", "GAGAL"],
        ],
        merge="D2:D3",
    )
    rows = parse(content, "hasil.xlsx").rows
    assert [(r.status, r.notes) for r in rows] == [
        ("terdaftar", []),  # the merged cell's own row
        ("terdaftar", [NOTE_MERGED]),
        ("gagal", []),
    ]


def test_every_sheet_is_read_and_each_row_says_its_sheet():
    content = xlsx(
        [["NIK", "NOKA", "STATUS"], [NIK, "0001261832477", "BERHASIL"]],
        sheets={
            "GAGAL": [
                ["NIK", "STATUS", "KETERANGAN"],
                ["5108060808200029", "GAGAL", "x"],
            ],
            "CATATAN": [["dibuat oleh BPJS"]],
        },
    )
    parsed = parse(content, "hasil.xlsx")
    assert [(r.sheet, r.place, r.status) for r in parsed.rows] == [
        ("BERHASIL", "BERHASIL baris 2", "terdaftar"),
        ("GAGAL", "GAGAL baris 2", "gagal"),
    ]
    assert parsed.sheets == [("BERHASIL", 1), ("GAGAL", 1)]
    assert [sheet for sheet, _ in parsed.skipped] == ["CATATAN"]


# --- the edges mutation testing found --------------------------------------------


@pytest.mark.parametrize(
    ("value", "read"),
    [
        # a sign or a decimal comma must not count as a digit shown
        (
            "+5.10806080820001E+15",
            (
                "+5.10806080820001E+15",
                "NIK tersimpan sebagai angka ilmiah (+5.10806080820001E+15) "
                "sehingga digitnya hilang. " + SCI_16,
            ),
        ),
        (
            "5,10806080820001E+15",
            (
                "5,10806080820001E+15",
                "NIK tersimpan sebagai angka ilmiah (5,10806080820001E+15) "
                "sehingga digitnya hilang. " + SCI_16,
            ),
        ),
        # a leading zero is no digit shown; a trailing one is
        (
            "0.510806080820001E+16",
            (
                "0.510806080820001E+16",
                "NIK tersimpan sebagai angka ilmiah (0.510806080820001E+16) "
                "sehingga digitnya hilang. " + SCI_16,
            ),
        ),
        ("5.108060808200010E+15", ("5108060808200010", "")),
        # a fraction of 17 digits is no NIK
        (
            "5.1080608082000115E+15",
            (
                "5.1080608082000115E+15",
                "NIK tersimpan sebagai angka ilmiah (5.1080608082000115E+15) "
                "sehingga digitnya hilang. " + SCI_16,
            ),
        ),
        # Excel's apostrophe and spaces around the parts
        ("'5.108060808200011E+15", (NIK, "")),
        ("5.108060808200011 E+15", (NIK, "")),
        # an exponent no number can hold
        ("5E+99999999999999999999", ("5E+99999999999999999999", "NIK tidak terbaca.")),
    ],
)
def test_scientific_notation_counts_only_the_digits_shown(value, read):
    assert _clean_nik(value) == read


def test_sixteen_digits_from_scientific_notation_stop_below_ten_to_the_sixteen():
    assert _scientific_digits("9.99999999999999E+15") == "9999999999999990"
    assert _scientific_digits("1.00000000000000E+16") == ""  # 17 digits
    assert _scientific_digits("5E+99999999999999999999") == ""


def test_a_long_tmt_is_quoted_cut_at_twenty_characters():
    with frozen(wita(2026, 12, 6)):
        assert _parse_tmt("1     Desember     2026")[1] == (
            'TMT "1     Desember     2" dibaca sebagai 01-12-2026.'
        )


def test_a_short_row_reads_its_missing_cells_as_empty():
    row = one_row(f"{NIK},BUDI,,GAGAL")  # KETERANGAN and TMT cells absent
    assert (row.status, row.keterangan, row.tmt, row.problems) == (
        "gagal",
        "",
        None,
        [],
    )


def test_a_failed_row_has_no_unread_tmt_and_no_kk_column_means_no_kk():
    row = one_row(f"{NIK},BUDI,,GAGAL,,segera")
    assert (row.tmt, row.tmt_unread, row.no_kk) == (None, "", "")
    assert one_row(f"{NIK},BUDI,0001261832477,BERHASIL,,01-12-2026").no_kk == ""


def test_an_nik_in_spaced_scientific_notation_is_read_as_a_number_cell():
    row = one_row("5.10806080820001 E+15,BUDI,,GAGAL,,")
    assert (row.nik, row.inexact, row.problems) == ("5108060808200010", True, [])


def test_excel_error_cells_are_said_where_they_are():
    """#N/A, #REF! in a column read: the row stays, with the cell's place; a row
    whose only content is an error is kept to say so; an NIK read from a number
    cell hides only its own inexactness, never another cell's error."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NIK", "NAMA", "NOKA", "STATUS", "KET", "CATATAN KANTOR"])
    sheet.append([NIK, "BUDI", "0001261832477", "BERHASIL"])
    sheet.cell(3, 1, "#N/A").data_type = "e"
    sheet.append([5108060808200010, "BUDI", None, "GAGAL"])
    sheet.cell(4, 4, "#REF!").data_type = "e"
    sheet.append([None, None, None, None, "catatan"])
    sheet.cell(6, 5, "#DIV/0!").data_type = "e"
    sheet.append(["5108060808200029", "WATI", None, "GAGAL"])
    sheet.cell(7, 3, "#N/A").data_type = "e"
    sheet.cell(8, 6, "#N/A").data_type = "e"  # a column not read: no row
    out = io.BytesIO()
    book.save(out)
    rows = parse(out.getvalue(), "hasil.xlsx").rows
    assert [(r.number, r.problems) for r in rows] == [
        (2, []),
        (3, ["NIK: Sel berisi galat Excel (#N/A).", "STATUS kosong."]),
        (4, ["STATUS: Sel berisi galat Excel (#REF!)."]),
        (5, ["NIK kosong.", "STATUS kosong."]),
        (
            6,
            [
                "KET: Sel berisi galat Excel (#DIV/0!).",
                "NIK kosong.",
                "STATUS kosong.",
            ],
        ),
        (7, ["NOKA: Sel berisi galat Excel (#N/A)."]),
    ]
    assert rows[2].inexact and rows[2].nik == "5108060808200010"


def test_a_kk_from_a_number_cell_hides_only_its_own_inexactness():
    content = xlsx(
        [
            ["NIK", "NO KK", "NOKA", "STATUS"],
            [NIK, 5108062010190000, None, "GAGAL"],
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active.cell(2, 3, "#N/A").data_type = "e"
    out = io.BytesIO()
    book.save(out)
    [row] = parse(out.getvalue(), "hasil.xlsx").rows
    assert row.kk_inexact and row.problems == ["NOKA: Sel berisi galat Excel (#N/A)."]


def test_a_single_sheet_workbook_names_no_sheet():
    content = xlsx([["NIK", "STATUS"], [NIK, "GAGAL"]])
    parsed = parse(content, "hasil.xlsx")
    assert [(r.sheet, r.place) for r in parsed.rows] == [("", "baris 2")]
    assert parsed.sheets == [("BERHASIL", 1)]


def test_a_refused_file_says_why():
    content = xlsx([["NIK", "STATUS"], ["=A1", "GAGAL"]])
    with pytest.raises(ResultFileError) as refused:
        parse(content, "hasil.xlsx")
    assert refused.value.message.startswith("Berkas berisi rumus (formula) di baris 2")


def test_the_file_is_read_with_the_result_files_limits(monkeypatch):
    seen = {}

    def reader(content, **limits):
        seen.update(limits)
        raise result_file.IncomingError("cukup")

    monkeypatch.setattr(result_file, "read_tables", reader)
    with pytest.raises(ResultFileError):
        parse(csv("NIK,STATUS", f"{NIK},GAGAL"))
    assert (seen["max_rows"], seen["time_budget"]) == (60_000, 60.0)


def test_without_spellings_given_the_active_profiles_are_used(monkeypatch):
    content = csv("NIK,STATUS,KARTU BARU", f"{NIK},BERHASIL,0001261832477")
    # no active profile: the usual spellings only
    monkeypatch.setattr(result_file, "get_active_profile", lambda: None)
    assert parse_result(content, "h.csv").rows[0].noka == ""
    profile = SimpleNamespace(header_sinonim_hasil={"noka": ["KARTU BARU"]})
    monkeypatch.setattr(result_file, "get_active_profile", lambda: profile)
    assert parse_result(content, "h.csv").rows[0].noka == "0001261832477"
    # spellings given are used instead of the profile's
    assert parse_result(content, "h.csv", synonyms={}).rows[0].noka == ""
