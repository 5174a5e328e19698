"""The monthly report (XLSX, PDF) and the register, built as jobs and read back."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from distribusi.models import Kartu
from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.models import Job
from kis_portal.offices.choices import Kategori
from pengaduan.models import Pengaduan
from rekap_bpjs.models import BatchItem
from tests.clock import WITA
from tests.pdf_pages import assert_paged, assert_signature_with_rows, pages
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.django_db

NOVEMBER = {"bulanan-bulan_dari": "2026-11", "bulanan-bulan_sampai": "2026-11"}
SEP_NOV = {"bulanan-bulan_dari": "2026-09", "bulanan-bulan_sampai": "2026-11"}
START, END = datetime.date(2026, 9, 1), datetime.date(2026, 12, 1)
PERIODES = {"2026-09", "2026-10", "2026-11"}
COLUMNS = [
    "diterima",
    "diverifikasi",
    "dikirim",
    "terdaftar",
    "gagal",
    "kartu_warga",
]


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(WITA).date()


def expected_cells() -> Counter:
    """(desa id, kategori, column) -> people, computed row by row from the models."""
    cells = Counter()
    ct = ContentType.objects.get_for_model(Usulan)
    first_submitted = {
        int(e.object_id)
        for e in AuditEvent.objects.filter(action="status", content_type=ct)
        if e.from_status == "draft"
        and e.to_status == "diajukan"
        and START <= local_day(e.created_at) < END
    }
    for a in Anggota.objects.select_related("usulan"):
        if a.usulan_id in first_submitted:
            cells[(a.usulan.desa_id, a.kategori, "diterima")] += 1
        if a.siap_sejak and START <= local_day(a.siap_sejak) < END:
            cells[(a.usulan.desa_id, a.kategori, "diverifikasi")] += 1
    for item in BatchItem.objects.select_related("batch", "anggota__usulan"):
        if item.batch.periode not in PERIODES:
            continue
        key = (item.anggota.usulan.desa_id, item.anggota.kategori)
        if item.diambil and item.batch.status != "draft":
            cells[(*key, "dikirim")] += 1
        if item.hasil == "terdaftar":
            cells[(*key, "terdaftar")] += 1
        if item.hasil == "gagal":
            cells[(*key, "gagal")] += 1
    for card in Kartu.objects.select_related("anggota"):
        if card.status == "warga" and START <= card.warga_tanggal < END:
            cells[(card.desa_id, card.anggota.kategori, "kartu_warga")] += 1
    return cells


def finished(response) -> Job:
    assert response.status_code == 302
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.message
    return job


def result_bytes(job: Job) -> bytes:
    with job.result_file.open("rb") as f:
        return f.read()


def test_monthly_xlsx_per_desa_and_category_equals_the_rows(
    pipeline, login, kadis, desa_a, desa_b
):
    client = login(kadis)
    job = finished(
        client.post(reverse("laporan:bulanan"), {**SEP_NOV, "format": "xlsx"})
    )
    assert job.result_name == "laporan-bulanan-202609-202611.xlsx"
    wb = load_workbook(io.BytesIO(result_bytes(job)))
    assert wb.sheetnames == [
        "Ringkasan",
        "Per desa",
        "Per desa dan kategori",
        "Per kategori",
        "Pasien darurat",
    ]
    cells = expected_cells()
    complaints = Counter(p.desa_id for p in Pengaduan.objects.all())

    rows = list(wb["Per desa"].iter_rows(min_row=2, values_only=True))
    by_desa = {row[1]: row for row in rows}
    for desa in (desa_a, desa_b):
        expected = [
            sum(n for (d, _k, c), n in cells.items() if d == desa.pk and c == column)
            for column in COLUMNS
        ]
        assert list(by_desa[desa.nama][2:]) == [*expected, complaints[desa.pk]]
        assert by_desa[desa.nama][0] == desa.kecamatan.nama
    total = rows[-1]
    assert total[0] == "JUMLAH"
    assert list(total[2:8]) == [
        sum(n for (_d, _k, c), n in cells.items() if c == column) for column in COLUMNS
    ]
    assert total[8] == sum(complaints.values()) == 3
    # September-November: 2 + 2 + 2 + 2 people first submitted (the draft is not),
    # 9 + 4 ready, 9 sent, 7 enrolled, 2 failed, 2 cards in the citizens' hands.
    assert list(total[2:8]) == [8, 13, 9, 7, 2, 2]

    labels = dict(Kategori.choices)
    detail = {
        (row[1], row[2]): list(row[3:])
        for row in wb["Per desa dan kategori"].iter_rows(min_row=2, values_only=True)
    }
    expected_detail = {}
    for (desa_id, kategori, column), n in cells.items():
        name = desa_a.nama if desa_id == desa_a.pk else desa_b.nama
        values = expected_detail.setdefault((name, labels[kategori]), [0] * 6)
        values[COLUMNS.index(column)] += n
    assert detail == expected_detail

    summary = {
        row[0]: row[1] for row in wb["Ringkasan"].iter_rows(min_row=2, values_only=True)
    }
    assert summary["Periode"] == "September 2026 s.d. November 2026"
    assert summary["Wilayah"] == "Seluruh kabupaten"
    assert summary["Pengaduan masuk"] == Pengaduan.objects.count() == 3


def test_monthly_xlsx_for_one_desa_leaves_the_others_out(
    pipeline, login, kadis, desa_a
):
    client = login(kadis)
    job = finished(
        client.post(
            reverse("laporan:bulanan"),
            {**NOVEMBER, "bulanan-desa": desa_a.pk, "format": "xlsx"},
        )
    )
    wb = load_workbook(io.BytesIO(result_bytes(job)))
    rows = list(wb["Per desa"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == [desa_a.nama, None]  # then the total
    # Desa A: 7 sent (3 + 2 enrolled, 2 failed), 2 cards in the citizens' hands.
    assert list(rows[0][4:9]) == [7, 5, 2, 2, 2]


def test_monthly_pdf_reads_back(pipeline, login, kadis, desa_a, desa_b):
    client = login(kadis)
    job = finished(
        client.post(reverse("laporan:bulanan"), {**NOVEMBER, "format": "pdf"})
    )
    assert job.result_name == "laporan-bulanan-202611.pdf"
    content = result_bytes(job)
    assert content.startswith(b"%PDF")
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
        ).split()
    )
    assert "LAPORAN PERKEMBANGAN JKN-KIS PBI APBD" in text
    assert "Periode November 2026" in text
    assert desa_a.nama in text and desa_b.nama in text
    assert "Penyandang disabilitas" in text
    assert "Pengaduan masuk 3" in text
    texts = pages(content)
    assert_paged(texts)
    # The signature (no head of office in the profile: a blank line) stays with
    # the table's last rows.
    assert_signature_with_rows(
        texts, signer="(..............................................)", row="Jumlah"
    )


def test_register_lists_every_enrolled_participant_with_masked_nik(
    pipeline, login, rekap, desa_a
):
    client = login(rekap)
    job = finished(client.post(reverse("laporan:peserta"), {}))
    assert job.result_name == "peserta-terdaftar-semua.xlsx"
    ws = load_workbook(io.BytesIO(result_bytes(job)))["Peserta terdaftar"]
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header == (
        "No",
        "NIK",
        "NOKA",
        "Nama",
        "Desa/kelurahan",
        "Kecamatan",
        "TMT",
        "Kategori",
    )
    enrolled = list(
        Anggota.objects.filter(status_bpjs="terdaftar").select_related(
            "usulan__desa__kecamatan"
        )
    )
    assert len(rows) == len(enrolled) == 7
    expected = {a.noka: a for a in enrolled}
    for row in rows:
        member = expected[row[2]]
        assert row[1] == member.nik[:4] + "********" + member.nik[-4:]
        assert member.nik not in [str(v) for v in row]
        assert row[3:6] == (
            member.nama,
            member.usulan.desa.nama,
            member.usulan.desa.kecamatan.nama,
        )
        assert row[6].date() == member.tmt
        assert row[7] == dict(Kategori.choices)[member.kategori]
    noka_cells = [r[2] for r in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in noka_cells)

    # Area and TMT period filters.
    job = finished(
        client.post(
            reverse("laporan:peserta"),
            {
                "peserta-desa": desa_a.pk,
                "peserta-bulan_dari": "2026-12",
                "peserta-bulan_sampai": "2026-12",
            },
        )
    )
    rows = list(
        load_workbook(io.BytesIO(result_bytes(job))).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert len(rows) == len([a for a in enrolled if a.usulan.desa_id == desa_a.pk]) == 5
    job = finished(
        client.post(
            reverse("laporan:peserta"),
            {"peserta-bulan_dari": "2026-11", "peserta-bulan_sampai": "2026-11"},
        )
    )
    assert load_workbook(io.BytesIO(result_bytes(job))).active.max_row == 1


def test_exports_are_audited(pipeline, login, kadis):
    client = login(kadis)
    finished(client.post(reverse("laporan:bulanan"), {**NOVEMBER, "format": "xlsx"}))
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.actor == kadis
    assert "Laporan perkembangan bulanan (XLSX)" in event.reason


def test_bad_filters_are_refused_before_any_job(login, kadis):
    client = login(kadis)
    response = client.post(
        reverse("laporan:bulanan"),
        {
            "bulanan-bulan_dari": "2026-11",
            "bulanan-bulan_sampai": "2026-01",
            "format": "xlsx",
        },
    )
    assert response.status_code == 400
    assert "Bulan awal tidak boleh sesudah bulan akhir." in response.content.decode()
    response = client.post(reverse("laporan:bulanan"), {**NOVEMBER, "format": "docx"})
    assert response.status_code == 400
    response = client.post(reverse("laporan:bulanan"), {"format": "xlsx"})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_report_page_offers_both_reports(login, kadis):
    response = login(kadis).get(reverse("laporan:unduh"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Buat laporan XLSX" in html and "Buat laporan PDF" in html
    assert "Buat daftar peserta XLSX" in html
