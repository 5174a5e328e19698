"""Draft -> submitted -> returned -> resubmitted, as the desa operator meets it."""

import pytest
from django.core.exceptions import ValidationError

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.selectors import history_for
from usulan.models import Catatan, Usulan
from usulan.services import usulan_return, usulan_submit

from .factories import form_post, household, make_usulan, member, pdf_file, upload_all


def test_operator_creates_a_draft_and_a_double_click_creates_one(
    login, operator_a, desa_a
):
    client = login(operator_a)
    data = form_post(
        household(desa_a),
        [member(desa_a)],
        client_token="6a0f1c2e-8a53-4c3a-9f57-3f0c5a1d2b4e",
    )
    first = client.post("/usulan/baru/", data)
    second = client.post("/usulan/baru/", data)
    usulan = Usulan.objects.get()
    assert first.url == second.url == usulan.get_absolute_url()
    assert (usulan.status, usulan.desa, usulan.sumber) == ("draft", desa_a, "desa")
    assert usulan.pengajuan.desa == desa_a
    assert [e.action for e in history_for(usulan)] == ["create"]


def test_forged_desa_and_status_fields_are_ignored(login, operator_a, desa_a, desa_b):
    data = form_post(
        household(desa_a), [member(desa_a)], desa=desa_b.pk, status="diajukan"
    )
    login(operator_a).post("/usulan/baru/", data)
    usulan = Usulan.objects.get()
    assert (usulan.desa, usulan.status) == (desa_a, "draft")


def test_submitting_an_incomplete_usulan_lists_what_is_missing(login, operator_a):
    usulan = make_usulan(operator_a)
    response = login(operator_a).post(f"/usulan/{usulan.pk}/ajukan/", follow=True)
    html = response.content.decode()
    assert "Dokumen belum diunggah: Kartu Keluarga." in html
    assert "Surat pengantar dari desa/kelurahan" in html
    usulan.refresh_from_db()
    assert usulan.status == "draft"


def test_full_cycle_submit_return_fix_resubmit(login, operator_a, verifikator):
    usulan = make_usulan(operator_a, upload=True)
    client = login(operator_a)
    client.post(f"/usulan/{usulan.pk}/ajukan/")
    usulan.refresh_from_db()
    assert usulan.status == "diajukan" and usulan.submitted_at

    # Locked for the desa: no edit, no new document.
    edit = client.get(f"/usulan/{usulan.pk}/ubah/", follow=True)
    assert "tidak dapat diubah" in edit.content.decode()
    key = "kk"
    assert (
        client.post(
            f"/usulan/{usulan.pk}/dokumen/{key}/", {"berkas": pdf_file()}
        ).status_code
        == 403
    )

    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[
            {"item": "sktm", "item_label": "SKTM", "pesan": "SKTM belum bermeterai"}
        ],
    )
    detail = client.get(usulan.get_absolute_url()).content.decode()
    assert "Dikembalikan oleh verifikator" in detail
    assert "Catatan verifikator: SKTM belum bermeterai" in detail

    response = client.post(
        f"/usulan/{usulan.pk}/dokumen/sktm/", {"berkas": pdf_file("sktm.pdf")}
    )
    assert response.status_code == 302
    client.post(f"/usulan/{usulan.pk}/ajukan/")
    usulan.refresh_from_db()
    assert usulan.status == "diajukan"
    assert not Catatan.objects.filter(usulan=usulan, selesai=False).exists()
    statuses = [
        (e.from_status, e.to_status) for e in history_for(usulan) if e.to_status
    ]
    assert statuses == [
        ("draft", "diajukan"),
        ("diajukan", "dikembalikan"),
        ("dikembalikan", "diajukan"),
    ]


def test_submitting_twice_records_one_submission(login, operator_a):
    usulan = make_usulan(operator_a, upload=True)
    client = login(operator_a)
    client.post(f"/usulan/{usulan.pk}/ajukan/")
    second = client.post(f"/usulan/{usulan.pk}/ajukan/", follow=True)
    assert "sudah diajukan sebelumnya" in second.content.decode()
    assert (
        AuditEvent.objects.filter(action="status", object_id=str(usulan.pk)).count()
        == 1
    )


def test_a_stale_edit_is_refused_and_changes_nothing(login, operator_a, desa_a):
    usulan = make_usulan(operator_a)
    members = [
        {
            **{
                k: getattr(m, k)
                for k in (
                    "nik",
                    "nama",
                    "tempat_lahir",
                    "tanggal_lahir",
                    "jenis_kelamin",
                    "shdk",
                    "status_kawin",
                    "kategori",
                    "kode_faskes",
                    "nama_faskes",
                    "telepon",
                    "catatan",
                )
            },
            "id": m.pk,
        }
        for m in usulan.anggota_set.all()
    ]
    base = household(desa_a, no_kk=usulan.no_kk)
    client = login(operator_a)
    first = client.post(
        f"/usulan/{usulan.pk}/ubah/",
        form_post(
            {**base, "alamat": "ALAMAT PERTAMA"},
            members,
            initial=len(members),
            version=usulan.version,
        ),
    )
    assert first.status_code == 302
    stale = client.post(
        f"/usulan/{usulan.pk}/ubah/",
        form_post(
            {**base, "alamat": "ALAMAT KEDUA"},
            members,
            initial=len(members),
            version=usulan.version,
        ),
    )
    assert "baru saja diubah oleh pengguna lain" in stale.content.decode()
    usulan.refresh_from_db()
    assert usulan.alamat == "ALAMAT PERTAMA"


def test_autosave_answers_json_and_returns_member_ids(login, operator_a, desa_a):
    client = login(operator_a)
    data = form_post(
        household(desa_a),
        [member(desa_a)],
        client_token="0e8e7b8c-7a1a-4f59-9d2a-6c5b2f4d9e10",
    )
    response = client.post("/usulan/baru/", data, headers={"X-Autosave": "1"})
    body = response.json()
    usulan = Usulan.objects.get()
    assert body["saved"] is True and body["url"] == f"/usulan/{usulan.pk}/ubah/"
    assert body["member_ids"] == [usulan.anggota_set.get().pk]

    bad = form_post(
        household(desa_a, no_kk="1"), [member(desa_a)], version=usulan.version
    )
    answer = client.post(body["url"], bad, headers={"X-Autosave": "1"}).json()
    assert answer["saved"] is False and "no_kk" in answer["errors"]


def test_operator_deletes_a_draft_but_not_a_submitted_usulan(login, operator_a):
    draft = make_usulan(operator_a)
    submitted = make_usulan(operator_a, upload=True)
    usulan_submit(usulan_id=submitted.pk, by=operator_a)
    client = login(operator_a)
    assert client.post(f"/usulan/{draft.pk}/hapus/").status_code == 302
    assert client.post(f"/usulan/{submitted.pk}/hapus/").status_code == 403
    assert list(Usulan.objects.values_list("pk", flat=True)) == [submitted.pk]


@pytest.mark.parametrize("url", ["ajukan", "hapus"])
def test_state_changes_need_post(login, operator_a, url):
    usulan = make_usulan(operator_a)
    assert login(operator_a).get(f"/usulan/{usulan.pk}/{url}/").status_code == 405


def test_other_roles_cannot_submit_for_the_desa(login, operator_a, verifikator):
    usulan = make_usulan(operator_a, upload=True)
    assert login(verifikator).post(f"/usulan/{usulan.pk}/ajukan/").status_code == 403


def test_returning_needs_a_reason_and_the_verifier_role(operator_a, verifikator):
    usulan = make_usulan(operator_a)
    upload_all(usulan, operator_a)
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    with pytest.raises(ValidationError):
        usulan_return(
            usulan_id=usulan.pk,
            by=verifikator,
            notes=[{"item": "x", "item_label": "X", "pesan": " "}],
        )
    with pytest.raises(ValidationError):
        usulan_return(
            usulan_id=usulan.pk,
            by=operator_a,
            notes=[{"item": "x", "item_label": "X", "pesan": "a"}],
        )
    usulan.refresh_from_db()
    assert usulan.status == "diajukan"


def test_home_page_lists_returned_usulan_first(login, operator_a, verifikator):
    usulan = make_usulan(operator_a, upload=True)
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[{"item": "kk", "item_label": "KK", "pesan": "KK bukan terbaru"}],
    )
    make_usulan(operator_a)
    html = login(operator_a).get("/").content.decode()
    assert "Usulan dikembalikan, perlu diperbaiki" in html
    assert "Draf belum diajukan" in html


def test_operator_home_counts_usulan_by_status(login, operator_a):
    make_usulan(operator_a)
    make_usulan(operator_a)
    page = login(operator_a).get("/")
    summary = {item.label: item.count for item in page.context["summary"]}
    assert summary["Draf"] == 2
    assert summary["Diajukan, menunggu verifikasi"] == 0


def test_list_and_detail_pages_use_a_constant_number_of_queries(
    login, operator_a, django_assert_max_num_queries
):
    for _ in range(12):
        make_usulan(operator_a)
    client = login(operator_a)
    with django_assert_max_num_queries(12):
        assert client.get("/usulan/").status_code == 200
    usulan = make_usulan(operator_a, upload=True)
    with django_assert_max_num_queries(20):
        assert client.get(usulan.get_absolute_url()).status_code == 200
