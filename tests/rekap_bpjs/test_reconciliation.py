"""Reconciliation with BPJS's active list, and the payment recommendation."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

import rekap_bpjs.jobs_recon  # noqa: F401  (registers the job kinds)
from kis_portal.jobs.models import Job
from kis_portal.jobs.services import job_start
from kis_portal.staging.models import StagedFile
from rekap_bpjs.jobs_recon import save_recon_upload
from rekap_bpjs.payment import enrolled_per_month, recommendation, rupiah
from rekap_bpjs.reconciliation import (
    PINDAH_SEGMEN,
    TIDAK_ADA_DI_BPJS,
    TIDAK_AKTIF,
    TIDAK_DIKENAL,
    ReconFileError,
    differences_workbook,
    parse_active_list,
    reconcile,
)
from tests.usulan.factories import make_usulan, member
from usulan.models import Anggota

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "5108019999990001"
UNKNOWN_NOKA = "0009999999999"


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def enrol(operator, count: int, *, tmt=datetime.date(2026, 11, 1)) -> list[Anggota]:
    """`count` members enrolled through the portal, NOKA 00011111111NN."""
    desa = operator.profile.desa
    people = [
        member(desa, birth=datetime.date(1970 + i, 1, 1 + i)) for i in range(count)
    ]
    usulan = make_usulan(operator, members=people)
    enrolled = list(usulan.anggota_set.order_by("pk"))
    for index, anggota in enumerate(enrolled):
        noka = f"0001111{usulan.pk:04d}{index:02d}"
        Anggota.objects.filter(pk=anggota.pk).update(
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR, noka=noka, tmt=tmt
        )
        anggota.noka = noka
    return enrolled


def active_list(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["DAFTAR PESERTA AKTIF SEGMEN PBPU PEMDA"])
    ws.append(["Posisi data: 1 November 2026"])
    ws.append([])
    ws.append(["NO", "NO KARTU", "NIK", "NAMA PESERTA", "STATUS", "SEGMEN"])
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scenario(operator_a):
    """One match, one inactive there, one moved segment, one missing, one unknown."""
    cocok, nonaktif, pindah, hilang = enrol(operator_a, 4)
    content = active_list(
        [
            [cocok.noka, cocok.nik, cocok.nama, "AKTIF", "PBPU PEMDA"],
            # No NOKA there: matched by NIK.
            ["", nonaktif.nik, nonaktif.nama, "TIDAK AKTIF", "PBPU PEMDA"],
            [pindah.noka, pindah.nik, pindah.nama, "AKTIF", "PBI APBN"],
            [UNKNOWN_NOKA, UNKNOWN_NIK, "I KETUT ASING", "AKTIF", "PBI APBD"],
            ["0002222222222", "5108010101010002", "NI MADE LAIN", "AKTIF", "PPU"],
        ]
    )
    return {
        "content": content,
        "cocok": cocok,
        "nonaktif": nonaktif,
        "pindah": pindah,
        "hilang": hilang,
    }


def test_reconcile_sorts_each_difference_into_its_category(scenario):
    rows = parse_active_list(scenario["content"])
    assert len(rows) == 5
    rec = reconcile(rows)
    assert rec.counts() == {
        TIDAK_AKTIF: 1,
        PINDAH_SEGMEN: 1,
        TIDAK_ADA_DI_BPJS: 1,
        TIDAK_DIKENAL: 1,
    }
    assert rec.cocok == 1
    assert rec.diabaikan == 1  # active in another segment, unknown here
    assert rec.differences[TIDAK_AKTIF][0].anggota_id == scenario["nonaktif"].pk
    moved = rec.differences[PINDAH_SEGMEN][0]
    assert moved.anggota_id == scenario["pindah"].pk
    assert moved.segmen_bpjs == "PBI APBN"
    missing = rec.differences[TIDAK_ADA_DI_BPJS][0]
    assert missing.anggota_id == scenario["hilang"].pk
    assert missing.desa == scenario["hilang"].usulan.desa.nama
    unknown = rec.differences[TIDAK_DIKENAL][0]
    assert (unknown.noka, unknown.anggota_id) == (UNKNOWN_NOKA, None)
    assert unknown.nik_masked == "5108********0001"


def test_differences_workbook_has_a_sheet_per_category_and_masks_niks(scenario):
    rec = reconcile(parse_active_list(scenario["content"]))
    wb = load_workbook(io.BytesIO(differences_workbook(rec)))
    assert wb.sheetnames == [
        "Ringkasan",
        "Tidak aktif",
        "Pindah segmen",
        "Tidak ada di BPJS",
        "Tidak dikenal",
    ]
    values = [
        str(value)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    text = " ".join(values)
    for person in ("nonaktif", "pindah", "hilang"):
        nik = scenario[person].nik
        assert nik not in text
        assert f"{nik[:4]}********{nik[-4:]}" in values
    assert UNKNOWN_NIK not in text
    moved = list(wb["Pindah segmen"].iter_rows(min_row=2, values_only=True))
    assert moved[0][1] == scenario["pindah"].noka
    assert moved[0][7] == "PBI APBN"


def test_csv_with_semicolons_in_cp1252_is_read():
    content = (
        "Daftar peserta aktif\nNOKA;NIK;NAMA;STATUS;SEGMEN\n"
        "'0001234567890;5108 0101 0101 0001;I GEDE RÉSA;AKTIF;PBI APBD\n"
    ).encode("cp1252")
    (row,) = parse_active_list(content)
    assert (row.noka, row.nik, row.nama) == (
        "0001234567890",
        "5108010101010001",
        "I GEDE RÉSA",
    )
    assert row.aktif


@pytest.mark.parametrize(
    "header, missing",
    [
        (["NO KARTU", "NAMA", "STATUS"], "NIK"),
        (["NIK", "NAMA", "STATUS"], "NOKA"),
    ],
)
def test_a_list_without_nik_or_noka_is_refused_clearly(header, missing):
    wb = Workbook()
    wb.active.append(header)
    wb.active.append(["0001234567890" if h != "NAMA" else "X" for h in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ReconFileError) as caught:
        parse_active_list(buffer.getvalue())
    assert caught.value.message.startswith("Kolom wajib tidak ditemukan")
    assert missing in caught.value.message


def test_other_files_are_refused():
    with pytest.raises(ReconFileError):
        parse_active_list(b"%PDF-1.4")
    with pytest.raises(ReconFileError):
        parse_active_list(b"not a zip")


def test_recon_job_saves_the_differences_and_deletes_the_upload(scenario, rekap):
    token = save_recon_upload(
        SimpleUploadedFile("aktif.xlsx", scenario["content"]), by=rekap
    )
    staged = StagedFile.objects.get()
    assert staged.owner == rekap and default_storage.exists(staged.file.name)
    job = job_start(
        kind="recon_diff", by=rekap, params={"token": token, "filename": "aktif.xlsx"}
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "Tidak aktif 1" in job.message and "Tidak dikenal 1" in job.message
    assert not default_storage.exists(staged.file.name)
    assert not StagedFile.objects.exists()
    with job.result_file.open("rb") as handle:
        wb = load_workbook(io.BytesIO(handle.read()))
    assert "Ringkasan" in wb.sheetnames


def test_recon_job_reports_a_bad_file_and_deletes_it(rekap):
    token = save_recon_upload(SimpleUploadedFile("aktif.csv", b"a;b\n1;2\n"), by=rekap)
    path = StagedFile.objects.get().file.name
    job = job_start(kind="recon_diff", by=rekap, params={"token": token})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "NOKA" in job.message
    assert not default_storage.exists(path)
    assert not StagedFile.objects.exists()


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def three_in_november(operator_a):
    enrolled = enrol(operator_a, 3, tmt=datetime.date(2026, 11, 15))
    # Enrolled from December, and one without a TMT: not counted in November.
    later = enrol(operator_a, 2, tmt=datetime.date(2026, 12, 1))
    Anggota.objects.filter(pk=later[1].pk).update(tmt=None)
    return enrolled


def test_recommendation_counts_members_covered_by_the_month(three_in_november):
    assert recommendation("2026-11")["count"] == 3
    assert recommendation("2026-11")["total_rp"] == "Rp 126.000"
    assert recommendation("2026-10")["count"] == 0
    per_month = dict(enrolled_per_month(2026))
    assert (per_month[10], per_month[11], per_month[12]) == (0, 3, 4)
    assert rupiah(1260000) == "Rp 1.260.000"


def test_payment_jobs_give_the_letter_and_the_annex(three_in_november, rekap):
    letter = job_start(
        kind="payment_recommendation", by=rekap, params={"periode": "2026-11"}
    )
    letter.refresh_from_db()
    assert letter.status == Job.Status.SUCCEEDED, letter.message
    with letter.result_file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Rekomendasi pembayaran iuran PBI JK APBD bulan November 2026" in text
    assert "Rp 42.000" in text and "Rp 126.000" in text
    assert "Kepala Dinas Kesehatan" in text

    annex = job_start(kind="payment_annex", by=rekap, params={"periode": "2026-11"})
    annex.refresh_from_db()
    assert annex.status == Job.Status.SUCCEEDED, annex.message
    with annex.result_file.open("rb") as handle:
        rows = list(
            load_workbook(io.BytesIO(handle.read())).active.iter_rows(
                min_row=2, values_only=True
            )
        )
    assert len(rows) == 4
    assert {row[1] for row in rows[:3]} == {a.noka for a in three_in_november}
    assert all(three_in_november[0].nik not in str(v) for row in rows for v in row)
    assert rows[-1][1] == "JUMLAH" and rows[-1][5] == "Rp 126.000"


def test_a_bad_periode_fails_the_job_politely(rekap):
    job = job_start(kind="payment_recommendation", by=rekap, params={"periode": "11"})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "TTTT-BB" in job.message
