"""Area scoping and privacy: desa B learns nothing of desa A's usulan."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kis_portal.audit.models import AksesData
from tests.factories import PASSWORD
from usulan.models import Dokumen
from usulan.services import loket_register

from .factories import household, make_usulan, member


@pytest.fixture
def usulan_a(operator_a):
    return make_usulan(operator_a, upload=True)


def object_urls(usulan) -> list[tuple[str, str]]:
    doc = Dokumen.objects.filter(usulan=usulan).first()
    return [
        ("get", f"/usulan/{usulan.pk}/"),
        ("get", f"/usulan/{usulan.pk}/ubah/"),
        ("post", f"/usulan/{usulan.pk}/ubah/"),
        ("post", f"/usulan/{usulan.pk}/ajukan/"),
        ("post", f"/usulan/{usulan.pk}/hapus/"),
        ("post", f"/usulan/{usulan.pk}/dokumen/kk/"),
        ("get", f"/usulan/dokumen/{doc.pk}/"),
        ("get", f"/usulan/{usulan.pk}/tanda-terima.pdf"),
        ("get", f"/usulan/pengajuan/{usulan.pengajuan_id}/"),
        ("post", f"/usulan/pengajuan/{usulan.pengajuan_id}/dokumen/surat-pengantar/"),
        ("post", f"/usulan/pengajuan/{usulan.pengajuan_id}/ajukan/"),
    ]


def test_desa_b_gets_404_and_no_byte_of_desa_a_data_on_every_url(
    login, operator_b, usulan_a
):
    client = login(operator_b)
    secrets = [
        usulan_a.no_kk,
        usulan_a.nomor,
        *usulan_a.anggota_set.values_list("nik", flat=True),
    ]
    for method, url in object_urls(usulan_a):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert not any(secret in body for secret in secrets), url
    usulan_a.refresh_from_db()
    assert usulan_a.status == "draft"


def test_lists_are_scoped_to_the_operators_desa(
    login, operator_a, operator_b, usulan_a
):
    mine = make_usulan(operator_b)
    html = login(operator_b).get("/usulan/").content.decode()
    assert mine.nomor in html and usulan_a.nomor not in html
    found = (
        login(operator_b)
        .get(f"/usulan/?q={usulan_a.nomor}", follow=True)
        .content.decode()
    )
    assert f'href="/usulan/{usulan_a.pk}/"' not in found
    assert "Tidak ada usulan yang cocok" in found


def test_lists_mask_kk_and_staff_see_every_desa(
    login, verifikator, operator_b, usulan_a
):
    other = make_usulan(operator_b)
    html = login(verifikator).get("/usulan/").content.decode()
    assert usulan_a.nomor in html and other.nomor in html
    assert usulan_a.no_kk not in html and usulan_a.no_kk[:4] + "********" in html


def test_search_by_nik_and_filter_by_status(login, operator_a, usulan_a):
    other = make_usulan(operator_a)
    nik = usulan_a.anggota_set.first().nik
    html = login(operator_a).get("/usulan/", {"q": nik}, follow=True).content.decode()
    assert usulan_a.nomor in html and other.nomor not in html
    html = login(operator_a).get("/usulan/", {"status": "diajukan"}).content.decode()
    assert "Tidak ada usulan yang cocok" in html


def test_full_data_is_shown_to_the_verifier_and_audited(login, verifikator, usulan_a):
    nik = usulan_a.anggota_set.first().nik
    html = login(verifikator).get(usulan_a.get_absolute_url()).content.decode()
    assert nik in html
    record = AksesData.objects.get(actor=verifikator, halaman="Detail usulan")
    assert (record.subjek_tipe, record.id_list) == ("usulan", [str(usulan_a.pk)])
    assert nik in record.nik_list and record.tujuan == "verifikasi"


def test_kadis_sees_masked_data_only(login, kadis, usulan_a):
    nik = usulan_a.anggota_set.first().nik
    html = login(kadis).get(usulan_a.get_absolute_url()).content.decode()
    assert nik not in html and nik[:4] + "********" + nik[-4:] in html
    # Masked or not, seeing a household's data is recorded with the reason.
    record = AksesData.objects.get(actor=kadis, halaman="Detail usulan")
    assert record.tujuan == "persetujuan dan pengawasan"


@pytest.mark.parametrize(
    "role_fixture", ["verifikator", "kadis", "rekap", "distribusi"]
)
def test_staff_cannot_create_or_edit_desa_usulan(
    request, login, role_fixture, usulan_a
):
    user = request.getfixturevalue(role_fixture)
    client = login(user)
    assert client.get("/usulan/baru/").status_code == 403
    assert client.get(f"/usulan/{usulan_a.pk}/ubah/").status_code == 403


def test_field_officer_has_no_usulan_list_yet(login, lapangan):
    assert login(lapangan).get("/usulan/").status_code == 403


def test_an_operator_without_a_desa_is_refused_not_crashed(login, db):
    user = get_user_model().objects.create_user(
        username="tanpa-desa", password=PASSWORD
    )
    user.groups.add(Group.objects.get(name="operator_desa"))
    client = login(user)
    assert client.get("/usulan/baru/").status_code == 403
    assert client.get("/usulan/pengajuan/baru/").status_code == 403
    assert "<td>" not in client.get("/usulan/").content.decode()


def test_counter_registrations_are_not_editable_by_the_desa_operator(
    login, loket, operator_a, desa_a
):

    usulan = loket_register(
        household=household(desa_a),
        members=[member(desa_a)],
        berkas=[],
        desa=desa_a,
        by=loket,
        client_token=uuid.uuid4(),
    )
    client = login(operator_a)
    assert client.get(usulan.get_absolute_url()).status_code == 200  # visible
    assert client.post(f"/usulan/{usulan.pk}/hapus/").status_code == 403
    assert client.post(f"/usulan/{usulan.pk}/ajukan/").status_code == 403
