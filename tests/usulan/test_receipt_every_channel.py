"""Every usulan has a receipt and a registration number, whatever its channel."""

import io
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from tests.usulan.factories import household, make_usulan
from usulan.receipts import whatsapp_link, whatsapp_text

PORTAL = "https://kis.bulelengkab.go.id"


@pytest.fixture(autouse=True)
def sop_pbi(db, settings):
    call_command("load_profile", "sop-pbi", verbosity=0)
    settings.KIS_ALAMAT_PORTAL = PORTAL + "/"


def _pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_desa_usulan_has_a_receipt_with_its_number_and_the_status_address(
    login, operator_a, desa_a
):
    usulan = make_usulan(operator_a)
    client = login(operator_a)

    response = client.get(reverse("usulan:loket_receipt", args=[usulan.pk]))

    assert response.status_code == 200
    text = _pdf_text(response)
    assert usulan.nomor in text
    assert f"melalui {desa_a}" in text
    assert f"{PORTAL}/cek-status/" in text
    assert "Operator desa/kelurahan" in text
    assert "Petugas loket" not in text


def test_whatsapp_text_is_short_carries_no_nik_and_goes_to_the_household_phone(
    operator_a,
):
    usulan = make_usulan(
        operator_a,
        household_data=household(operator_a.profile.desa, telepon="0812 3456 7890"),
    )
    text = whatsapp_text(usulan)
    assert usulan.nomor in text
    assert f"{PORTAL}/cek-status/" in text
    assert len(text) < 320
    assert not any(m.nik in text for m in usulan.anggota_set.all())
    link = whatsapp_link(usulan)
    # WhatsApp asks for the contact: no phone number in the link (issue 21).
    assert link.startswith("https://wa.me/?text=")
    assert unquote(link.split("text=", 1)[1]) == text


def test_the_detail_page_offers_the_receipt_and_the_whatsapp_text(login, operator_a):
    usulan = make_usulan(operator_a)
    page = login(operator_a).get(usulan.get_absolute_url()).content.decode()
    assert reverse("usulan:loket_receipt", args=[usulan.pk]) in page
    assert "Teks tanda terima untuk WhatsApp" in page
    assert f"{PORTAL}/cek-status/" in page
