"""DTKS/DTSEN import: text and XLSX extracts, messy NIKs, rejected rows, periods."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from dtks.imports import (
    MSG_NIK_DUPLICATE,
    DtksFileError,
    clean_periode,
    import_dtks,
    rejected_workbook,
)
from dtks.models import DtksPeriode, DtksRecord
from dtks.selectors import dtks_status_for
from kis_portal.identifiers import validate_nik
from kis_portal.jobs.models import Job

# The screens are tested at /dtks/ whether or not the project urlconf mounts them yet.
# A copy of ../shared/data/dtks_contoh.csv, so the test runs in any clone.
SAMPLE = Path(__file__).resolve().parents[1] / "data/dtks_contoh.csv"
SAMPLE_NIK = "5108042303202654"  # I KETUT WIRAWAN, desil 7, in the sample file
HEADER = ["iddtks", "desa_kelurahan", "nomor_kk", "nomor_nik", "nama"]
HEADER += ["tanggal_lahir", "jenis_kelamin", "desil"]
KK = "5108040101200001"

pytestmark = pytest.mark.django_db


def nik(serial: int, *, day: int = 23, month: int = 3, year: int = 80) -> str:
    """A well-formed Buleleng NIK (Kec. 51.08.04); women have day + 40."""
    return f"510804{day:02d}{month:02d}{year:02d}{serial:04d}"


def person(serial: int, **overrides) -> dict:
    values = {
        "iddtks": f"DTKS{serial}",
        "desa_kelurahan": "51.08.04.2009",
        "nomor_kk": KK,
        "nomor_nik": nik(serial),
        "nama": f"I WAYAN UJI {serial}",
        "tanggal_lahir": "1980-03-23",
        "jenis_kelamin": "L",
        "desil": "3",
    }
    values.update(overrides)
    return values


def text_file(
    people: list[dict],
    *,
    delimiter: str = ",",
    header: list[str] = HEADER,
    encoding: str = "utf-8",
    above: str = "",
) -> bytes:
    lines = [above] if above else []
    lines.append(delimiter.join(header))
    lines += [delimiter.join(p.get(name, "") for name in HEADER) for p in people]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def load(content: bytes, periode: str = "2026-Q3", **kwargs):
    return import_dtks(io.BytesIO(content), periode=periode, **kwargs)


def reasons(result) -> dict[int, str]:
    return {item.baris: item.alasan for item in result.rejected_sample}


# --- Formats -------------------------------------------------------------------


def test_the_sample_extract_loads_every_person_with_desil_and_desa():
    with SAMPLE.open("rb") as handle:
        result = import_dtks(handle, periode="2026-Q3")

    assert (result.imported, result.rejected) == (300, 0)
    assert DtksPeriode.objects.get(kode="2026-Q3").jumlah == 300
    record = DtksRecord.objects.get(nik=SAMPLE_NIK)
    assert record.nama == "I KETUT WIRAWAN"
    assert record.desil == 7
    assert record.kode_desa == "51.08.04.2009"
    assert record.tanggal_lahir == datetime.date(2020, 3, 23)
    assert (record.jenis_kelamin, record.no_kk) == ("L", "5108047132405140")
    assert record.iddtks == "DTKS510800000"


def test_pipe_delimited_utf8_with_bom_and_loose_header_spellings():
    header = ["ID_DTKS", "Desa/Kelurahan", "No. KK", "NIK", "Nama Lengkap"]
    header += ["Tgl. Lahir", "JK", "Decile"]
    people = [
        person(1, nama="NI LUH ÉKA", jenis_kelamin="PEREMPUAN"),
        person(2, tanggal_lahir="23-03-1980", jenis_kelamin="1", desil=""),
    ]
    content = b"\xef\xbb\xbf" + text_file(people, delimiter="|", header=header)

    result = load(content)

    assert (result.imported, result.rejected) == (2, 0)
    eka = DtksRecord.objects.get(nik=nik(1))
    assert (eka.nama, eka.jenis_kelamin, eka.desil) == ("NI LUH ÉKA", "P", 3)
    second = DtksRecord.objects.get(nik=nik(2))
    assert second.tanggal_lahir == datetime.date(1980, 3, 23)
    assert (second.jenis_kelamin, second.desil) == ("L", None)


def test_semicolon_cp1252_with_a_title_row_and_day_first_dates():
    people = [
        person(1, nama="I MADE RÉSA", tanggal_lahir="23/03/1980"),
        person(2, desa_kelurahan="SUKASADA", desil="10"),
    ]
    content = text_file(
        people, delimiter=";", encoding="cp1252", above="DATA DTKS BULELENG;;"
    )

    result = load(content)

    assert (result.imported, result.rejected) == (2, 0)
    resa = DtksRecord.objects.get(nik=nik(1))
    assert resa.nama == "I MADE RÉSA"
    assert resa.tanggal_lahir == datetime.date(1980, 3, 23)
    # A desa name where a code belongs is left blank, not stored as a code.
    assert DtksRecord.objects.get(nik=nik(2)).kode_desa == ""


def test_excel_unicode_text_utf16_tab_delimited():
    content = text_file([person(1, nama="NI WAYAN ĆANTIK")], delimiter="\t")
    content = content.decode().encode("utf-16")  # with a byte order mark

    result = load(content)

    assert result.imported == 1
    assert DtksRecord.objects.get().nama == "NI WAYAN ĆANTIK"


def test_quoted_fields_and_an_unclosed_quote():
    content = (
        "nomor_nik,nama,alamat\n"
        f'"{nik(1)}","I WAYAN ""KOPLAK"", S.Pd","JL. RAYA, NO 1"\n'
        f'{nik(2)},"NI MADE TANPA TUTUP,JL. A\n'
        f"{nik(3)},I KETUT HILANG,JL. B\n"
    ).encode()

    result = load(content)

    assert DtksRecord.objects.get().nama == 'I WAYAN "KOPLAK", S.Pd'
    # The unclosed quote swallows the next line: the row is refused, with why.
    assert result.rejected == 1
    assert "tanda petik" in result.rejected_sample[0].alasan


def test_xlsx_with_niks_as_numbers_and_as_apostrophe_text():
    # An earlier period knows I WAYAN ANGKA: a number-cell NIK finds him there.
    load(text_file([person(1, nama="I WAYAN ANGKA")]), periode="2026-Q2")
    wb = Workbook()
    ws = wb.active
    ws.append(["Ekstrak DTKS Kabupaten Buleleng"])
    ws.append(HEADER)
    # Number cells, as Excel keeps them: 15 digits, the 16th a zero.
    ws.append(["A1", "51.08.04.2009", int(KK), int(nik(1)[:15] + "0"), "I Wayan Angka"])
    ws[3][5].value = datetime.date(1980, 3, 23)  # tanggal_lahir, a date cell
    ws[3][6].value, ws[3][7].value = "L", 2
    ws.append(["A2", None, KK, "'" + nik(2), "NI KADEK TEKS", "1980-03-23", "P", "5"])
    ws.append(["A3", None, KK, nik(3), '=CONCAT("NI ","RUMUS")'])
    # Nobody earlier with these 15 digits and this name: held back, not guessed.
    ws.append(["A4", None, KK, int(nik(4)[:15] + "0"), "I KETUT BARU"])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = load(buffer.getvalue())

    assert (result.imported, result.rejected) == (3, 1)
    assert reasons(result)[6].startswith("Digit hilang")
    assert warnings(result)[5].startswith("nama: Sel berisi rumus")
    angka = DtksRecord.objects.get(periode__kode="2026-Q3", nik=nik(1))
    # The KK was a number cell too: it is not kept as if exact.
    assert (angka.no_kk, angka.desil) == ("", 2)
    assert angka.tanggal_lahir == datetime.date(1980, 3, 23)
    assert "dipulihkan" in warnings(result)[3]
    assert DtksRecord.objects.get(nik=nik(2)).nama == "NI KADEK TEKS"


def test_xlsx_with_macros_is_refused_before_reading():
    wb = Workbook()
    wb.active.append(HEADER)
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/vbaProject.bin", b"macro")

    with pytest.raises(DtksFileError, match="makro"):
        load(out.getvalue())


# --- NIKs and rows -------------------------------------------------------------


def test_niks_with_spaces_apostrophes_and_exact_scientific_notation_are_accepted():
    people = [
        person(1, nomor_nik=" 5108 0423 0380 0001 "),
        person(2, nomor_nik="'" + nik(2)),
        person(3, nomor_nik=f'="{nik(3)}"'),
        person(4, nomor_nik="5.108042303800004e+15"),
        person(5, nomor_nik=nik(5) + ".0"),
        person(6, nomor_nik="5.10804230380001E+15"),  # 15 digits: the last is lost
    ]

    result = load(text_file(people))

    assert set(DtksRecord.objects.values_list("nik", flat=True)) == {
        nik(1),
        nik(2),
        nik(3),
        nik(4),
        nik(5),
    }
    # 15 digits shown: the last one lost, and no earlier register to find it in.
    assert list(reasons(result)) == [7]
    assert reasons(result)[7].startswith("Digit hilang")


def warnings(result) -> dict[int, str]:
    return {item.baris: item.alasan for item in result.warned_sample}


def test_bad_rows_are_reported_with_line_masked_nik_and_reason():
    people = [
        person(1),
        person(2, nomor_nik="51080423038000"),  # 14 digits
        person(3, tanggal_lahir="31-02-1980"),
        person(4, desil="11"),
        person(5, nama="  "),
        person(6, nomor_nik=nik(1)),  # duplicate of the first row
        person(7, nomor_nik="5108043202800007"),  # month 02, day 32: impossible
        person(8, tanggal_lahir="kemarin"),
    ]

    result = load(text_file(people))

    # Only an unusable NIK refuses the row; an odd secondary field keeps the person.
    assert result.imported == 5 and result.rejected == 3
    found = reasons(result)
    assert found[3] == "NIK harus 16 angka (sekarang 14)."
    assert found[7] == MSG_NIK_DUPLICATE
    assert "tanggal lahir di dalam NIK tidak mungkin" in found[8]
    kept = warnings(result)
    assert kept[4].startswith("Tanggal lahir tidak mungkin (31-02-1980).")
    assert kept[5].startswith("Desil harus angka 1 sampai 10 (sekarang 11).")
    assert kept[6] == "Nama kosong."
    assert kept[9].startswith("Tanggal lahir tidak dikenali (kemarin)")
    assert "dikosongkan" in kept[9]
    assert DtksRecord.objects.get(nik=nik(3)).tanggal_lahir is None
    assert DtksRecord.objects.get(nik=nik(4)).desil is None
    masked = {item.baris: item.nik for item in result.rejected_sample}
    assert masked[7] == "5108********0001"
    assert nik(1) not in repr(result.rejected_sample)


def test_odd_birth_dates_and_desil_keep_the_person_with_a_warning():
    people = [
        person(1, tanggal_lahir="12 Maret 1985"),
        person(2, tanggal_lahir="12-03-85"),
        person(3, tanggal_lahir="31118"),  # an Excel serial: 1985-03-12
        person(4, tanggal_lahir="19850312"),
        person(5, desil="Desil 3"),
        person(6, desil="desil: 12"),
    ]

    result = load(text_file(people))

    assert (result.imported, result.rejected) == (6, 0)
    births = dict(DtksRecord.objects.values_list("nik", "tanggal_lahir"))
    for serial in (1, 2, 3, 4):
        assert births[nik(serial)] == datetime.date(1985, 3, 12)
    desil = dict(DtksRecord.objects.values_list("nik", "desil"))
    assert (desil[nik(5)], desil[nik(6)]) == (3, None)
    kept = warnings(result)
    assert kept[2] == 'Tanggal lahir "12 Maret 1985" dibaca sebagai 12-03-1985.'
    assert kept[6] == 'Desil "Desil 3" dibaca sebagai 3.'
    assert "dikosongkan" in kept[7]
    # The warnings travel with the rejected-rows workbook, on their own sheet.
    wb = load_workbook(io.BytesIO(rejected_workbook(result)))
    assert wb.sheetnames[-1] == "Peringatan 2026-Q3"
    assert wb.worksheets[-1].max_row == 1 + 6


def test_the_column_count_message_names_the_row_and_header_widths():
    content = (f"nomor_nik,nama\n{nik(1)},I WAYAN UJI,JL. RAYA,NO 1\n").encode()

    result = load(content + f"{nik(2)},I MADE UJI\n".encode())

    assert reasons(result)[2] == (
        "Jumlah kolom (4) lebih banyak dari judul (2): kemungkinan ada pemisah di "
        "dalam isi kolom."
    )


def test_a_curly_quote_before_the_nik_is_taken_off():
    result = load(text_file([person(1, nomor_nik="\u2018" + nik(1))]))
    assert result.rejected == 0
    assert DtksRecord.objects.get().nik == nik(1)


def test_a_file_without_a_nik_column_is_refused_and_the_period_keeps_its_data():
    load(text_file([person(1), person(2)]))
    header = [name for name in HEADER if name != "nomor_nik"]

    with pytest.raises(DtksFileError) as exc:
        load(text_file([person(3)], header=header))

    assert "Kolom wajib tidak ditemukan: NIK" in exc.value.message
    assert DtksRecord.objects.count() == 2
    assert DtksPeriode.objects.get().jumlah == 2


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 not an extract",
        b"PK\x03\x04 a truncated workbook",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls",
        b"",
        b"just, some, words\nwithout, a, header\n",
        b"nomor_nik,nama\n" + b"5108042303800001," * 70_000,
    ],
    ids=["pdf", "broken-xlsx", "xls", "empty", "no-header", "no-line-breaks"],
)
def test_a_broken_file_is_a_clear_error_and_imports_nothing(content):
    with pytest.raises(DtksFileError) as exc:
        load(content)

    assert exc.value.message
    assert not DtksRecord.objects.exists()
    assert not DtksPeriode.objects.exists()


def test_a_file_where_every_row_is_rejected_changes_nothing():
    load(text_file([person(1)]))

    with pytest.raises(DtksFileError, match="Tidak ada baris yang dapat diimpor"):
        load(text_file([person(2, nomor_nik="123")]))

    assert list(DtksRecord.objects.values_list("nik", flat=True)) == [nik(1)]


# --- Periods -------------------------------------------------------------------


def test_reimporting_a_period_replaces_its_records_without_duplicates():
    load(text_file([person(1), person(2), person(3)]))
    load(text_file([person(1, desil="9"), person(4)]))

    assert DtksPeriode.objects.count() == 1
    assert DtksPeriode.objects.get().jumlah == 2
    assert sorted(DtksRecord.objects.values_list("nik", "desil")) == [
        (nik(1), 9),
        (nik(4), 3),
    ]


def test_the_first_row_of_a_nik_wins_and_every_later_row_is_reported():
    people = [person(1, nama="PERTAMA"), person(2), person(1, nama="KEDUA")]
    people += [person(3), person(1, nama="KETIGA"), person(2, nama="LAGI")]

    result = load(text_file(people))

    assert result.imported == 3
    assert sorted(reasons(result).items()) == [
        (4, MSG_NIK_DUPLICATE),
        (6, MSG_NIK_DUPLICATE),
        (7, MSG_NIK_DUPLICATE),
    ]
    assert DtksRecord.objects.get(nik=nik(1)).nama == "PERTAMA"


def test_a_large_file_sorted_in_parts_keeps_every_first_row(monkeypatch):
    # Rows are sorted by NIK in parts of RUN_ROWS on disk, then merged.
    monkeypatch.setattr("dtks.imports.RUN_ROWS", 2)
    serials = [7, 3, 9, 1, 3, 8, 2, 7, 5]
    people = [person(n, nama=f"ORANG {i}") for i, n in enumerate(serials, start=2)]

    result = load(text_file(people))

    assert (result.imported, result.rejected) == (7, 2)
    assert sorted(reasons(result)) == [6, 9]
    assert dict(DtksRecord.objects.values_list("nik", "nama")) == {
        nik(n): f"ORANG {serials.index(n) + 2}" for n in set(serials)
    }


def test_a_later_row_of_a_nik_is_refused_whatever_it_holds():
    people = [person(1), person(2), person(1, desil="Desil 4", tanggal_lahir="kemarin")]

    result = load(text_file(people))

    assert (result.imported, result.rejected) == (2, 1)
    assert reasons(result) == {4: MSG_NIK_DUPLICATE}
    assert DtksRecord.objects.get(nik=nik(1)).desil == 3


def test_a_backslash_in_a_name_or_iddtks_is_stored_as_written():
    people = [person(1, nama="I WAYAN A\\B", iddtks="DTKS\\1\\N"), person(2)]

    result = load(text_file(people))

    assert result.imported == 2
    record = DtksRecord.objects.get(nik=nik(1))
    assert (record.nama, record.iddtks) == ("I WAYAN A\\B", "DTKS\\1\\N")


def test_the_birth_date_in_a_nik_is_judged_as_the_portal_judges_any_nik():
    # Day + 40 for women, 29 February only in a leap year (2000 is one, 1900 not).
    births = [(29, 2, 0), (69, 2, 0), (29, 2, 1), (31, 4, 80), (0, 3, 80)]
    births += [(40, 3, 80), (32, 1, 80), (81, 1, 80), (23, 13, 80), (23, 0, 80)]
    people = [
        person(n, nomor_nik=nik(n, day=d, month=m, year=y))
        for n, (d, m, y) in enumerate(births, start=1)
    ]

    result = load(text_file(people))

    valid = []
    for p in people:
        try:
            valid.append(validate_nik(p["nomor_nik"]))
        except ValidationError:
            pass
    assert sorted(DtksRecord.objects.values_list("nik", flat=True)) == sorted(valid)
    assert 0 < result.imported == len(valid) < len(people)


def test_deleting_a_period_deletes_its_records_only():
    # The records carry no database foreign key (bench B5): the ORM cascades.
    load(text_file([person(1), person(2)]), periode="2026-Q2")
    load(text_file([person(3)]), periode="2026-Q3")

    DtksPeriode.objects.get(kode="2026-Q2").delete()

    assert list(DtksRecord.objects.values_list("nik", flat=True)) == [nik(3)]


def test_membership_is_looked_up_in_the_latest_period():
    load(text_file([person(1)]), periode="2026-Q2")
    load(text_file([person(2, desil="4")]), periode="2026-Q3")

    status = dtks_status_for([nik(1), nik(2)])

    assert not status[nik(1)].terdaftar
    assert status[nik(2)].terdaftar
    assert (status[nik(2)].periode, status[nik(2)].desil) == ("2026-Q3", 4)


def test_periode_codes_are_checked_and_kept_in_one_format():
    assert clean_periode(" 2026-q3 ") == "2026-Q3"
    assert clean_periode("2026-07") == "2026-07"
    for bad in ["2026-Q5", "2026-13", "Q3-2026", "2026"]:
        with pytest.raises(ValidationError):
            clean_periode(bad)
    DtksPeriode.objects.create(kode="2026-Q3")
    with pytest.raises(ValidationError, match="2026-Q3"):
        clean_periode("2026-07")


# --- Command -------------------------------------------------------------------


def test_the_command_shows_progress_prints_counts_and_writes_rejections(tmp_path):
    source = tmp_path / "dtks.txt"
    source.write_bytes(
        text_file([person(1), person(2, nomor_nik="123")], delimiter="|")
    )
    rejected = tmp_path / "ditolak.xlsx"
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_dtks",
        str(source),
        "--periode",
        "2026-Q3",
        "--rejected-out",
        str(rejected),
        stdout=out,
        stderr=err,
    )

    assert (
        "Periode 2026-Q3: 1 baris diimpor, 1 baris ditolak, 0 baris" in out.getvalue()
    )
    assert "baris 3: ***: NIK harus 16 angka (sekarang 3)." in out.getvalue()
    assert "\rMembaca [" in err.getvalue() and "100%" in err.getvalue()
    sheet = load_workbook(rejected).active
    assert [c.value for c in sheet[2]] == [3, "***", "NIK harus 16 angka (sekarang 3)."]


def test_the_command_refuses_a_bad_periode_or_file(tmp_path):
    source = tmp_path / "dtks.csv"
    source.write_bytes(b"nama\nI WAYAN\n")
    with pytest.raises(CommandError, match="Periode harus"):
        call_command("import_dtks", str(source), "--periode", "2026")
    with pytest.raises(CommandError, match="Kolom wajib tidak ditemukan"):
        call_command("import_dtks", str(source), "--periode", "2026-Q3")


# --- Screens -------------------------------------------------------------------


def test_rekap_uploads_an_extract_and_the_job_reports_rejections(
    login, rekap, settings
):
    client = login(rekap)
    page = client.get("/dtks/")
    assert page.status_code == 200 and "Belum ada data DTKS" in page.content.decode()

    content = text_file([person(1), person(2), person(3, nomor_nik="123")])
    response = client.post(
        "/dtks/",
        {"periode": "2026-q3", "berkas": SimpleUploadedFile("dtks.csv", content)},
    )

    job = Job.objects.get(kind="dtks_import")
    assert response.status_code == 302 and response.url == f"/tugas/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.message.startswith("Periode 2026-Q3: 2 baris diimpor, 1 baris ditolak.")
    assert job.progress_done == job.progress_total == 3
    assert DtksPeriode.objects.get().jumlah == 2
    sheet = load_workbook(job.result_file.path).active
    assert [c.value for c in sheet[2]] == [4, "***", "NIK harus 16 angka (sekarang 3)."]
    assert not any((Path(settings.MEDIA_ROOT) / "staging").iterdir())  # upload deleted
    listing = client.get("/dtks/").content.decode()
    assert "2026-Q3" in listing and "terbaru" in listing


def test_an_unusable_upload_fails_the_job_with_the_reason(login, admin_user):
    client = login(admin_user)
    content = text_file([person(1)], header=["iddtks", "nama"])
    client.post(
        "/dtks/",
        {"periode": "2026-Q3", "berkas": SimpleUploadedFile("dtks.csv", content)},
    )

    job = Job.objects.get(kind="dtks_import")
    assert job.status == Job.Status.FAILED
    assert "Kolom wajib tidak ditemukan: NIK" in job.message
    assert not DtksRecord.objects.exists()


def test_an_invalid_periode_is_shown_on_the_form(login, rekap):
    client = login(rekap)
    response = client.post(
        "/dtks/",
        {"periode": "Q3", "berkas": SimpleUploadedFile("a.csv", b"nik,nama\n")},
    )
    assert response.status_code == 200
    assert "Periode harus berbentuk" in response.content.decode()
    assert not Job.objects.exists()


def test_only_rekap_and_admin_may_upload(login, verifikator):
    client = login(verifikator)
    assert client.get("/dtks/").status_code == 403
    assert client.post("/dtks/", {"periode": "2026-Q3"}).status_code == 403


def test_search_finds_a_nik_in_the_latest_period_and_masks_it(login, verifikator):
    load(text_file([person(1, desil="2")]))
    client = login(verifikator)

    found = client.post("/dtks/cari/", {"nik": "5108 0423 0380 0001"})
    missing = client.post("/dtks/cari/", {"nik": nik(9)})

    page = found.content.decode()
    assert found.status_code == 200
    assert "I WAYAN UJI 1" in page and "5108********0001" in page
    assert nik(1) not in page
    assert "tidak terdaftar" in missing.content.decode()


def test_search_is_closed_to_desa_operators(login, operator_a):
    assert login(operator_a).get("/dtks/cari/").status_code == 403


def test_a_long_list_of_niks_is_looked_up_in_one_go():
    # Beyond 1,000 NIKs PostgreSQL gets them as one array (a 40,000-member lock).
    load(text_file([person(i, desil="3") for i in range(1, 1201)]), periode="2026-Q3")
    asked = [nik(i) for i in range(600, 1800)]

    status = dtks_status_for(asked)

    assert len(status) == 1200
    assert sum(s.terdaftar for s in status.values()) == 601  # 600..1200
    assert status[nik(1200)].desil == 3 and not status[nik(1201)].terdaftar
