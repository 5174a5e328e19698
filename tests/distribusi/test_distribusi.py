"""Cards from BPJS to the citizen, as the distribution officer and the desa meet it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from distribusi.models import Kanal, Kartu, SerahTerima
from distribusi.selectors import overdue_q
from distribusi.services import (
    Penerima,
    kartu_confirm_received,
    kartu_receive_batch,
    kartu_return,
    serah_terima_create,
)
from kis_portal.jobs.models import Job
from kis_portal.workflow import InvalidTransition
from tests.clock import frozen, wita
from tests.usulan.factories import pdf_file

from .factories import enrolled_batch, enrolled_members, noka_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


@pytest.fixture
def batch(rekap, operator_a, operator_b):
    """Desa A: households of 3, 2 and 2 enrolled; desa B: one household of 2."""
    return enrolled_batch(
        rekap, [(operator_a, 3), (operator_a, 2), (operator_a, 2), (operator_b, 2)]
    )


@pytest.fixture
def received(batch, distribusi) -> list[Kartu]:
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    return list(Kartu.objects.order_by("pk"))


def hand_over(distribusi, cards, desa, **extra) -> SerahTerima:
    return serah_terima_create(
        kartu_ids=[c.pk for c in cards],
        kanal=Kanal.DESA,
        desa=desa,
        penerima=Penerima(nama="I Made Sukra", jabatan="Kasi Kesra"),
        by=distribusi,
        **extra,
    )


def png_upload(name="foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- Receiving -------------------------------------------------------------------------


def test_scanned_nokas_are_received_and_bad_lines_reported_at_once(
    login, batch, distribusi, desa_a
):
    first, second = enrolled_members(batch, desa_a)[:2]
    text = "\n".join(
        [
            noka_for(first),
            f" {noka_for(second)[:4]} {noka_for(second)[4:]} ",  # spaces from a typist
            noka_for(first),  # scanned twice
            "0009999999999",  # nobody enrolled has it
            "12345",  # not a NOKA
            "",
        ]
    )
    client = login(distribusi)
    page = client.post(
        "/distribusi/terima/",
        {"noka": text, "tanggal": timezone.localdate().isoformat()},
    ).content.decode()
    assert "2 kartu dicatat diterima" in page
    assert "Ganda dalam isian" in page and noka_for(first) in page
    assert "Tidak dikenal" in page and "0009999999999" in page
    assert "Bukan NOKA 13 angka: 12345" in page
    # The lines to fix stay in the field; the received ones are gone from it.
    field = page.split('name="noka"')[1].split("</textarea>")[0]
    assert "0009999999999" in field and "12345" in field
    assert noka_for(first) not in field
    assert set(Kartu.objects.values_list("anggota_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    card = Kartu.objects.get(anggota=first)
    assert (card.status, card.batch_id, card.desa_id) == (
        Kartu.Status.DITERIMA_DINSOS,
        batch.pk,
        desa_a.pk,
    )

    again = client.post(
        "/distribusi/terima/",
        {"noka": noka_for(first), "tanggal": timezone.localdate().isoformat()},
    ).content.decode()
    assert "Sudah tercatat sebelumnya" in again
    assert Kartu.objects.count() == 2


def test_a_future_date_is_refused_and_nothing_is_received(login, batch, distribusi):
    member = enrolled_members(batch)[0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = (
        login(distribusi)
        .post(
            "/distribusi/terima/",
            {"noka": noka_for(member), "tanggal": tomorrow.isoformat()},
        )
        .content.decode()
    )
    assert "Tanggal tidak boleh di masa depan" in page
    assert not Kartu.objects.exists()


def test_all_cards_of_a_batch_at_once_then_nothing_is_left(login, batch, distribusi):
    client = login(distribusi)
    page = client.get("/distribusi/terima/").content.decode()
    assert "Terima semua 9 kartu" in page
    response = client.post(
        "/distribusi/terima/rekap/",
        {"periode": batch.periode, "tanggal": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "9 kartu rekap 2026-11 dicatat diterima" in response.content.decode()
    assert Kartu.objects.filter(status=Kartu.Status.DITERIMA_DINSOS).count() == 9
    again = client.post(
        "/distribusi/terima/rekap/",
        {"periode": batch.periode, "tanggal": timezone.localdate().isoformat()},
        follow=True,
    ).content.decode()
    assert "sudah dicatat" in again and Kartu.objects.count() == 9


# --- Transitions -------------------------------------------------------------------------


def test_no_skipping_and_no_way_back(received, distribusi, operator_a):
    card = received[0]
    with pytest.raises(InvalidTransition):
        kartu_confirm_received(
            kartu_id=card.pk, tanggal=timezone.localdate(), by=distribusi
        )
    card.refresh_from_db()
    assert card.status == Kartu.Status.DITERIMA_DINSOS and card.warga_tanggal is None

    hand_over(distribusi, [card], card.desa)
    kartu_confirm_received(
        kartu_id=card.pk, tanggal=timezone.localdate(), by=operator_a
    )
    with pytest.raises(InvalidTransition):
        kartu_return(kartu_id=card.pk, alasan="pindah", by=distribusi)
    card.refresh_from_db()
    assert card.status == Kartu.Status.DITERIMA_WARGA

    returned = received[1]
    kartu_return(kartu_id=returned.pk, alasan="Meninggal dunia", by=distribusi)
    with pytest.raises(ValidationError):
        hand_over(distribusi, [returned], returned.desa)
    returned.refresh_from_db()
    assert returned.status == Kartu.Status.DIKEMBALIKAN
    assert returned.serah_terima_id is None


def test_one_card_is_never_handed_over_twice_and_numbers_stay_gap_free(
    received, distribusi, desa_a
):
    cards = [c for c in received if c.desa_id == desa_a.pk]
    first = hand_over(distribusi, cards[:2], desa_a)
    with pytest.raises(ValidationError, match="sudah diserahkan"):
        hand_over(distribusi, cards[1:3], desa_a)
    assert Kartu.objects.get(pk=cards[2].pk).status == Kartu.Status.DITERIMA_DINSOS
    second = hand_over(distribusi, cards[2:3], desa_a)
    year, month = timezone.localdate().year, timezone.localdate().month
    assert first.nomor == f"TT/{year}/{month:02d}/0001"
    assert second.nomor == f"TT/{year}/{month:02d}/0002"


def test_cards_of_another_desa_cannot_go_on_a_desa_receipt(
    received, distribusi, desa_a, desa_b
):
    other = next(c for c in received if c.desa_id == desa_b.pk)
    with pytest.raises(ValidationError, match="harus milik"):
        hand_over(distribusi, [other], desa_a)
    assert not SerahTerima.objects.exists()


# --- Hand-over to a desa and the printed receipt ---------------------------------------


def test_hand_over_to_desa_prints_a_numbered_receipt_with_masked_niks(
    login, received, distribusi, desa_a
):
    client = login(distribusi)
    chooser = client.get("/distribusi/serah-terima/baru/").content.decode()
    assert desa_a.nama in chooser
    form = client.get(f"/distribusi/serah-terima/baru/?desa={desa_a.pk}")
    page = form.content.decode()
    cards = [c for c in received if c.desa_id == desa_a.pk]
    assert page.count('name="kartu"') == len(cards) == 7
    assert page.count(" checked") >= 7  # all ready cards are chosen by default
    token = page.split('name="token" value="')[1].split('"')[0]
    data = {
        "desa": desa_a.pk,
        "kartu": [c.pk for c in cards],
        "penerima_nama": "I Made Sukra",
        "penerima_jabatan": "Kasi Kesejahteraan",
        "penerima_telepon": "+62 812-3456-7890",
        "token": token,
    }
    response = client.post("/distribusi/serah-terima/baru/", data)
    serah = SerahTerima.objects.get()
    assert response.url == serah.get_absolute_url()
    # A double click on the button: the same receipt, nothing handed over twice.
    again = client.post("/distribusi/serah-terima/baru/", data)
    assert again.url == serah.get_absolute_url() and SerahTerima.objects.count() == 1
    assert serah.penerima_telepon == "081234567890" and serah.jumlah == 7
    assert set(serah.kartu_set.values_list("status", flat=True)) == {"diserahkan"}

    detail = client.get(serah.get_absolute_url()).content.decode()
    assert "Belum ditandatangani" in detail

    response = client.get(f"/distribusi/serah-terima/{serah.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    for card in cards:
        assert card.noka in text
        nik = card.anggota.nik
        assert nik not in text and f"{nik[:4]}********{nik[-4:]}" in text
    assert serah.nomor in text and "7 kartu" in text
    assert "TIDAK DIPUNGUT BIAYA" in text and "I Made Sukra" in text


def test_signed_scan_is_checked_by_content_and_marks_the_receipt_signed(
    login, received, distribusi, desa_a
):
    serah = hand_over(distribusi, [received[0]], desa_a)
    client = login(distribusi)
    fake = SimpleUploadedFile("ttd.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    page = client.post(
        f"/distribusi/serah-terima/{serah.pk}/scan/", {"scan": fake}, follow=True
    ).content.decode()
    assert "Jenis berkas tidak diterima" in page
    assert not SerahTerima.objects.get().ditandatangani
    unsigned = client.get("/distribusi/serah-terima/?ditandatangani=tidak")
    assert serah.nomor in unsigned.content.decode()

    client.post(f"/distribusi/serah-terima/{serah.pk}/scan/", {"scan": pdf_file()})
    serah.refresh_from_db()
    assert serah.ditandatangani and serah.scan_uploaded_by == distribusi
    scan = client.get(f"/distribusi/serah-terima/{serah.pk}/scan/?lihat=1")
    assert scan.status_code == 200
    assert b"".join(scan.streaming_content).startswith(b"%PDF")
    assert "Sudah diunggah" in client.get(serah.get_absolute_url()).content.decode()


# --- Other channels ----------------------------------------------------------------------


def test_other_channels_and_the_citizen_at_the_office_get_an_individual_receipt(
    login, received, distribusi, operator_a
):
    client = login(distribusi)
    pkh_card, own_card = received[0], received[1]
    response = client.post(
        f"/distribusi/kartu/{pkh_card.pk}/serahkan/",
        {
            "kanal": "pkh",
            "penerima_nama": "Ni Luh Sari",
            "penerima_jabatan": "Pendamping PKH",
        },
    )
    pkh = SerahTerima.objects.get(kanal=Kanal.PKH)
    assert response.url == pkh.get_absolute_url() and pkh.jumlah == 1
    pkh_card.refresh_from_db()
    assert pkh_card.status == Kartu.Status.DISERAHKAN
    # The PKH companion delivers it: it does not wait at the desa office.
    assert pkh_card.desa == operator_a.profile.desa
    desa_page = login(operator_a).get("/distribusi/desa/").content.decode()
    assert pkh_card.noka not in desa_page
    client = login(distribusi)
    client.post(
        f"/distribusi/kartu/{pkh_card.pk}/diterima/",
        {"tanggal": timezone.localdate().isoformat()},
    )
    assert Kartu.objects.get(pk=pkh_card.pk).status == Kartu.Status.DITERIMA_WARGA

    client.post(
        f"/distribusi/kartu/{own_card.pk}/serahkan/",
        {"kanal": "kantor", "penerima_nama": own_card.anggota.nama},
    )
    own_card.refresh_from_db()
    assert own_card.status == Kartu.Status.DITERIMA_WARGA
    receipt = own_card.serah_terima
    text = pdf_text(client.get(f"/distribusi/serah-terima/{receipt.pk}/pdf/").content)
    assert own_card.noka in text and "Diambil warga di kantor dinas" in text
    history = client.get(own_card.get_absolute_url()).content.decode()
    assert "Diserahkan ke desa/penyalur" in history and "Diterima warga" in history


# --- The desa side ----------------------------------------------------------------------


def test_desa_confirms_citizens_received_their_cards_with_an_optional_photo(
    login, received, distribusi, operator_a, desa_a
):
    cards = [c for c in received if c.desa_id == desa_a.pk]
    hand_over(distribusi, cards[:3], desa_a)
    client = login(operator_a)
    home = client.get("/").content.decode()
    assert "Kartu di desa, belum dikonfirmasi diterima warga" in home
    page = client.get("/distribusi/desa/").content.decode()
    assert all(c.anggota.nama in page for c in cards[:3])
    assert "Di desa, belum diterima warga: 3" in page
    assert "Masih di kantor Dinsos: 4" in page

    today = timezone.localdate().isoformat()
    client.post(
        f"/distribusi/kartu/{cards[0].pk}/diterima/",
        {"tanggal": today, "foto": png_upload(), "next": "desa"},
    )
    client.post(
        f"/distribusi/kartu/{cards[1].pk}/diterima/", {"tanggal": today, "next": "desa"}
    )
    first = Kartu.objects.get(pk=cards[0].pk)
    assert first.status == Kartu.Status.DITERIMA_WARGA and first.warga_foto
    assert first.warga_dikonfirmasi_oleh == operator_a
    assert Kartu.objects.get(pk=cards[1].pk).status == Kartu.Status.DITERIMA_WARGA
    photo = client.get(f"/distribusi/kartu/{cards[0].pk}/foto/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8")

    not_image = client.post(
        f"/distribusi/kartu/{cards[2].pk}/diterima/",
        {"tanggal": today, "foto": pdf_file(), "next": "desa"},
        follow=True,
    ).content.decode()
    assert "Jenis berkas tidak diterima" in not_image
    assert Kartu.objects.get(pk=cards[2].pk).status == Kartu.Status.DISERAHKAN

    response = client.post(
        f"/distribusi/kartu/{cards[2].pk}/kembalikan/", {"alasan": ""}
    )
    assert "Alasan" in response.content.decode()
    client.post(
        f"/distribusi/kartu/{cards[2].pk}/kembalikan/",
        {"alasan": "Pindah ke Denpasar"},
    )
    returned = Kartu.objects.get(pk=cards[2].pk)
    assert (returned.status, returned.kembali_alasan) == (
        Kartu.Status.DIKEMBALIKAN,
        "Pindah ke Denpasar",
    )


def test_a_desa_operator_sees_nothing_of_another_desa(
    login, received, distribusi, operator_a, operator_b, desa_a, desa_b
):
    card_a = next(c for c in received if c.desa_id == desa_a.pk)
    card_b = next(c for c in received if c.desa_id == desa_b.pk)
    serah = hand_over(distribusi, [card_a], desa_a)
    client = login(distribusi)
    client.post(f"/distribusi/serah-terima/{serah.pk}/scan/", {"scan": pdf_file()})
    kartu_confirm_received(
        kartu_id=card_a.pk,
        tanggal=timezone.localdate(),
        by=operator_a,
        foto=None,
    )
    client = login(operator_b)
    for url in [
        f"/distribusi/kartu/{card_a.pk}/",
        f"/distribusi/kartu/{card_a.pk}/foto/",
        f"/distribusi/kartu/{card_a.pk}/kembalikan/",
        f"/distribusi/serah-terima/{serah.pk}/",
        f"/distribusi/serah-terima/{serah.pk}/pdf/",
        f"/distribusi/serah-terima/{serah.pk}/scan/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert card_a.anggota.nama.encode() not in response.content
    for url in [
        f"/distribusi/kartu/{card_a.pk}/diterima/",
        f"/distribusi/kartu/{card_a.pk}/kembalikan/",
    ]:
        assert (
            client.post(url, {"tanggal": "2026-01-01", "alasan": "x"}).status_code
            == 404
        )
    listing = client.get("/distribusi/").content.decode()
    assert card_b.noka in listing and card_a.noka not in listing
    assert card_a.noka not in client.get("/distribusi/serah-terima/").content.decode()
    # Staff-only screens stay closed to the desa.
    assert client.get("/distribusi/terima/").status_code == 403
    assert client.get("/distribusi/serah-terima/baru/").status_code == 403
    assert client.post(f"/distribusi/kartu/{card_b.pk}/serahkan/").status_code == 403

    # Its own desa's receipt is open to operator A.
    client = login(operator_a)
    assert client.get(f"/distribusi/serah-terima/{serah.pk}/pdf/").status_code == 200


@pytest.mark.parametrize("persona", ["verifikator", "loket", "lapangan"])
def test_other_roles_are_refused(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/distribusi/").status_code == 403
    assert client.get("/distribusi/terima/").status_code == 403


# --- Tracking ---------------------------------------------------------------------------


def test_cards_left_at_the_office_too_long_are_flagged(
    login, received, distribusi, settings
):
    settings.KIS_KARTU_BATAS_HARI = 14
    old = received[0]
    Kartu.objects.filter(pk=old.pk).update(
        diterima_tanggal=timezone.localdate() - datetime.timedelta(days=15)
    )
    client = login(distribusi)
    late = client.get("/distribusi/?terlambat=true").content.decode()
    assert old.noka in late and received[1].noka not in late
    assert "Terlambat diserahkan: 1" in late
    home = client.get("/").content.decode()
    assert "Kartu terlambat diserahkan" in home
    summary = client.get("/distribusi/ringkasan/").content.decode()
    assert "Per desa/kelurahan" in summary and "2026-11" in summary


def test_a_card_turns_late_at_midnight_wita_while_utc_is_still_the_day_before(
    received, settings
):
    """At 00:30 WITA on 1 March (28 Feb in UTC), a card received on 15 Feb is 14 days old."""
    settings.KIS_KARTU_BATAS_HARI = 14
    first, second = received[0], received[1]
    Kartu.objects.filter(pk=first.pk).update(
        diterima_tanggal=datetime.date(2027, 2, 15)
    )
    Kartu.objects.filter(pk=second.pk).update(
        diterima_tanggal=datetime.date(2027, 2, 16)
    )
    with frozen(wita(2027, 3, 1, 0, 30)):
        late = Kartu.objects.filter(overdue_q(), pk__in=[first.pk, second.pk])
        assert list(late) == [first]


def test_the_filtered_list_exports_to_xlsx_in_the_background(
    login, received, distribusi, desa_a
):
    hand_over(distribusi, [c for c in received if c.desa_id == desa_a.pk][:2], desa_a)
    client = login(distribusi)
    response = client.post("/distribusi/ekspor/", {"status": "diserahkan", "page": "3"})
    job = Job.objects.get(kind="kartu_export")
    assert response.url == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and job.params == {
        "filters": {"status": "diserahkan"}
    }
    with job.result_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    rows = list(workbook["Kartu"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and all(r[6] == "Diserahkan ke desa/penyalur" for r in rows)
    assert all("*" in r[1] for r in rows)  # NIK masked
    assert workbook["Kartu"]["A2"].data_type == "s"  # NOKA kept as text
    per_desa = list(workbook["Per desa"].iter_rows(min_row=2, values_only=True))
    assert per_desa[0][1] == desa_a.nama and per_desa[0][2] == 2


def test_list_page_uses_a_bounded_number_of_queries(
    login, received, distribusi, django_assert_max_num_queries
):
    client = login(distribusi)
    with django_assert_max_num_queries(12):
        assert client.get("/distribusi/").status_code == 200


def test_the_receipt_list_exports_with_its_filter_and_the_desa_gets_only_its_own(
    login, received, distribusi, operator_b, desa_a, desa_b
):
    hand_over(distribusi, [c for c in received if c.desa_id == desa_a.pk][:2], desa_a)
    hand_over(distribusi, [c for c in received if c.desa_id == desa_b.pk][:1], desa_b)
    login(distribusi).post("/distribusi/serah-terima/ekspor/", {"desa": desa_a.pk})
    login(operator_b).post("/distribusi/serah-terima/ekspor/", {})
    staff_job, desa_job = Job.objects.filter(kind="serah_terima_export").order_by("pk")
    for job, desa, count in ((staff_job, desa_a, 2), (desa_job, desa_b, 1)):
        assert job.status == Job.Status.SUCCEEDED
        with job.result_file.open("rb") as handle:
            rows = list(
                load_workbook(io.BytesIO(handle.read())).active.iter_rows(
                    min_row=2, values_only=True
                )
            )
        assert len(rows) == 1
        assert rows[0][3] == desa.nama and rows[0][6] == count and rows[0][7] == "Belum"


def test_the_usulan_page_says_where_each_members_card_is(
    login, operator_a, distribusi, received, desa_a
):
    """distribusi's line on the usulan page comes through usulan's registry."""
    card = next(c for c in received if c.desa_id == desa_a.pk)
    household = card.anggota.usulan
    others = list(household.anggota_set.exclude(pk=card.anggota_id))
    Kartu.objects.filter(anggota__in=others).delete()  # not arrived from BPJS yet
    hand_over(distribusi, [card], desa_a)
    html = login(operator_a).get(household.get_absolute_url()).content.decode()
    assert "Kartu: Diserahkan" in html
    assert html.count("Kartu belum diterima dari BPJS") == len(others)
