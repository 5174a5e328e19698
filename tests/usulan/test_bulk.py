"""Bulk intake from Excel: template, preview with the form's checks, one-shot confirm.

The Buleleng profile is active (tests/usulan/conftest.py) unless a test loads another.
"""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dtks.models import DtksPeriode, DtksRecord
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.selectors import history_for
from kis_portal.jobs.models import Job
from tests.factories import PASSWORD
from usulan import bulk
from usulan.bulk import TEMPLATE_COLUMNS
from usulan.models import Anggota, Pengajuan, Usulan
from usulan.services import pengajuan_current, usulan_save

UPLOAD = reverse("usulan:bulk_upload")
TEMPLATE = reverse("usulan:bulk_template")
CONFIRM = reverse("usulan:bulk_confirm")
HEADER = [column.header for column in TEMPLATE_COLUMNS]


def nik(day: int, month: int, year: int, serial: int, *, female=False) -> str:
    """A valid NIK issued in kecamatan 51.08.06: women have 40 added to the day."""
    return f"510806{day + 40 * female:02d}{month:02d}{year % 100:02d}{serial:04d}"


def kk(serial: int) -> str:
    """A valid No. KK of kecamatan 51.08.06, data entered on 15-01-2020."""
    return f"510806150120{serial:04d}"


def row(no_kk: str, nik_: str, birth, **values) -> dict:
    """One member row keyed by template header."""
    female = int(nik_[6:8]) > 40
    data = {
        "NO KK": no_kk,
        "JENIS": "MIG34",
        "ALAMAT": "Banjar Dinas Kaja",
        "RT": "003",
        "RW": "001",
        "NIK": nik_,
        "NAMA": "Ni Luh Uji" if female else "I Made Uji",
        "TEMPAT LAHIR": "Singaraja",
        "TANGGAL LAHIR": birth,
        "JENIS KELAMIN": "P" if female else "L",
        "HUBUNGAN DALAM KK": "3" if female else "1",
        "STATUS KAWIN": "2",
        "KATEGORI": "miskin",
    }
    data.update(values)
    return data


def xlsx(rows: list[dict], *, header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(header)
    for values in rows:
        ws.append([values.get(name) for name in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "usulan.xlsx"):
    return client.post(UPLOAD, {"berkas": SimpleUploadedFile(name, content)})


def token_of(client, user) -> str:
    return client.session[f"usulan_bulk_token:{user.pk}"]


def messages_of(response) -> list[str]:
    """What the operator is told: page messages, or the import job's outcome."""
    if response.status_code == 302 and response.url.startswith("/tugas/"):
        job = Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
        return job.message.splitlines()
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "staging"
    return list(folder.iterdir()) if folder.exists() else []


def good_rows() -> list[dict]:
    """3 households, 5 members, in the ways people type them."""
    return [
        row(kk(1), nik(12, 5, 1980, 1), datetime.date(1980, 5, 12)),
        row(
            kk(1),
            nik(7, 3, 1985, 2, female=True),
            "07-03-1985",
            **{"JENIS KELAMIN": "Perempuan", "HUBUNGAN DALAM KK": "Istri"},
            ALAMAT=None,  # household columns only on the KK's first row
        ),
        row(kk(2), nik(1, 1, 1970, 3), "01/01/1970", KATEGORI="E"),
        row(
            kk(2),
            nik(2, 2, 2010, 4),
            datetime.date(2010, 2, 2),
            **{"HUBUNGAN DALAM KK": 4, "STATUS KAWIN": "Belum kawin"},
        ),
        row(
            kk(3),
            nik(3, 3, 1960, 5, female=True),
            datetime.date(1960, 3, 3),
            JENIS="MIG37",
            **{"NOKA LAMA": "0001261832477", "SEGMEN ASAL": "BPJS Mandiri"},
        ),
    ]


def test_operator_downloads_a_template_with_instructions_and_text_columns(
    login, operator_a
):
    response = login(operator_a).get(TEMPLATE)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Data", "Petunjuk"]
    data = wb["Data"]
    assert [c.value for c in data[1]] == HEADER
    assert data.max_row == 1  # no example rows that would be imported
    for letter in ("A", "I"):  # NO KK, NIK
        assert data.column_dimensions[letter].number_format == "@"
    guide = {r[0]: r for r in wb["Petunjuk"].iter_rows(values_only=True) if r[0]}
    assert guide["NIK"][1] == "wajib"
    assert guide["KODE FASKES"][1] == "boleh kosong"  # Buleleng
    codes = [r for r in wb["Petunjuk"].iter_rows(values_only=True)]
    assert ("HUBUNGAN DALAM KK", "11", "Lainnya", None) in codes


def test_template_follows_the_office_profile(login, operator_a):
    call_command("load_profile", "makassar", verbosity=0)
    wb = load_workbook(io.BytesIO(login(operator_a).get(TEMPLATE).content))
    guide = {r[0]: r for r in wb["Petunjuk"].iter_rows(values_only=True) if r[0]}
    assert guide["KODE FASKES"][1] == "wajib"
    assert guide["NO HP KELUARGA"][1] == "wajib"


def test_a_good_file_previews_all_ok_and_confirm_creates_the_drafts(
    login, operator_a, desa_a, settings
):
    client = login(operator_a)
    preview = upload(client, xlsx(good_rows()))

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "<<tidak ada" not in page
    assert "3 keluarga siap dibuat (5 anggota)" in page
    assert "0 keluarga dengan kesalahan" in page
    assert "Buat 3 usulan sebagai draf?" in page
    assert nik(12, 5, 1980, 1) in page  # the operator typed them: shown in full
    assert len(stored_files(settings)) == 1

    response = client.post(CONFIRM, {"token": token_of(client, operator_a)})

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and job.created_by == operator_a
    assert "3 usulan dibuat sebagai draf." in messages_of(response)
    usulan = list(Usulan.objects.order_by("no_kk"))
    assert [u.no_kk for u in usulan] == [kk(1), kk(2), kk(3)]
    assert {(u.status, u.desa, u.sumber) for u in usulan} == {
        (Usulan.Status.DRAFT, desa_a, Usulan.Sumber.DESA)
    }
    # All in one pengajuan: the desa's open one, which the import opened (asking
    # pengajuan_current here would open another if the month turned meanwhile).
    assert {u.pengajuan for u in usulan} == set(Pengajuan.objects.filter(desa=desa_a))
    assert Anggota.objects.count() == 5
    wife = Anggota.objects.get(nik=nik(7, 3, 1985, 2, female=True))
    assert (wife.tanggal_lahir, wife.jenis_kelamin, wife.shdk, wife.nama) == (
        datetime.date(1985, 3, 7),
        "P",
        "3",
        "NI LUH UJI",
    )
    assert wife.usulan.alamat == "Banjar Dinas Kaja" and wife.usulan.rt == "003"
    transfer = usulan[2]
    assert (transfer.jenis, transfer.noka_lama, transfer.segmen_asal) == (
        "MIG37",
        "0001261832477",
        Usulan.Segmen.MANDIRI,
    )
    assert Anggota.objects.get(nik=nik(1, 1, 1970, 3)).kategori == "miskin"
    for u in usulan:
        assert [e.action for e in history_for(u)] == [AuditEvent.Action.CREATE]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1
    assert stored_files(settings) == []


def test_bad_rows_are_reported_and_their_households_skipped(
    login, operator_a, operator_b, desa_b
):
    taken = nik(9, 9, 1990, 9)
    usulan_save(
        usulan=None,
        household={
            "jenis": "MIG34",
            "no_kk": kk(90),
            "alamat": "Desa lain",
            "rt": "001",
        },
        members=[
            {
                "nik": taken,
                "nama": "ORANG LAIN",
                "tempat_lahir": "Singaraja",
                "tanggal_lahir": datetime.date(1990, 9, 9),
                "jenis_kelamin": "L",
                "shdk": "1",
                "status_kawin": "1",
                "kategori": "miskin",
            }
        ],
        by=operator_b,
        desa=desa_b,
        pengajuan=pengajuan_current(desa=desa_b, by=operator_b),
    )
    good = nik(12, 5, 1980, 1)
    rows = [
        row(kk(1), good, "12-05-1980"),
        row(kk(2), "510806120580001", "12-05-1980"),  # 15 digits
        row(kk(3), nik(12, 5, 1980, 3), "13-05-1980"),  # not the NIK's date
        row(kk(4), good, "12-05-1980"),  # same NIK as row 2 of the file
        row(kk(5), taken, "09-09-1990"),  # open usulan in another desa
        row(kk(5), nik(1, 1, 2000, 5), "01-01-2000", **{"HUBUNGAN DALAM KK": "4"}),
    ]
    client = login(operator_a)
    page = upload(client, xlsx(rows)).content.decode()

    assert "1 keluarga siap dibuat" in page and "4 keluarga dengan kesalahan" in page
    assert "NIK: NIK harus 16 angka (sekarang 15)." in page
    assert "TANGGAL LAHIR: Tanggal lahir tidak sesuai NIK" in page
    assert "NIK: NIK ini sudah ada di baris 2 berkas ini (KK lain)." in page
    # Another desa's usulan: that it exists and whom to ask, nothing of its data.
    assert "NIK: NIK ini sudah diusulkan melalui desa/kelurahan lain" in page
    assert desa_b.nama not in page
    assert "Buat 1 usulan sebagai draf?" in page

    response = client.post(CONFIRM, {"token": token_of(client, operator_a)})
    assert messages_of(response) == [
        "1 usulan dibuat sebagai draf.",
        "4 keluarga dilewati karena masih ada kesalahan. Perbaiki barisnya lalu "
        "impor ulang keluarga tersebut saja.",
    ]
    created = Usulan.objects.get(desa=operator_a.profile.desa)
    assert created.no_kk == kk(1)
    assert Anggota.objects.filter(nik=good).count() == 1


def test_household_columns_must_agree_within_a_kk(login, operator_a):
    rows = good_rows()[:2]
    rows[1]["ALAMAT"] = "Jalan lain"
    page = upload(login(operator_a), xlsx(rows)).content.decode()
    assert "ALAMAT: berbeda dengan baris 2 untuk KK yang sama" in page
    assert "Tidak ada usulan yang dapat dibuat." in page


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "scan.xlsx"),
        (b"NO KK;NIK;NAMA\n5108061501200001;5108061205800001;I MADE\n", "data.csv"),
    ],
    ids=["pdf-renamed", "csv"],
)
def test_a_file_that_is_not_xlsx_gets_a_clear_message_and_creates_nothing(
    login, operator_a, settings, content, name
):
    client = login(operator_a)
    response = upload(client, content, name)
    assert response.status_code == 200
    assert "Berkas bukan XLSX" in response.content.decode()
    assert stored_files(settings) == []
    assert f"usulan_bulk_token:{operator_a.pk}" not in client.session
    assert not Usulan.objects.exists()


def test_missing_required_columns_are_named(login, operator_a):
    header = [h for h in HEADER if h not in ("TANGGAL LAHIR", "KATEGORI")]
    page = upload(login(operator_a), xlsx(good_rows(), header=header))
    assert (
        "Kolom wajib tidak ditemukan: TANGGAL LAHIR, KATEGORI." in page.content.decode()
    )


def test_headers_are_matched_loosely(login, operator_a):
    header = [h.lower().replace(" ", "_") for h in HEADER]
    header[0] = "No. KK"
    rows = [
        {h: r[HEADER[i]] for i, h in enumerate(header) if HEADER[i] in r}
        for r in good_rows()
    ]
    page = upload(login(operator_a), xlsx(rows, header=header)).content.decode()
    assert "3 keluarga siap dibuat" in page


def _zip_bomb(size: int = 200 * 1024 * 1024) -> bytes:
    """A valid-looking XLSX whose sheet is 200 MB of spaces (about 200 KB packed)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_rejected(login, operator_a, settings):
    client = login(operator_a)
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024

    response = upload(client, bomb)

    assert "Berkas terlalu besar setelah dibuka (kemungkinan zip bomb)" in (
        response.content.decode()
    )
    assert stored_files(settings) == []


def test_a_macro_workbook_is_rejected(login, operator_a):
    source = zipfile.ZipFile(io.BytesIO(xlsx(good_rows())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    page = upload(login(operator_a), out.getvalue(), "usulan.xlsm").content.decode()
    assert "Berkas berisi makro (.xlsm) dan ditolak." in page
    assert not Usulan.objects.exists()


def test_a_formula_is_rejected_with_its_row(login, operator_a):
    rows = good_rows()
    rows[1]["NAMA"] = '=HYPERLINK("http://contoh","klik")'
    page = upload(login(operator_a), xlsx(rows)).content.decode()
    assert "rumus (formula) di baris 3 kolom J" in page


def test_more_than_the_row_limit_is_rejected(login, operator_a):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(HEADER)
    base = good_rows()[0]
    for _ in range(2001):
        ws.append([base.get(name) for name in HEADER])
    buffer = io.BytesIO()
    wb.save(buffer)

    page = upload(login(operator_a), buffer.getvalue()).content.decode()
    assert "Berkas berisi lebih dari 2.000 baris data." in page


def test_the_row_limit_is_a_setting(login, operator_a, settings):
    settings.KIS_BULK_MAX_ROWS = 4
    client = login(operator_a)
    assert "lebih dari 4 baris" in upload(client, xlsx(good_rows())).content.decode()
    settings.KIS_BULK_MAX_ROWS = 5
    assert (
        "3 keluarga siap dibuat" in upload(client, xlsx(good_rows())).content.decode()
    )


def dtks_person(nik_: str, nama: str, no_kk: str = "") -> None:
    periode = DtksPeriode.objects.get_or_create(kode="2026-Q3")[0]
    DtksRecord.objects.create(periode=periode, nik=nik_, nama=nama, no_kk=no_kk)


def test_a_number_cell_nik_is_found_in_dtks_by_its_15_digits_and_name(
    login, operator_a
):
    husband, wife = nik(12, 5, 1980, 1), nik(7, 3, 1985, 2, female=True)
    dtks_person(husband, "I MADE UJI", kk(1))
    rows = good_rows()[:2]
    # Number cells, as Excel keeps them: 15 digits, the 16th a zero.
    rows[0]["NIK"] = int(husband[:15] + "0")
    rows[0]["NO KK"] = int(kk(1)[:15] + "0")
    rows[1]["NIK"] = "\u2018" + wife  # a curly quote in front: taken off
    rows[1]["NO HP"] = 81234567890  # a number cell drops the leading 0
    client = login(operator_a)
    page = upload(client, xlsx(rows)).content.decode()
    assert "1 keluarga siap dibuat (2 anggota)" in page
    assert "dipulihkan dari DTKS" in page

    client.post(CONFIRM, {"token": token_of(client, operator_a)})
    assert set(Anggota.objects.values_list("nik", flat=True)) == {husband, wife}
    assert Usulan.objects.get().no_kk == kk(1)
    assert Anggota.objects.get(nik=wife).telepon == "081234567890"


def test_a_number_cell_nik_nobody_in_dtks_fits_is_held_back_as_digit_hilang(
    login, operator_a
):
    twin_a, twin_b = nik(8, 8, 2020, 11), nik(8, 8, 2020, 12)
    dtks_person(twin_a, "I PUTU ADI")
    dtks_person(twin_b, "I KADEK ADI")
    rows = [
        row(kk(1), nik(12, 5, 1980, 1), "12-05-1980"),
        # Both twins' NIKs are one number once Excel has them.
        row(kk(1), twin_a, "08-08-2020", NAMA="I Gede Lain"),
    ]
    rows[1]["NIK"] = int(twin_a[:15] + "0")
    rows[1]["HUBUNGAN DALAM KK"] = "4"
    rows[1]["STATUS KAWIN"] = "1"
    page = upload(login(operator_a), xlsx(rows)).content.decode()
    assert "NIK: digit hilang: NIK tersimpan sebagai angka" in page
    assert "tidak ada orang di DTKS dengan 15 digit dan nama itu" in page
    assert "1 keluarga dengan kesalahan" in page


def test_the_same_nik_twice_in_one_kk_names_the_file_row(login, operator_a):
    rows = good_rows()[:2]
    rows[1]["NIK"] = rows[0]["NIK"]
    page = upload(login(operator_a), xlsx(rows)).content.decode()
    assert "NIK: NIK ini sudah ada di baris 2 berkas ini (KK yang sama)." in page


def test_each_mig37_member_carries_their_own_noka_lama(login, operator_a):
    rows = good_rows()[4:]
    rows.append(
        row(
            kk(3),
            nik(4, 4, 1962, 6),
            datetime.date(1962, 4, 4),
            JENIS="MIG37",
            **{"NOKA LAMA": "0001261832478", "HUBUNGAN DALAM KK": "2"},
        )
    )
    rows.append(  # a member added to the family later: no card before
        row(
            kk(3),
            nik(5, 5, 2012, 7),
            datetime.date(2012, 5, 5),
            JENIS="MIG37",
            **{"HUBUNGAN DALAM KK": "4", "STATUS KAWIN": "1"},
        )
    )
    client = login(operator_a)
    page = upload(client, xlsx(rows)).content.decode()
    assert "1 keluarga siap dibuat (3 anggota)" in page
    client.post(CONFIRM, {"token": token_of(client, operator_a)})
    assert dict(Anggota.objects.values_list("nik", "noka_lama")) == {
        nik(3, 3, 1960, 5, female=True): "0001261832477",
        nik(4, 4, 1962, 6): "0001261832478",
        nik(5, 5, 2012, 7): "",
    }


def test_one_noka_lama_on_two_rows_is_refused_naming_the_first(login, operator_a):
    rows = good_rows()[4:]
    rows.append(
        row(
            kk(3),
            nik(4, 4, 1962, 6),
            datetime.date(1962, 4, 4),
            JENIS="MIG37",
            **{"NOKA LAMA": "0001261832477", "HUBUNGAN DALAM KK": "2"},
        )
    )
    page = upload(login(operator_a), xlsx(rows)).content.decode()
    assert "NOKA lama ini sudah ada di baris 2 berkas ini" in page


def test_confirm_twice_creates_once(login, operator_a, settings):
    client = login(operator_a)
    upload(client, xlsx(good_rows()))
    token = token_of(client, operator_a)

    client.post(CONFIRM, {"token": token})
    second = client.post(CONFIRM, {"token": token})

    assert Usulan.objects.count() == 3
    assert second.status_code == 302
    assert messages_of(second)[-1] == (
        "Impor ini sudah diproses. Unggah berkas lagi bila ingin mengimpor ulang."
    )


def test_confirm_checks_the_file_again(login, operator_a, operator_b, desa_b):
    client = login(operator_a)
    upload(client, xlsx(good_rows()))
    # Between preview and confirmation, another desa proposes one of the people.
    usulan_save(
        usulan=None,
        household={"jenis": "MIG34", "no_kk": kk(80), "alamat": "Lain", "rt": "001"},
        members=[
            {
                "nik": nik(1, 1, 1970, 3),
                "nama": "ORANG LAIN",
                "tempat_lahir": "Singaraja",
                "tanggal_lahir": datetime.date(1970, 1, 1),
                "jenis_kelamin": "L",
                "shdk": "1",
                "status_kawin": "1",
                "kategori": "miskin",
            }
        ],
        by=operator_b,
        desa=desa_b,
        pengajuan=pengajuan_current(desa=desa_b, by=operator_b),
    )
    response = client.post(CONFIRM, {"token": token_of(client, operator_a)})
    assert messages_of(response)[0] == "2 usulan dibuat sebagai draf."
    assert Usulan.objects.filter(desa=operator_a.profile.desa).count() == 2


def test_a_failing_save_creates_nothing(login, operator_a, monkeypatch):
    real_save, calls = bulk.usulan_save, []

    def save_then_fail(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("Usulan tidak dapat disimpan.")
        return real_save(**kwargs)

    monkeypatch.setattr(bulk, "usulan_save", save_then_fail)
    client = login(operator_a)
    upload(client, xlsx(good_rows()))
    response = client.post(CONFIRM, {"token": token_of(client, operator_a)})

    assert messages_of(response) == [
        "Tidak ada usulan yang dibuat: Usulan tidak dapat disimpan."
    ]
    assert not Usulan.objects.exists() and not Anggota.objects.exists()


def test_another_desa_cannot_confirm_the_token(login, operator_a, operator_b):
    client_a = login(operator_a)
    upload(client_a, xlsx(good_rows()))
    token = token_of(client_a, operator_a)

    client_b = Client()
    assert client_b.login(username=operator_b.username, password=PASSWORD)
    response = client_b.post(CONFIRM, {"token": token})

    assert response.status_code == 302
    assert not Usulan.objects.exists()
    # The owner's preview is untouched and still confirms into its own desa.
    client_a.post(CONFIRM, {"token": token})
    assert set(Usulan.objects.values_list("desa", flat=True)) == {
        operator_a.profile.desa_id
    }


def test_a_newer_upload_replaces_the_preview(login, operator_a, settings):
    client = login(operator_a)
    upload(client, xlsx(good_rows()))
    old = token_of(client, operator_a)
    upload(client, xlsx(good_rows()[:1]))

    response = client.post(CONFIRM, {"token": old})
    assert "tidak berlaku" in messages_of(response)[0]
    assert not Usulan.objects.exists()
    assert len(stored_files(settings)) == 1
    client.post(CONFIRM, {"token": token_of(client, operator_a)})
    assert Usulan.objects.count() == 1


def test_upload_page_and_empty_file(login, operator_a):
    client = login(operator_a)
    page = client.get(UPLOAD).content.decode()
    assert "<<tidak ada" not in page
    assert "Unduh templat Excel" in page and "Paling banyak 2000 baris" in page

    empty = upload(client, xlsx([])).content.decode()
    assert "<<tidak ada" not in empty
    assert "Berkas tidak berisi baris data." in empty


def test_only_desa_operators_import(login, verifikator):
    client = login(verifikator)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403


def test_confirm_needs_post(login, operator_a):
    assert login(operator_a).get(CONFIRM).status_code == 405
