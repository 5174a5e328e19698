"""Fields a form does not offer are ignored when someone adds them to the POST.

Who owns a record (desa, created_by, verifier, field officer, handler), its status,
its source and its numbers are set by the portal, never by what the browser sends.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from distribusi.models import Kartu
from kis_portal.roles import Role
from pengaduan.models import Pengaduan, Tanggapan
from tests.usulan.factories import form_post, household, member
from usulan.models import Anggota, Dokumen, Pengajuan, Usulan
from verifikasi.models import CekLapangan, Pemeriksaan

from .conftest import client_for, jpeg_upload, pdf_upload
from .urlmap import sample_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo, session_keys):
    """Two desa, their operators, and a client per role."""
    desa1 = demo.users["desa1"].profile.desa
    desa2 = demo.users["desa2"].profile.desa
    return {
        "demo": demo,
        "desa1": desa1,
        "desa2": desa2,
        "other_usulan": Usulan.objects.filter(desa=desa2).order_by("pk").first(),
        "other_pengajuan": Pengajuan.objects.filter(desa=desa2).first(),
        "client": lambda role: client_for(session_keys[role]),
        "user": demo.user,
    }


def forged_ownership(world) -> dict:
    demo = world["demo"]
    return {
        "desa": world["desa2"].pk,
        "desa_id": world["desa2"].pk,
        "status": "siap",
        "sumber": "loket",
        "created_by": demo.users["admin"].pk,
        "pengajuan": world["other_pengajuan"].pk,
        "nomor": "U0000-PALSU1",
        "version": "99",
        "petugas": demo.users["verifikator"].pk,
    }


def test_operator_creating_an_usulan_keeps_its_own_desa_status_and_owner(world):
    desa1 = world["desa1"]
    data = form_post(household(desa1), [member(desa1)], **forged_ownership(world))
    response = world["client"](Role.OPERATOR_DESA).post(reverse("usulan:create"), data)
    usulan = Usulan.objects.get(no_kk=data["no_kk"])
    assert response.status_code == 302
    assert (usulan.desa, usulan.status, usulan.sumber) == (desa1, "draft", "desa")
    assert usulan.created_by == world["demo"].users["desa1"]
    assert usulan.pengajuan.desa == desa1
    assert usulan.nomor != "U0000-PALSU1" and usulan.version == 1


def test_operator_editing_cannot_move_its_usulan_or_touch_another_desas_member(world):
    usulan = sample_objects(world["demo"])["usulan"]  # desa1's complete draft
    outsider = Anggota.objects.filter(usulan=world["other_usulan"]).first()
    before = (outsider.nama, outsider.nik, outsider.usulan_id)
    own = usulan.anggota_set.order_by("pk").first()
    data = form_post(
        household(world["desa1"], no_kk=usulan.no_kk),
        [
            {
                **member(world["desa1"], nik=own.nik),
                "id": outsider.pk,  # a member of desa2's usulan
                "usulan": world["other_usulan"].pk,
                "nama": "NAMA PALSU",
            }
        ],
        initial=1,
        **forged_ownership(world),
    )
    response = world["client"](Role.OPERATOR_DESA).post(
        reverse("usulan:edit", args=[usulan.pk]), data
    )
    assert response.status_code == 200  # the form shows the bad row
    outsider.refresh_from_db()
    assert (outsider.nama, outsider.nik, outsider.usulan_id) == before
    fresh = Usulan.objects.get(pk=usulan.pk)
    assert (fresh.desa, fresh.status, fresh.sumber, fresh.pengajuan_id) == (
        usulan.desa,
        usulan.status,
        usulan.sumber,
        usulan.pengajuan_id,
    )
    assert not Anggota.objects.filter(nama="NAMA PALSU").exists()


def test_operator_cannot_upload_for_a_member_of_another_desa(world):
    usulan = sample_objects(world["demo"])["usulan"]
    outsider = Anggota.objects.filter(usulan=world["other_usulan"]).first()
    response = world["client"](Role.OPERATOR_DESA).post(
        reverse(
            "usulan:dokumen_upload", args=[usulan.pk, f"riwayat-sakit-{outsider.pk}"]
        ),
        {"berkas": pdf_upload()},
    )
    assert response.status_code == 404
    assert not Dokumen.objects.filter(anggota=outsider).exists()


def test_operator_creating_a_pengajuan_keeps_its_own_desa(world):
    response = world["client"](Role.OPERATOR_DESA).post(
        reverse("usulan:pengajuan_create"),
        {"nomor_surat": "400/099/XI/2026", **forged_ownership(world)},
    )
    pengajuan = Pengajuan.objects.get(nomor_surat="400/099/XI/2026")
    assert response.status_code == 302
    assert pengajuan.desa == world["desa1"]
    assert pengajuan.created_by == world["demo"].users["desa1"]


def test_counter_registration_keeps_its_source_and_owner(world):
    desa1 = world["desa1"]
    data = form_post(household(desa1), [member(desa1)])
    data.update(
        {
            "desa": desa1.pk,
            "status": "siap",
            "sumber": "desa",
            "created_by": world["demo"].users["desa1"].pk,
            "nomor": "U0000-PALSU2",
        }
    )
    response = world["client"](Role.LOKET).post(reverse("usulan:loket_create"), data)
    usulan = Usulan.objects.get(no_kk=data["no_kk"])
    assert response.status_code == 302
    assert usulan.sumber == "loket" and usulan.status in ("draft", "diajukan")
    assert usulan.created_by == world["demo"].users["loket"]
    assert usulan.nomor != "U0000-PALSU2"


def test_operator_complaint_keeps_its_desa_status_and_no_handler(world):
    response = world["client"](Role.OPERATOR_DESA).post(
        reverse("pengaduan:create"),
        {
            "kategori": "terlambat",
            "uraian": "Usulan sudah dua bulan belum ada kabar.",
            "pelapor_nama": "Made Palsu",
            **forged_ownership(world),
            "status": "selesai",
            "sumber": "publik",
        },
    )
    complaint = Pengaduan.objects.get(pelapor_nama="Made Palsu")
    assert response.status_code == 302
    assert (complaint.desa, complaint.status, complaint.sumber) == (
        world["desa1"],
        "baru",
        "desa",
    )
    assert complaint.petugas is None
    assert complaint.created_by == world["demo"].users["desa1"]


def test_public_complaint_keeps_its_status_source_and_no_owner(world, client):
    response = client.post(
        reverse("lapor:form"),
        {
            "pelapor_nama": "Komang Palsu",
            "pelapor_telepon": "081234567891",
            "desa": world["desa1"].pk,
            "kategori": "lainnya",
            "uraian": "Kartu saya belum pernah sampai ke rumah.",
            "status": "selesai",
            "sumber": "loket",
            "petugas": world["demo"].users["verifikator"].pk,
            "created_by": world["demo"].users["admin"].pk,
        },
    )
    complaint = Pengaduan.objects.get(pelapor_nama="Komang Palsu")
    assert response.status_code == 302
    assert (complaint.status, complaint.sumber) == ("baru", "publik")
    assert complaint.petugas is None and complaint.created_by is None


def test_operator_reply_is_never_an_internal_note(world):
    complaint = world["demo"].objects["complaint"]
    world["client"](Role.OPERATOR_DESA).post(
        reverse("pengaduan:tanggapi", args=[complaint.pk]),
        {"isi": "Warga sudah datang ke kantor desa.", "internal": "on"},
    )
    reply = Tanggapan.objects.get(isi="Warga sudah datang ke kantor desa.")
    assert reply.internal is False
    assert reply.oleh == world["demo"].users["desa1"]


def test_status_change_does_not_take_a_handler_from_the_form(world):
    complaint = Pengaduan.objects.get(desa=world["desa1"], status="diproses")
    before = complaint.petugas_id
    world["client"](Role.LOKET).post(
        reverse("pengaduan:status", args=[complaint.pk]),
        {
            "status": "menunggu_bpjs",
            "alasan": "Ditanyakan ke BPJS",
            "petugas": world["demo"].users["distribusi"].pk,
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == "menunggu_bpjs"
    assert complaint.petugas_id == before  # already assigned: kept


def test_verifier_decision_is_recorded_under_the_verifier(world):
    usulan = sample_objects(world["demo"])["diajukan"]
    world["client"](Role.VERIFIKATOR).post(
        reverse("verifikasi:periksa", args=[usulan.pk]),
        {
            "keputusan": "tolak",
            "alasan": "Sudah peserta PPU.",
            "verifikator": world["demo"].users["kadis"].pk,
            "putaran": "9",
            "status": "siap",
        },
    )
    check = Pemeriksaan.objects.get(usulan=usulan)
    assert check.verifikator == world["demo"].users["verifikator"]
    assert check.putaran == 1
    assert Usulan.objects.get(pk=usulan.pk).status == "ditolak"


def test_field_check_is_recorded_under_the_field_officer(world):
    usulan = sample_objects(world["demo"])["cek_lapangan"]
    world["client"](Role.LAPANGAN).post(
        reverse("verifikasi:lapangan_form", args=[usulan.pk]),
        {
            "tanggal_kunjungan": timezone.localdate().isoformat(),
            "temuan": "Rumah semi permanen, berlantai tanah.",
            "rekomendasi": "layak",
            "foto": jpeg_upload(),
            "petugas": world["demo"].users["kadis"].pk,
            "status": "siap",
        },
    )
    cek = CekLapangan.objects.filter(usulan=usulan).latest("pk")
    assert cek.petugas == world["demo"].users["lapangan"]
    assert Usulan.objects.get(pk=usulan.pk).status == "menunggu_acc"


def test_card_confirmation_takes_neither_status_nor_confirmer_from_the_form(world):
    kartu = world["demo"].objects["kartu"]
    world["client"](Role.OPERATOR_DESA).post(
        reverse("distribusi:kartu_diterima", args=[kartu.pk]),
        {
            "tanggal": timezone.localdate().isoformat(),
            "status": "dikembalikan",
            "warga_dikonfirmasi_oleh": world["demo"].users["admin"].pk,
        },
    )
    kartu.refresh_from_db()
    assert kartu.status == Kartu.Status.DITERIMA_WARGA
    assert kartu.warga_dikonfirmasi_oleh == world["demo"].users["desa1"]


def test_cards_of_one_desa_cannot_be_handed_to_another(world):
    kartu = Kartu.objects.filter(
        desa=world["desa1"], status=Kartu.Status.DITERIMA_DINSOS
    ).first()
    response = world["client"](Role.DISTRIBUSI).post(
        reverse("distribusi:serah_terima_baru"),
        {
            "desa": world["desa2"].pk,
            "kartu": kartu.pk,
            "penerima_nama": "Kadek Palsu",
        },
    )
    kartu.refresh_from_db()
    assert kartu.status == Kartu.Status.DITERIMA_DINSOS and kartu.serah_terima is None
    assert "Semua kartu harus milik" in str(response.context["form"].errors)
