"""The monthly report's urgent cases: hours to decision and to activation, read back."""

import datetime
import hashlib
import io
import uuid

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kis_portal.roles import Role
from kis_portal.uploads import CheckedFile
from laporan.documents import monthly_pdf, monthly_workbook
from laporan.selectors import Lingkup
from tests.clock import frozen, wita
from tests.factories import make_user
from tests.usulan.factories import new_kk, new_nik
from usulan.darurat import darurat_submit
from usulan.models import Usulan
from usulan.services import usulan_advance
from usulan.workflow import USULAN

pytestmark = pytest.mark.django_db

NOVEMBER = Lingkup(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 12, 1))


def letter() -> CheckedFile:
    content = b"%PDF-1.4 surat"
    return CheckedFile(
        content=content,
        content_type="application/pdf",
        original_name="surat.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
    )


def urgent_case(faskes, desa, when) -> Usulan:
    birth = datetime.date(1970, 1, 5)
    with frozen(when):
        return darurat_submit(
            data={
                "nik": new_nik(desa, birth=birth),
                "no_kk": new_kk(desa),
                "nama": "I WAYAN PASIEN",
                "tempat_lahir": "SINGARAJA",
                "tanggal_lahir": birth,
                "shdk": "1",
                "status_kawin": "2",
                "desa": desa,
                "alamat": "BANJAR DINAS KAJA",
                "rt": "001",
                "alasan": "Gagal ginjal, cuci darah darurat",
            },
            surat=letter(),
            by=faskes,
            client_token=uuid.uuid4(),
        )


def test_hours_to_decision_and_activation(desa_a, verifikator, rekap):
    faskes = make_user(
        Role.FASKES, username="rsud", kode_faskes="0902R001", nama_faskes="RSUD UJI"
    )
    fast = urgent_case(faskes, desa_a, wita(2026, 11, 3, 8))
    slow = urgent_case(faskes, desa_a, wita(2026, 11, 4, 8))
    waiting = urgent_case(faskes, desa_a, wita(2026, 11, 5, 8))
    with frozen(wita(2026, 11, 3, 14)):  # 6 hours
        usulan_advance(usulan_id=fast.pk, to=Usulan.Status.SIAP, by=verifikator)
    with frozen(wita(2026, 11, 5, 20)):  # 36 hours: past the 24-hour target
        usulan_advance(usulan_id=slow.pk, to=Usulan.Status.SIAP, by=verifikator)
    with frozen(wita(2026, 11, 10, 8)):
        fast.refresh_from_db()
        USULAN.move(fast, to=Usulan.Status.DIKIRIM, by=rekap)
    with frozen(wita(2026, 11, 13, 8)):  # 10 days = 240 hours after submission
        fast.refresh_from_db()
        USULAN.move(fast, to=Usulan.Status.TERDAFTAR, by=rekap)

    with frozen(wita(2026, 11, 25, 10)):
        content, data = monthly_workbook(NOVEMBER)
        pdf, _ = monthly_pdf(NOVEMBER)
    urgent = data["darurat"]
    assert (urgent["jumlah"], urgent["diputus"], urgent["terdaftar"]) == (3, 2, 1)
    assert urgent["lewat_target"] == 1 and urgent["median_keputusan"] == 21.0

    sheet = load_workbook(io.BytesIO(content))["Pasien darurat"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[fast.nomor][1:4] == ("RSUD UJI", desa_a.nama, "03-11-2026 08:00")
    assert rows[fast.nomor][5:] == (6.0, None, 240.0)
    assert rows[slow.nomor][5:] == (36.0, "ya", None)
    assert rows[waiting.nomor][5:] == (None, None, None)
    assert "I WAYAN PASIEN" not in str(list(rows.values()))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pasien darurat dari faskes" in text
    assert fast.nomor in text and "240,0" in text  # Indonesian decimal comma


def test_a_month_without_urgent_cases_says_so_quietly(db):
    content, data = monthly_workbook(NOVEMBER)
    assert data["darurat"]["jumlah"] == 0
    sheet = load_workbook(io.BytesIO(content))["Pasien darurat"]
    assert sheet.max_row == 1
