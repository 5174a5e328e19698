"""Exports of a locked batch: the BPJS workbook, the recap and the cover letter."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.models import Job
from kis_portal.jobs.services import job_start
from kis_portal.offices.fields import INTERNAL_FIELDS
from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs.exports import BatchNotLocked, batch_workbook, cover_letter_pdf
from rekap_bpjs.models import Batch, BatchFile
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import BASE, ready_household
from tests.usulan.factories import household, member
from usulan.models import Anggota, Usulan
from usulan.services import usulan_save

pytestmark = pytest.mark.django_db

NOKA = "0001261832477"
INJECTION = '=HYPERLINK("http://evil.invalid","klik")'


def load(slug: str):
    call_command("load_profile", slug, verbosity=0)
    return get_active_profile()


def ready_mig37(operator) -> Usulan:
    """A household that had a NOKA (BPJS Mandiri), verified and ready."""
    desa = operator.profile.desa
    usulan = usulan_save(
        usulan=None,
        household=household(desa, jenis="MIG37", noka_lama=NOKA, segmen_asal="mandiri"),
        members=[member(desa, sex="P", birth=datetime.date(1990, 2, 3))],
        by=operator,
        desa=desa,
    )
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.SIAP)
    usulan.anggota_set.update(siap_sejak=BASE)
    return usulan


@pytest.fixture
def locked(operator_a, operator_b, rekap) -> Batch:
    """A locked 2026-11 batch: 3 MIG34 and 1 MIG37 in desa A, 1 MIG34 in desa B."""
    load("sop-pbi")
    first = ready_household(operator_a, size=2, minutes=1)
    ready_mig37(operator_a)
    ready_household(operator_a, kategori="hamil", minutes=3)
    ready_household(operator_b, minutes=4)
    Anggota.objects.filter(pk=first.anggota_set.order_by("pk").first().pk).update(
        nama=INJECTION
    )
    batch_build(periode="2026-11", by=rekap)
    return batch_lock(periode="2026-11", by=rekap)


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


def values(wb) -> dict[str, list[tuple]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def headers(profile, layout: str) -> list[str]:
    """The layout's headers as exported: internal columns only when sent."""
    columns = profile.columns.filter(layout=layout).order_by("urutan")
    if not profile.kolom_internal:
        columns = columns.exclude(field__in=INTERNAL_FIELDS)
    return list(columns.values_list("header", flat=True))


def column(ws, header: str) -> list:
    index = [c.value for c in ws[1]].index(header)
    return [row[index] for row in ws.iter_rows(min_row=2)]


def test_one_sheet_per_layout_with_profile_headers_and_text_identifiers(locked):
    profile = get_active_profile()
    wb = read(batch_workbook(locked, profile))
    assert wb.sheetnames == ["MIG34", "MIG37"]  # sop-pbi: no recap per desa
    mig34, mig37 = wb["MIG34"], wb["MIG37"]
    assert [c.value for c in mig34[1]] == headers(profile, "MIG34")
    assert [c.value for c in mig37[1]] == headers(profile, "MIG37")
    assert mig34.max_row == 1 + 4 and mig37.max_row == 1 + 1
    for ws in (mig34, mig37):
        for header in ("NIK", "NO KK"):
            cells = column(ws, header)
            assert all(c.data_type == "s" and len(c.value) == 16 for c in cells)
        assert [c.value for c in column(ws, "NO")] == list(range(1, ws.max_row))
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    (noka,) = column(mig37, "NOKA")
    assert noka.data_type == "s" and noka.value == NOKA
    names = [c for c in column(mig34, "NAMA LENGKAP") if INJECTION in c.value]
    assert len(names) == 1 and names[0].data_type == "s"
    assert names[0].value == "'" + INJECTION
    birth = column(mig34, "TANGGAL LAHIR")[0]
    assert birth.is_date and birth.number_format == "DD-MM-YYYY"
    # Coverage asked from the 1st of the month after the batch's.
    assert column(mig34, "TMT")[0].value.date() == datetime.date(2026, 12, 1)


def test_date_and_number_cells_follow_the_column_format(locked):
    profile = get_active_profile()
    profile.columns.filter(layout="MIG34", field="tanggal_lahir").update(
        format="date_dmy_slash"
    )
    profile.columns.filter(layout="MIG37", field="tanggal_lahir").update(
        format="date_iso"
    )
    profile.columns.filter(layout="MIG34", field="rt").update(format="number")
    wb = read(batch_workbook(locked, profile))
    birth34 = column(wb["MIG34"], "TANGGAL LAHIR")[0]
    birth37 = column(wb["MIG37"], "TANGGAL LAHIR")[0]
    assert birth34.number_format == "DD/MM/YYYY" and birth37.number_format == (
        "YYYY-MM-DD"
    )
    assert birth37.value.date() == datetime.date(1990, 2, 3)
    assert column(wb["MIG34"], "RT")[0].value == 3


def test_lombok_timur_splits_per_desa_and_buleleng_adds_a_recap(locked, desa_a, desa_b):
    profile = load("lombok-timur")
    wb = read(batch_workbook(locked, profile))
    a, b = sorted([desa_a, desa_b], key=lambda d: d.kode)
    # MIG34 and MIG37 never share a sheet: a desa with both gets one of each.
    expected = [f"{a.nama} MIG34", f"{a.nama} MIG37", f"{b.nama} MIG34"]
    assert wb.sheetnames == [*expected, "REKAP PER DESA"]
    for title in expected:
        layout = title.rsplit(" ", 1)[1]
        assert [c.value for c in wb[title][1]] == headers(profile, layout)
    assert wb[f"{desa_a.nama} MIG34"].max_row == 1 + 3
    assert column(wb[f"{desa_a.nama} MIG37"], "NOKA")[0].value == NOKA
    assert "NOKA" not in [c.value for c in wb[f"{desa_a.nama} MIG34"][1]]
    assert wb[f"{desa_b.nama} MIG34"].max_row == 1 + 1

    profile = load("buleleng")
    wb = read(batch_workbook(locked, profile))
    assert wb.sheetnames == ["MIG34", "MIG37", "REKAP PER DESA"]
    recap = values(wb)["REKAP PER DESA"]
    header = list(recap[0])
    assert header[:3] == ["KODE DESA", "NAMA DESA", "KECAMATAN"]
    assert header[-1] == "JUMLAH" and "Ibu hamil" in header
    by_desa = {row[1]: row for row in recap[1:]}
    assert by_desa[desa_a.nama][0] == desa_a.kode.replace(".", "")
    assert by_desa[desa_a.nama][-1] == 4
    assert by_desa[desa_a.nama][header.index("Ibu hamil")] == 1
    assert by_desa[desa_b.nama][-1] == 1
    assert by_desa["JUMLAH"][-1] == 5


def test_editing_an_usulan_after_lock_does_not_change_the_export(locked):
    profile = get_active_profile()
    before = values(read(batch_workbook(locked, profile)))
    Anggota.objects.update(nama="NAMA DIUBAH", tempat_lahir="DENPASAR")
    after = values(read(batch_workbook(locked, profile)))
    assert after == before
    assert not any(
        "NAMA DIUBAH" in str(v) for rows in after.values() for r in rows for v in r
    )


def test_cover_letter_names_the_period_totals_and_desa(locked, desa_b, rekap):
    profile = load("buleleng")
    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(cover_letter_pdf(locked, profile))).pages
    )
    assert "Usulan peserta PBI JK APBD bulan November 2026" in text
    assert "Kepala BPJS Kesehatan Cabang Singaraja" in text
    assert "5 orang" in text and desa_b.nama in text and "Ibu hamil" in text


def test_a_draft_batch_is_not_exported(operator_a, rekap, tmp_path):
    load("sop-pbi")
    ready_household(operator_a)
    batch = batch_build(periode="2026-11", by=rekap).batch
    with pytest.raises(BatchNotLocked):
        batch_workbook(batch, get_active_profile())
    with pytest.raises(CommandError, match="belum dikunci"):
        call_command("export_batch", "2026-11", out=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("export_batch", "2026-10", out=str(tmp_path / "x.xlsx"))
    job = job_start(kind="batch_export", by=rekap, params={"periode": "2026-11"})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "belum dikunci" in job.message
    assert not BatchFile.objects.exists()


def test_command_writes_the_same_workbook(locked, tmp_path):
    out, pdf = tmp_path / "rekap.xlsx", tmp_path / "surat.pdf"
    call_command(
        "export_batch", "2026-11", out=str(out), pdf=str(pdf), stdout=io.StringIO()
    )
    expected = values(read(batch_workbook(locked, get_active_profile())))
    assert values(read(out.read_bytes())) == expected
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_job_stores_the_workbook_and_the_letter(locked, rekap):
    job = job_start(kind="batch_export", by=rekap, params={"periode": "2026-11"})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    files = {f.kind: f for f in locked.files.all()}
    assert set(files) == {BatchFile.Kind.EKSPOR, BatchFile.Kind.SURAT}
    assert all(f.created_by == rekap and len(f.sha256) == 64 for f in files.values())
    with job.result_file.open("rb") as handle:
        result = handle.read()
    with files[BatchFile.Kind.EKSPOR].file.open("rb") as handle:
        stored = handle.read()
    assert values(read(result)) == values(read(stored))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_id=str(locked.pk)
    ).exists()
