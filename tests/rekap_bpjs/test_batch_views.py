"""The batch screen as staf rekap, kadis and others meet it."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from kis_portal.jobs.models import Job
from kis_portal.offices.models import OfficeProfile
from kis_portal.staging.models import StagedFile
from rekap_bpjs import views as rekap_views
from rekap_bpjs.models import Batch, BatchItem
from tests.clock import frozen
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Usulan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=3)


def test_rekap_builds_previews_adjusts_and_locks(login, rekap, operator_a):
    first = ready_household(operator_a, size=2, minutes=1)
    second = ready_household(operator_a, size=2, minutes=2)
    client = login(rekap)
    response = client.post("/rekap/susun/", {"periode": "2026-11"})
    job = Job.objects.get(kind="batch_build")  # run at once here
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert "Rekap 2026-11 disusun: 2 orang masuk, 2 menunggu." in job.message
    page = client.get("/rekap/2026-11/").content.decode()
    assert "Kuota penuh" in page and first.nomor in page and second.nomor in page
    assert "kuota 3 orang" in page

    item = BatchItem.objects.filter(diambil=True).first()
    client.post(
        f"/rekap/2026-11/anggota/{item.pk}/",
        {"ambil": "0", "alasan": "Meninggal dunia"},
    )
    item.refresh_from_db()
    assert (item.diambil, item.alasan) == (False, "Meninggal dunia")

    confirm = client.get("/rekap/2026-11/kunci/").content.decode()
    assert "Kunci rekap 2026-11?" in confirm
    client.post("/rekap/2026-11/kunci/")
    assert Batch.objects.get().status == Batch.Status.TERKUNCI
    locked_page = client.get("/rekap/2026-11/").content.decode()
    assert "Keluarkan" not in locked_page and "Impor hasil BPJS" in locked_page
    nomor = Batch.objects.get().nomor_surat
    assert nomor and f"surat pengantar nomor {nomor}" in locked_page


def test_a_batch_without_a_quota_says_so_once(login, rekap, operator_a):
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=None)
    ready_household(operator_a)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    page = " ".join(client.get("/rekap/2026-11/").content.decode().split())
    assert "kuota tidak dibatasi" in page and "kuota tanpa kuota" not in page


def test_removing_needs_a_reason(login, rekap, operator_a):
    ready_household(operator_a)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    item = BatchItem.objects.get()
    response = client.post(
        f"/rekap/2026-11/anggota/{item.pk}/", {"ambil": "0", "alasan": ""}, follow=True
    )
    assert "Alasan wajib diisi" in response.content.decode()
    assert BatchItem.objects.get().diambil is True


def test_a_bad_period_is_refused_with_a_message(login, rekap):
    response = login(rekap).post("/rekap/susun/", {"periode": "11-2026"}, follow=True)
    assert "Periode harus berbentuk YYYY-MM" in response.content.decode()
    assert not Batch.objects.exists()


def test_kadis_reads_but_cannot_change(login, kadis, rekap, operator_a):
    ready_household(operator_a)
    login(rekap).post("/rekap/susun/", {"periode": "2026-11"})
    client = login(kadis)
    assert client.get("/rekap/").status_code == 200
    assert client.get("/rekap/2026-11/").status_code == 200
    assert client.post("/rekap/susun/", {"periode": "2026-12"}).status_code == 403
    assert client.post("/rekap/2026-11/kunci/").status_code == 403
    assert Batch.objects.get().status == Batch.Status.DRAFT


@pytest.mark.parametrize(
    "persona", ["operator_a", "verifikator", "distribusi", "loket"]
)
def test_other_roles_are_refused(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/rekap/").status_code == 403


def test_state_changes_need_post(login, rekap):
    client = login(rekap)
    assert client.get("/rekap/susun/").status_code == 405
    assert client.get("/rekap/2026-11/ekspor/").status_code in (404, 405)


def test_the_batch_page_uses_a_bounded_number_of_queries(
    login, rekap, operator_a, django_assert_max_num_queries
):
    for minute in range(20):
        ready_household(operator_a, minutes=minute)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    with django_assert_max_num_queries(16):
        assert client.get("/rekap/2026-11/").status_code == 200


def test_reconciliation_and_payment_screens_start_their_jobs(login, rekap):
    wb = Workbook()
    wb.active.append(["NOKA", "NIK", "NAMA", "STATUS", "SEGMEN"])
    wb.active.append(
        ["0001261832477", "5108061205800001", "I MADE UJI", "AKTIF", "PBI APBD"]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "aktif.xlsx"
    client = login(rekap)
    response = client.post("/rekap/rekonsiliasi/", {"berkas": buffer})
    job = Job.objects.get(kind="recon_diff")
    assert response.url == job.get_absolute_url() and job.status == Job.Status.SUCCEEDED
    response = client.post("/rekap/rekomendasi-pembayaran/", {"periode": "2026-11"})
    assert Job.objects.get(kind="payment_recommendation").status == Job.Status.SUCCEEDED
    client.post(
        "/rekap/rekomendasi-pembayaran/", {"periode": "2026-11", "lampiran": "1"}
    )
    assert Job.objects.get(kind="payment_annex").result_name.endswith(".xlsx")


def result_xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["HASIL VERIFIKASI PENDAFTARAN PBPU PEMDA"])
    ws.append(["NIK", "NO KARTU", "STATUS", "KETERANGAN", "TMT"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "hasil.xlsx"
    return buffer


def test_rekap_previews_and_applies_a_result_and_desa_sees_the_failure(
    login, rekap, operator_a, operator_b
):

    ok = ready_household(operator_a, minutes=1)
    bad = ready_household(operator_a, minutes=2)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    client.post("/rekap/2026-11/kunci/")
    good_nik = ok.anggota_set.get().nik
    bad_nik = bad.anggota_set.get().nik
    upload = result_xlsx(
        [
            [good_nik, "0001261832477", "BERHASIL", "", "01-12-2026"],
            [bad_nik, "", "GAGAL", "NIK tidak padan di Dukcapil", ""],
            ["5108069999990001", "", "GAGAL", "tidak dikenal", ""],
        ]
    )
    page = client.post("/rekap/2026-11/hasil/", {"berkas": upload}).content.decode()
    assert "Terdaftar: 1" in page and "Gagal: 1" in page and "Tidak cocok: 1" in page
    response = client.post("/rekap/2026-11/hasil/terapkan/")
    job = Job.objects.get(kind="bpjs_result_apply")
    assert response.url == job.get_absolute_url() and job.status == Job.Status.SUCCEEDED
    assert "Terdaftar 1, gagal 1" in job.message
    assert not StagedFile.objects.exists()  # the previewed file is gone once applied
    assert Usulan.objects.get(pk=ok.pk).status == Usulan.Status.TERDAFTAR
    assert Usulan.objects.get(pk=bad.pk).status == Usulan.Status.GAGAL_BPJS
    assert ok.anggota_set.get().noka == "0001261832477"

    desa_page = login(operator_a).get(bad.get_absolute_url()).content.decode()
    assert "NIK tidak padan di Dukcapil" in desa_page
    assert login(operator_b).get(bad.get_absolute_url()).status_code == 404

    client = login(rekap)
    again = client.post("/rekap/2026-11/hasil/terapkan/", follow=True).content.decode()
    assert "sudah diproses" in again


def test_a_result_previewed_and_never_applied_is_gone_after_its_expiry(
    login, rekap, operator_a, settings
):
    settings.KIS_STAGING_JAM = 3
    sent = ready_household(operator_a, minutes=1)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    client.post("/rekap/2026-11/kunci/")
    nik = sent.anggota_set.get().nik
    upload = result_xlsx([[nik, "0001261832477", "BERHASIL", "", "01-12-2026"]])
    content = upload.getvalue()
    client.post("/rekap/2026-11/hasil/", {"berkas": upload})
    upload.seek(0)
    client.post("/rekap/2026-11/hasil/", {"berkas": upload})  # previewed twice
    media = Path(settings.MEDIA_ROOT)

    def held() -> list[Path]:
        return [
            p for p in media.rglob("*") if p.is_file() and p.read_bytes() == content
        ]

    # The second preview replaced the first: one copy, under a random name.
    (path,) = held()
    assert path.parent == media / "staging" and nik not in path.name
    call_command("purge_staging", stdout=io.StringIO())
    assert held() == [path]  # not expired yet

    with frozen(timezone.now() + datetime.timedelta(hours=3, minutes=1)):
        call_command("purge_staging", stdout=io.StringIO())

    assert held() == [] and not StagedFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_rekap_closes_a_batch_after_its_result_with_a_reason_for_the_unanswered(
    login, rekap, operator_a
):
    answered = ready_household(operator_a, minutes=1)
    ready_household(operator_a, minutes=2)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    assert (
        "hanya rekap yang sudah menerima hasil"
        in client.get("/rekap/2026-11/tutup/").content.decode()
    )
    client.post("/rekap/2026-11/kunci/")
    client.post("/rekap/2026-11/tutup/")
    assert Batch.objects.get().status == Batch.Status.TERKUNCI

    nik = answered.anggota_set.get().nik
    client.post(
        "/rekap/2026-11/hasil/",
        {"berkas": result_xlsx([[nik, "0001261832477", "BERHASIL", "", ""]])},
    )
    client.post("/rekap/2026-11/hasil/terapkan/")
    assert Batch.objects.get().status == Batch.Status.HASIL
    assert "Tutup rekap" in client.get("/rekap/2026-11/").content.decode()

    confirm = client.get("/rekap/2026-11/tutup/").content.decode()
    assert "1 anggota belum ada hasil dari BPJS" in confirm
    refused = client.post("/rekap/2026-11/tutup/", {"alasan": " "}).content.decode()
    assert "tuliskan alasan menutup rekap" in refused
    assert Batch.objects.get().status == Batch.Status.HASIL

    client.post("/rekap/2026-11/tutup/", {"alasan": "BPJS tidak menjawab 1 orang"})
    assert Batch.objects.get().status == Batch.Status.DITUTUP
    page = client.get("/rekap/2026-11/").content.decode()
    assert "Impor hasil BPJS" not in page and "BPJS tidak menjawab 1 orang" in page
    refused = client.get("/rekap/2026-11/hasil/", follow=True).content.decode()
    assert "hasil belum dapat diimpor" in refused


def test_a_long_result_preview_lists_the_first_enrolled_rows_and_counts_all(
    login, rekap, operator_a, monkeypatch
):
    monkeypatch.setattr(rekap_views, "PREVIEW_ROWS", 2)
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=None)
    homes = [ready_household(operator_a, minutes=m) for m in (1, 2, 3, 4)]
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    client.post("/rekap/2026-11/kunci/")
    niks = [home.anggota_set.get().nik for home in homes]
    rows = [
        [nik, f"000126183247{i}", "BERHASIL", "", "01-12-2026"]
        for i, nik in enumerate(niks[:3])
    ]
    rows.append([niks[3], "", "GAGAL", "NIK tidak padan", ""])
    page = client.post(
        "/rekap/2026-11/hasil/", {"berkas": result_xlsx(rows)}
    ).content.decode()
    assert "Terdaftar: 3" in page and "Gagal: 1" in page
    assert "Ditampilkan 2 baris pertama dari 3; semuanya ikut diterapkan." in page
    assert page.count("0001261832470") + page.count("0001261832471") == 2
    assert "0001261832472" not in page  # the third enrolled row is counted, not listed
    assert "NIK tidak padan" in page  # failed rows are always listed
    client.post("/rekap/2026-11/hasil/terapkan/")
    assert Usulan.objects.filter(status=Usulan.Status.TERDAFTAR).count() == 3
