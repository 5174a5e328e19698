"""The usulan page and the verifier's checklist show each member's DTSEN desil and
what it means; the desa and the verifier record the SIKS-NG route and its outcome."""

import datetime

import pytest

from dtks.models import DtksPeriode, DtksRecord, UsulanSiksng
from kis_portal.audit.models import AuditEvent
from tests.clock import frozen, wita
from usulan.services import usulan_submit

from .factories import make_usulan, upload_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(operator_a):
    """A household whose head DTSEN ranks desil 2 and whose wife it ranks 8."""
    usulan = make_usulan(operator_a, upload=True)
    head, wife = usulan.anggota_set.all()
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    DtksRecord.objects.create(periode=periode, nik=head.nik, nama=head.nama, desil=2)
    DtksRecord.objects.create(periode=periode, nik=wife.nik, nama=wife.nama, desil=8)
    return usulan


def post_siksng(client, usulan, anggota, **data):
    prefix = f"siksng{anggota.pk}"
    return client.post(
        f"/usulan/{usulan.pk}/siks-ng/{anggota.pk}/",
        {f"{prefix}-{key}": value for key, value in data.items()},
    )


def test_the_page_shows_each_members_desil_and_its_meaning(login, operator_a, ranked):
    page = login(operator_a).get(f"/usulan/{ranked.pk}/").content.decode()
    assert "Desil 2 (cocok lewat NIK, 2026-Q3)" in page
    assert "Layak PBI-JK (APBN): usulkan lewat SIKS-NG" in page
    assert "Desil 8 (cocok lewat NIK, 2026-Q3)" in page
    assert "Calon PBI APBD" in page and "Perlu justifikasi" in page
    assert "Belum dicatat diusulkan lewat SIKS-NG." in page
    # Only the member routed to SIKS-NG gets the form.
    head, wife = ranked.anggota_set.all()
    assert f"/siks-ng/{head.pk}/" in page and f"/siks-ng/{wife.pk}/" not in page


def test_the_desa_records_the_siks_ng_route_and_later_its_refusal(
    login, operator_a, ranked
):
    head = ranked.anggota_set.first()
    # The session lives in the frozen day: log in within it.
    with frozen(wita(2026, 11, 3)):
        client = login(operator_a)
        response = post_siksng(
            client, ranked, head, tanggal_usul="2026-10-20", hasil="menunggu"
        )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/usulan/{ranked.pk}/#desil")
    record = UsulanSiksng.objects.get(nik=head.nik)
    assert (record.tanggal_usul, record.hasil) == (
        datetime.date(2026, 10, 20),
        "menunggu",
    )
    with frozen(wita(2026, 12, 1)):
        client = login(operator_a)
        post_siksng(
            client,
            ranked,
            head,
            tanggal_usul="2026-10-20",
            hasil="ditolak",
            catatan="Tidak lolos verifikasi Kemensos",
        )
        page = client.get(f"/usulan/{ranked.pk}/").content.decode()
    assert UsulanSiksng.objects.get(nik=head.nik).hasil == "ditolak"
    assert "Diusulkan 20-10-2026: Ditolak SIKS-NG" in page
    assert AuditEvent.objects.filter(reason="SIKS-NG: Ditolak SIKS-NG").exists()


def test_a_date_in_the_future_is_refused(login, operator_a, ranked):
    head = ranked.anggota_set.first()
    with frozen(wita(2026, 11, 3)):
        client = login(operator_a)
        post_siksng(client, ranked, head, tanggal_usul="2026-11-04", hasil="menunggu")
        page = client.get(f"/usulan/{ranked.pk}/").content.decode()
    assert not UsulanSiksng.objects.exists()
    assert "Tanggal usul tidak boleh di masa depan." in page


def test_get_is_405_outsider_404_and_a_role_without_the_right_403(
    login, client, operator_b, kadis, ranked
):
    head = ranked.anggota_set.first()
    url = f"/usulan/{ranked.pk}/siks-ng/{head.pk}/"
    data = {f"siksng{head.pk}-tanggal_usul": "2026-10-20"}
    data[f"siksng{head.pk}-hasil"] = "menunggu"
    assert login(operator_b).get(url).status_code == 405
    assert client.post(url, data).status_code == 404
    client.logout()
    assert login(kadis).post(url, data).status_code == 403
    assert not UsulanSiksng.objects.exists()


def test_the_verifier_records_it_and_sees_it_on_the_checklist(
    login, operator_a, verifikator, ranked
):
    upload_all(ranked, operator_a)
    usulan_submit(usulan_id=ranked.pk, by=operator_a)
    client = login(verifikator)
    page = client.get(f"/verifikasi/{ranked.pk}/").content.decode()
    assert "Desil DTSEN" in page
    assert "Layak PBI-JK (APBN): usulkan lewat SIKS-NG" in page
    assert "SIKS-NG: belum dicatat diusulkan" in page
    head = ranked.anggota_set.first()
    with frozen(wita(2026, 11, 3)):
        client = login(verifikator)
        post_siksng(client, ranked, head, tanggal_usul="2026-10-20", hasil="diterima")
        page = client.get(f"/verifikasi/{ranked.pk}/").content.decode()
    assert "20-10-2026: Diterima (PBI-JK APBN)" in page
