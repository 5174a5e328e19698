"""BPJS's monthly list of deactivated participants: matched, held back, the desa told."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from demo.people import nik_for
from kis_portal.offices.models import OfficeProfile
from notifikasi.models import Jenis, Pesan, PesanKeluar
from rekap_bpjs.models import DaftarNonaktif, Nonaktif
from tests.clock import frozen, wita
from tests.usulan.factories import make_usulan, member
from usulan.models import Anggota

pytestmark = pytest.mark.django_db

TODAY = wita(2026, 4, 2, 10, 0)
DEACTIVATED = datetime.date(2026, 3, 12)
HEADER = ["NO", "NO KARTU", "NIK", "NAMA PESERTA", "TGL NONAKTIF", "KETERANGAN"]


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def enrol(operator, people: list[dict]) -> list[Anggota]:
    """Members enrolled through the portal, NOKA 0001111<usulan><index>."""
    usulan = make_usulan(operator, members=people)
    enrolled = list(usulan.anggota_set.order_by("pk"))
    for index, anggota in enumerate(enrolled):
        anggota.noka = f"0001111{usulan.pk:04d}{index:02d}"
        Anggota.objects.filter(pk=anggota.pk).update(
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR, noka=anggota.noka
        )
    return enrolled


def person(desa, serial: int, *, nama="I MADE UJI", birth=datetime.date(1970, 1, 5)):
    nik = nik_for(desa.kecamatan.nik_prefix, birth, "L", serial)
    return member(desa, birth=birth, nik=nik, nama=nama)


def deactivation_list(rows: list[list]) -> bytes:
    """BPJS's list as it comes: title rows, then the header, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DAFTAR PESERTA PBI NONAKTIF"])
    ws.append(["Kabupaten Buleleng, posisi Maret 2026"])
    ws.append(HEADER)
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="nonaktif-maret.xlsx"):
    return client.post(
        "/rekap/nonaktif/unggah/",
        {"berkas": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def scene(operator_a, operator_b):
    ketut, wayan = enrol(
        operator_a,
        [
            person(operator_a.profile.desa, 8101, nama="I KETUT SARI"),
            person(operator_a.profile.desa, 8102, nama="I WAYAN DANA"),
        ],
    )
    (made,) = enrol(
        operator_b, [person(operator_b.profile.desa, 8201, nama="I MADE KOMANG")]
    )
    return {"ketut": ketut, "wayan": wayan, "made": made}


def test_a_deactivation_list_is_previewed_applied_and_the_desa_told(
    login, rekap, operator_a, operator_b, scene
):
    ketut, wayan = scene["ketut"], scene["wayan"]
    content = deactivation_list(
        [
            [ketut.noka, ketut.nik, ketut.nama, DEACTIVATED, "Tidak layak PBI"],
            ["", wayan.nik, wayan.nama, "15-03-2026", ""],
            ["0009999999999", "5108010101700009", "I NYOMAN LAIN", DEACTIVATED, ""],
        ]
    )
    with frozen(TODAY):
        client = login(rekap)
        preview = upload(client, content)
        assert preview.status_code == 200
        html = preview.content.decode()
        assert (
            "3 baris: <strong>2 cocok</strong>, 0 ditahan, 1 bukan peserta portal"
            in html
        )
        assert "12-09-2026" in html  # the deadline: 12-03 + 6 months
        assert not Nonaktif.objects.exists()  # the preview writes nothing

        applied = client.post("/rekap/nonaktif/terapkan/", follow=True)
        assert "2 peserta menjadi tugas desa" in applied.content.decode()
        # A second click finds nothing to apply.
        again = client.post("/rekap/nonaktif/terapkan/", follow=True)
        assert "sudah diproses" in again.content.decode()

    tasks = {t.anggota_id: t for t in Nonaktif.objects.all()}
    assert set(tasks) == {ketut.pk, wayan.pk}
    assert (tasks[ketut.pk].tanggal_nonaktif, tasks[ketut.pk].batas) == (
        DEACTIVATED,
        datetime.date(2026, 9, 12),
    )
    assert tasks[wayan.pk].batas == datetime.date(2026, 9, 15)
    assert tasks[ketut.pk].keterangan_bpjs == "Tidak layak PBI"
    assert {t.desa_id for t in tasks.values()} == {operator_a.profile.desa_id}
    daftar = DaftarNonaktif.objects.get()
    assert (daftar.baris, daftar.cocok, daftar.ditahan, daftar.tidak_dikenal) == (
        3,
        2,
        0,
        1,
    )

    # The desa's inbox: one message for both, with the deadlines.
    pesan = Pesan.objects.get(jenis=Jenis.NONAKTIF)
    assert (pesan.desa_id, pesan.jumlah) == (operator_a.profile.desa_id, 2)
    assert "I KETUT SARI" in pesan.isi and "batas reaktivasi 12-09-2026" in pesan.isi
    # The family's phone (the household number), through the outgoing queue.
    outgoing = PesanKeluar.objects.filter(jenis=Jenis.NONAKTIF)
    assert sorted(outgoing.values_list("anggota_id", flat=True)) == sorted(
        [ketut.pk, wayan.pk]
    )
    assert all("12-09-2026" in o.isi or "15-09-2026" in o.isi for o in outgoing)
    assert not any(ketut.nama in o.isi for o in outgoing)

    with frozen(TODAY):
        desa = login(operator_a)
        inbox = desa.get("/notifikasi/").content.decode()
        assert "2 peserta dinonaktifkan BPJS" in inbox
        home = desa.get("/").content.decode()
        assert "Peserta dinonaktifkan BPJS, perlu ditindaklanjuti" in home
        tasks_page = desa.get("/rekap/nonaktif/").content.decode()
        assert "I KETUT SARI" in tasks_page and "12-09-2026" in tasks_page

    # Nothing reached the other desa.
    assert not Pesan.objects.filter(desa_id=operator_b.profile.desa_id).exists()


def test_the_desa_acts_and_the_dashboard_counts_what_is_still_open(
    login, rekap, kadis, operator_a, operator_b, scene
):
    ketut, wayan, made = scene["ketut"], scene["wayan"], scene["made"]
    content = deactivation_list(
        [
            [ketut.noka, ketut.nik, ketut.nama, DEACTIVATED, ""],
            [wayan.noka, wayan.nik, wayan.nama, DEACTIVATED, ""],
            [made.noka, made.nik, made.nama, DEACTIVATED, ""],
        ]
    )
    with frozen(TODAY):
        client = login(rekap)
        upload(client, content)
        client.post("/rekap/nonaktif/terapkan/")
        task = Nonaktif.objects.get(anggota=ketut)
        desa = login(operator_a)
        desa.post(
            f"/rekap/nonaktif/{task.pk}/tindak-lanjut/",
            {"tindak_lanjut": "Diusulkan reaktivasi, alasan kronis"},
        )
        task.refresh_from_db()
        assert task.status == "selesai" and task.closed_by == operator_a
        dashboard = login(kadis).get("/laporan/").content.decode()
    table = dashboard.split('id="tabel-nonaktif"')[1].split("</table>")[0]
    desa_a, desa_b = operator_a.profile.desa, operator_b.profile.desa
    assert f'{desa_a.nama} <span class="text-muted">' in table
    row_a = table.split(desa_a.nama)[1].split("</tr>")[0]
    row_b = table.split(desa_b.nama)[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in row_a  # wayan only: ketut is done
    assert '<td class="text-end">1</td>' in row_b
    assert 'Jumlah</td><td class="text-end">2</td>' in table


def test_an_operator_of_another_desa_sees_nothing(
    login, rekap, operator_a, operator_b, scene
):
    ketut = scene["ketut"]
    with frozen(TODAY):
        client = login(rekap)
        upload(
            client, deactivation_list([[ketut.noka, "", ketut.nama, DEACTIVATED, ""]])
        )
        client.post("/rekap/nonaktif/terapkan/")
        task = Nonaktif.objects.get()
        outsider = login(operator_b)
        page = outsider.get("/rekap/nonaktif/?semua=1").content.decode()
        assert ketut.nama not in page
        assert "Peserta dinonaktifkan BPJS" not in outsider.get("/").content.decode()
        close = outsider.post(
            f"/rekap/nonaktif/{task.pk}/tindak-lanjut/", {"tindak_lanjut": "x"}
        )
        assert close.status_code == 404
        assert outsider.get("/rekap/nonaktif/unggah/").status_code == 403
        assert "dinonaktifkan" not in outsider.get("/notifikasi/").content.decode()
    task.refresh_from_db()
    assert task.status == "terbuka"


def test_numbers_as_excel_stores_them_are_recovered(login, rekap, operator_a):
    """NIK in a number cell (15 digits kept, the 16th zeroed), NOKA in a number
    cell (leading zeros dropped), the date as text."""
    desa = operator_a.profile.desa
    (anggota,) = enrol(operator_a, [person(desa, 8131, nama="NI KADEK AYU")])
    stored_nik = int(anggota.nik[:15] + "0")
    content = deactivation_list(
        [[int(anggota.noka), stored_nik, "NI KADEK AYU", "12/03/2026", ""]]
    )
    content_nik_only = deactivation_list(
        [[None, stored_nik, "NI KADEK AYU", "12/03/2026", ""]]
    )
    with frozen(TODAY):
        client = login(rekap)
        html = upload(client, content).content.decode()
        assert "<strong>1 cocok</strong>" in html
        assert "dilengkapi 13 angka" in html
        html = upload(client, content_nik_only).content.decode()
        assert "<strong>1 cocok</strong>" in html
        assert "15 digit pertama dan nama" in html
        client.post("/rekap/nonaktif/terapkan/")
    task = Nonaktif.objects.get()
    assert (task.anggota_id, task.tanggal_nonaktif) == (anggota.pk, DEACTIVATED)


def test_rows_that_could_name_a_wrong_person_are_held_back_with_the_reason(
    login, rekap, operator_a, scene
):
    desa = operator_a.profile.desa
    # Two enrolled brothers of the same name whose NIKs share the first 15 digits.
    twin1, twin2 = enrol(
        operator_a,
        [
            person(desa, 8140, nama="I PUTU EKA", birth=datetime.date(1990, 2, 3)),
            person(desa, 8141, nama="I PUTU EKA", birth=datetime.date(1990, 2, 3)),
        ],
    )
    ketut, wayan = scene["ketut"], scene["wayan"]
    content = deactivation_list(
        [
            # A number-cell NIK that fits both brothers.
            [None, int(twin1.nik[:15] + "0"), "I PUTU EKA", DEACTIVATED, ""],
            # Ketut's card with Wayan's NIK: two people.
            [ketut.noka, wayan.nik, ketut.nama, DEACTIVATED, ""],
            # Wayan's NIK under another name.
            ["", wayan.nik, "NI LUH WARDANI", DEACTIVATED, ""],
            # No date.
            [ketut.noka, ketut.nik, ketut.nama, None, ""],
        ]
    )
    with frozen(TODAY):
        client = login(rekap)
        response = upload(client, content)
    html = response.content.decode()
    preview = response.context["preview"]
    assert (len(preview.matched), len(preview.held)) == (0, 4)
    reasons = {row.number: row.reason for row in preview.held}
    assert "2 peserta cocok dengan 15 digit dan nama itu" in reasons[4]
    assert "dua orang berbeda" in reasons[5] and "I WAYAN DANA" in reasons[5]
    assert 'Nama di berkas "NI LUH WARDANI"' in reasons[6]
    assert reasons[7] == "TGL NONAKTIF kosong."
    assert "Tidak ada baris yang cocok untuk diterapkan" in html
    assert twin2.nik not in html and wayan.nik not in html  # NIKs masked


def test_the_same_file_twice_is_refused_and_a_known_deactivation_is_not_repeated(
    login, rekap, scene
):
    ketut = scene["ketut"]
    first = deactivation_list([[ketut.noka, ketut.nik, ketut.nama, DEACTIVATED, ""]])
    with frozen(TODAY):
        client = login(rekap)
        upload(client, first)
        client.post("/rekap/nonaktif/terapkan/")
        upload(client, first)
        refused = client.post("/rekap/nonaktif/terapkan/", follow=True)
        assert "sudah pernah diterapkan" in refused.content.decode()
        # Next month's list names the same deactivation again.
        second = deactivation_list(
            [[ketut.noka, ketut.nik, ketut.nama, DEACTIVATED, "masih nonaktif"]]
        )
        html = upload(client, second).content.decode()
        assert "1 sudah tercatat sebelumnya" in html
    assert Nonaktif.objects.count() == 1
    assert Pesan.objects.filter(jenis=Jenis.NONAKTIF).count() == 1


def test_a_list_without_identifiers_is_refused_with_a_message(login, rekap):
    wb = Workbook()
    wb.active.append(["NAMA PESERTA", "TGL NONAKTIF"])
    wb.active.append(["I MADE", "12-03-2026"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with frozen(TODAY):
        html = upload(login(rekap), buffer.getvalue()).content.decode()
    assert "tidak memuat kolom NOKA maupun NIK" in html


def test_the_data_subject_page_shows_the_deactivation(login, rekap, admin_user, scene):
    ketut = scene["ketut"]
    with frozen(TODAY):
        client = login(rekap)
        upload(
            client, deactivation_list([[ketut.noka, "", ketut.nama, DEACTIVATED, ""]])
        )
        client.post("/rekap/nonaktif/terapkan/")
        admin = login(admin_user)
        admin.post("/audit/subjek/", {"nik": ketut.nik})
        html = admin.get("/audit/subjek/").content.decode()
    assert "Dinonaktifkan BPJS 12-03-2026" in html
    assert "batas reaktivasi 12-09-2026" in html


def test_an_office_adds_its_own_header_spelling(login, rekap, scene):
    ketut = scene["ketut"]
    wb = Workbook()
    wb.active.append(["NO KARTU", "NAMA PESERTA", "TGL BERHENTI"])
    wb.active.append([ketut.noka, ketut.nama, "12-03-2026"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with frozen(TODAY):
        client = login(rekap)
        refused = upload(client, buffer.getvalue()).content.decode()
        assert "TGL NONAKTIF" in refused and "<strong>" not in refused
        profile = OfficeProfile.objects.get(is_active=True)
        profile.header_sinonim_nonaktif = {"tanggal": ["TGL BERHENTI"]}
        profile.full_clean()
        profile.save()
        html = upload(client, buffer.getvalue()).content.decode()
    assert "<strong>1 cocok</strong>" in html


def test_a_date_of_today_in_wita_is_not_in_the_future_while_utc_is_a_day_behind(
    login, rekap, scene
):
    ketut, wayan = scene["ketut"], scene["wayan"]
    content = deactivation_list(
        [
            [ketut.noka, ketut.nik, ketut.nama, "03-04-2026", ""],
            [wayan.noka, wayan.nik, wayan.nama, "04-04-2026", ""],
        ]
    )
    # 07:30 WITA on 3 April is 23:30 UTC on 2 April.
    with frozen(wita(2026, 4, 3, 7, 30)):
        response = upload(login(rekap), content)
    preview = response.context["preview"]
    assert [row.peserta.nama for row in preview.matched] == ["I KETUT SARI"]
    assert preview.matched[0].batas == datetime.date(2026, 10, 3)
    assert [row.reason for row in preview.held] == [
        "TGL NONAKTIF 04-04-2026 setelah hari ini."
    ]
