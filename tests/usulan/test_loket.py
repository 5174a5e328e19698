"""The counter: a walk-in household registered in one form, and its paper receipt."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertFormError, assertRedirects

from kis_portal.audit.models import AuditEvent
from tests.pdf_pages import assert_paged, pages
from tests.usulan.factories import HUSBAND_NIK, WIFE_NIK, walk_in
from usulan.models import Usulan

URL = reverse("usulan:loket_create")


@pytest.fixture(autouse=True)
def sop_pbi(db):
    """SOP PBI: SKTM and KK per household, a KTP copy per member."""
    call_command("load_profile", "sop-pbi", verbosity=0)


def test_walk_in_family_with_all_documents_is_registered_and_submitted(
    login, loket, desa_a
):
    client = login(loket)
    assertContains(client.get(URL), 'name="client_token"')

    response = client.post(URL, walk_in(desa_a), follow=True)

    usulan = Usulan.objects.get()
    assertRedirects(response, usulan.get_absolute_url())
    assert (usulan.sumber, usulan.pengajuan, usulan.desa) == ("loket", None, desa_a)
    assert usulan.status == Usulan.Status.DIAJUKAN
    assert sorted(usulan.berkas_diterima) == ["kk", "ktp", "sktm"]
    assert sorted(usulan.anggota_set.values_list("nik", flat=True)) == [
        HUSBAND_NIK,
        WIFE_NIK,
    ]
    assertContains(response, usulan.nomor)
    assertContains(response, reverse("usulan:loket_receipt", args=[usulan.pk]))


def test_a_missing_document_keeps_a_draft_and_lists_what_is_missing(
    login, loket, desa_a
):
    response = login(loket).post(
        URL, walk_in(desa_a, berkas=["sktm", "kk"]), follow=True
    )

    usulan = Usulan.objects.get()
    assert usulan.status == Usulan.Status.DRAFT
    assert sorted(usulan.berkas_diterima) == ["kk", "sktm"]
    assertContains(response, "tersimpan sebagai draf")
    assertContains(response, "Fotokopi KTP (I MADE SUKERTA)")


def test_the_same_form_posted_twice_registers_one_usulan(login, loket, desa_a):
    client = login(loket)
    data = walk_in(desa_a, token=uuid.uuid4())

    first = client.post(URL, data)
    second = client.post(URL, data)

    usulan = Usulan.objects.get()
    assert first.url == second.url == usulan.get_absolute_url()


def test_an_invalid_nik_is_refused_in_indonesian_and_nothing_is_saved(
    login, loket, desa_a
):
    response = login(loket).post(URL, walk_in(desa_a, nik="510806120580001"))

    assert response.status_code == 200
    assertFormError(
        response.context["formset"].forms[0], "nik", "NIK harus 16 angka (sekarang 15)."
    )
    assert not Usulan.objects.exists()


def test_receipt_lists_documents_masks_niks_and_says_it_is_free(login, loket, desa_a):
    client = login(loket)
    client.post(URL, walk_in(desa_a))
    usulan = Usulan.objects.get()

    response = client.get(reverse("usulan:loket_receipt", args=[usulan.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tanda-terima-{usulan.nomor}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    flat = " ".join(text.split())
    assert "TANDA TERIMA BERKAS" in flat
    assert usulan.nomor in flat
    assert "tidak dipungut biaya" in flat
    assert "5108********0001" in flat and "5108********0002" in flat
    assert_paged(pages(response.content), nomor=usulan.nomor)
    assert HUSBAND_NIK not in flat and WIFE_NIK not in flat
    for name in ("Keterangan tidak mampu", "Fotokopi Kartu Keluarga", "Fotokopi KTP"):
        assert name in flat
    assert "I MADE SUKERTA" in flat
    assert "nomor registrasi dan tanggal lahir" in flat
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_id=str(usulan.pk)
    ).exists()


def test_receipt_is_hidden_from_the_operator_of_another_desa(
    client, login, loket, desa_a, operator_b
):
    login(loket).post(URL, walk_in(desa_a))
    usulan = Usulan.objects.get()
    client.logout()

    response = login(operator_b).get(reverse("usulan:loket_receipt", args=[usulan.pk]))

    assert response.status_code == 404


def test_only_the_counter_registers_walk_ins(client, login, verifikator):
    assertRedirects(
        client.get(URL), f"{reverse('login')}?next={URL}", fetch_redirect_response=False
    )
    assert login(verifikator).get(URL).status_code == 403
    assert login(verifikator).post(URL, {}).status_code == 403
