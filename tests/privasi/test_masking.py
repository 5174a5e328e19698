"""NIK, No. KK and phone numbers: full for the roles whose work needs them, masked
for the rest, on pages, in exports and in log lines (README, "Privasi")."""

import io
import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from distribusi.models import Kanal, Kartu
from distribusi.services import Penerima, kartu_receive_batch, serah_terima_create
from kis_portal.jobs.models import Job
from kis_portal.jobs.registry import HANDLERS, job_handler
from kis_portal.jobs.services import job_start
from kis_portal.privacy import (
    MaskingFormatter,
    mask_identifier,
    mask_numbers_in_text,
    number_for,
)
from rekap_bpjs.models import BatchFile
from tests.distribusi.factories import enrolled_batch
from tests.usulan.factories import make_usulan
from usulan.models import Usulan

pytestmark = pytest.mark.django_db

PHONE = "081234567890"  # the household's phone in tests/usulan/factories.py


def masked(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def test_the_mask_keeps_the_first_and_last_four_digits():
    assert mask_identifier("5108061234560001") == "5108********0001"
    assert mask_identifier("081234567890") == "0812****7890"
    assert mask_identifier("1234") == "****"
    assert mask_identifier("") == ""


@pytest.mark.parametrize(
    ("persona", "nik_full", "phone_full"),
    [
        ("operator_a", True, True),
        ("loket", True, True),
        ("verifikator", True, True),
        ("rekap", True, True),
        ("admin_user", True, True),
        ("lapangan", False, True),
        ("distribusi", False, True),
        ("kadis", False, False),
    ],
)
def test_number_for_follows_the_role(request, persona, nik_full, phone_full):
    user = request.getfixturevalue(persona)
    nik = "5108061234560001"
    assert number_for(user, nik) == (nik if nik_full else masked(nik))
    assert number_for(user, PHONE, "telepon") == (
        PHONE if phone_full else masked(PHONE)
    )


def test_an_anonymous_visitor_gets_masked_numbers():
    assert number_for(AnonymousUser(), "5108061234560001") == "5108********0001"


@pytest.mark.parametrize(
    ("persona", "full"),
    [
        ("operator_a", True),
        ("loket", True),
        ("verifikator", True),
        ("rekap", True),
        ("admin_user", True),
        ("kadis", False),
        ("distribusi", False),
    ],
)
def test_the_usulan_page_shows_nik_kk_and_phone_as_the_role_needs(
    request, login, operator_a, persona, full
):
    usulan = make_usulan(operator_a)
    niks = list(usulan.anggota_set.values_list("nik", flat=True))
    html = login(request.getfixturevalue(persona)).get(usulan.get_absolute_url())
    html = html.content.decode()
    for number in [*niks, usulan.no_kk]:
        assert (number in html) is full
        assert (masked(number) in html) is not full
    phone_full = persona != "kadis"
    assert (PHONE in html) is phone_full
    assert (masked(PHONE) in html) is not phone_full


def test_the_field_officer_sees_the_phone_but_not_the_nik(login, operator_a, lapangan):
    usulan = make_usulan(operator_a)
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.CEK_LAPANGAN)
    html = login(lapangan).get(f"/verifikasi/lapangan/{usulan.pk}/").content.decode()
    assert PHONE in html
    for nik in usulan.anggota_set.values_list("nik", flat=True):
        assert nik not in html and masked(nik) in html
    assert usulan.no_kk not in html and masked(usulan.no_kk) in html


# --- Exports -------------------------------------------------------------------------


@pytest.fixture
def locked_batch(rekap, operator_a):
    call_command("load_profile", "sop-pbi", verbosity=0)
    return enrolled_batch(rekap, [(operator_a, 2)])


def _cells(content: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


def test_the_bpjs_file_carries_full_niks_for_the_rekap_staff_only(
    login, rekap, kadis, locked_batch
):
    niks = set(locked_batch.items.values_list("nik", flat=True))
    client = login(rekap)
    client.post(f"/rekap/{locked_batch.periode}/ekspor/")
    job = Job.objects.get(kind="batch_export")
    response = client.get(f"/tugas/{job.pk}/unduh/")
    assert response.status_code == 200
    assert niks <= _cells(b"".join(response.streaming_content))
    files = {f.kind: f for f in locked_batch.files.all()}
    export, letter = files[BatchFile.Kind.EKSPOR], files[BatchFile.Kind.SURAT]
    kadis_client = login(kadis)
    url = f"/rekap/{locked_batch.periode}/berkas/"
    assert kadis_client.get(f"{url}{export.pk}/").status_code == 403
    letter_response = kadis_client.get(f"{url}{letter.pk}/")
    assert letter_response.status_code == 200
    assert b"".join(letter_response.streaming_content).startswith(b"%PDF")
    page = kadis_client.get(f"/rekap/{locked_batch.periode}/").content.decode()
    assert f"{url}{export.pk}/" not in page and export.name in page


def test_card_exports_mask_niks_and_the_receipt_shows_the_phone_by_role(
    login, distribusi, kadis, locked_batch, desa_a
):
    kartu_receive_batch(
        periode=locked_batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    cards = list(Kartu.objects.select_related("anggota"))
    serah = serah_terima_create(
        kartu_ids=[c.pk for c in cards],
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="I Made Sukra", jabatan="Kasi", telepon=PHONE),
        by=distribusi,
    )
    client = login(distribusi)
    client.post("/distribusi/ekspor/", {})
    job = Job.objects.get(kind="kartu_export")
    with job.result_file.open("rb") as handle:
        cells = _cells(handle.read())
    for card in cards:
        assert card.anggota.nik not in cells
        assert masked(card.anggota.nik) in cells
    # The printed receipt: NIKs masked for all, the collector's phone by role.
    for user, phone in ((distribusi, PHONE), (kadis, masked(PHONE))):
        pdf = login(user).get(f"/distribusi/serah-terima/{serah.pk}/pdf/").content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert phone in text
        assert all(masked(c.anggota.nik) in text for c in cards)
        assert not any(c.anggota.nik in text for c in cards)
    assert PHONE not in text


# --- Logs ----------------------------------------------------------------------------


def _record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("kis", logging.INFO, __file__, 1, message, args, None)


def test_the_project_log_format_masks_niks_and_phones_that_slip_through():
    formatter = MaskingFormatter("%(levelname)s %(message)s")
    line = formatter.format(
        _record("nik=%s kk=%s hp=%s", "5108061234560001", "5108060403190002", PHONE)
    )
    assert line == "INFO nik=5108********0001 kk=5108********0002 hp=0812****7890"
    # What code wrote, for the test suite's log scan.
    assert "5108061234560001" in formatter.unmasked(_record("%s", "5108061234560001"))


def test_ids_counts_and_dates_are_not_mistaken_for_numbers_to_mask():
    text = "usulan=1234 rows=16 at 2026-11-23 12:00:01 token=abcdef0123456789abc"
    assert mask_numbers_in_text(text) == text


def test_the_console_log_handler_uses_the_masking_formatter():
    handlers = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert handlers and isinstance(handlers[0].formatter, MaskingFormatter)


def test_a_crashing_job_logs_its_traceback_with_numbers_masked(caplog, verifikator):
    @job_handler("uji_bocor", label="Uji")
    def crashes(ctx):
        raise ValueError("baris 7: NIK 5108061234560001 sudah ada")

    try:
        with caplog.at_level(logging.ERROR, logger="kis_portal.jobs.runner"):
            job_start(kind="uji_bocor", by=verifikator)
    finally:
        HANDLERS.pop("uji_bocor")
    (record,) = caplog.records
    message = record.getMessage()
    assert "ValueError: baris 7: NIK 5108********0001 sudah ada" in message
    assert "5108061234560001" not in message and record.exc_info is None
