"""Field check, the head of office's approval and the SK penetapan, as people meet them."""

import hashlib
import io
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kis_portal.audit.models import AuditEvent
from kis_portal.privacy import mask_identifier
from kis_portal.roles import Role
from tests.factories import KecamatanFactory, make_user
from tests.usulan.factories import make_usulan, pdf_file
from usulan.models import Anggota, Usulan
from usulan.services import usulan_advance, usulan_submit
from verifikasi.approval import cek_lapangan_record, persetujuan_decide, sk_issue
from verifikasi.models import (
    CekLapangan,
    FotoLapangan,
    Pemeriksaan,
    Persetujuan,
    SkPenetapan,
)

S = Usulan.Status


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def png(name: str = "rumah.png", color=(180, 120, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def waiting_field_check(operator, verifikator) -> Usulan:
    """A submitted usulan the verifier accepted and sent to the field (not in DTKS)."""
    usulan = make_usulan(operator, upload=True)
    usulan_submit(usulan_id=usulan.pk, by=operator)
    usulan_advance(usulan_id=usulan.pk, to=S.CEK_LAPANGAN, by=verifikator)
    Pemeriksaan.objects.create(
        usulan=usulan, putaran=1, verifikator=verifikator, keputusan="terima"
    )
    usulan.refresh_from_db()
    return usulan


def waiting_approval(operator, verifikator, lapangan) -> Usulan:
    usulan = waiting_field_check(operator, verifikator)
    cek_lapangan_record(
        usulan_id=usulan.pk,
        by=lapangan,
        tanggal_kunjungan=timezone.localdate(),
        temuan="Rumah bambu berlantai tanah, kepala keluarga buruh harian.",
        rekomendasi="layak",
        photos=[png()],
    )
    usulan.refresh_from_db()
    return usulan


def visit(**extra) -> dict:
    data = {
        "tanggal_kunjungan": timezone.localdate().isoformat(),
        "temuan": "Dinding anyaman bambu, atap bocor, tidak ada kendaraan.",
        "rekomendasi": "layak",
    }
    data.update(extra)
    return data


def media_files(settings, folder: str) -> list:
    root = settings.MEDIA_ROOT / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Field check ----------------------------------------------------------------


def test_field_officer_records_a_visit_with_two_photos_and_it_waits_for_the_head(
    client, login, lapangan, operator_a, verifikator, settings
):
    usulan = waiting_field_check(operator_a, verifikator)
    nik = usulan.anggota_set.first().nik
    login(lapangan)

    listing = client.post(
        reverse("verifikasi:lapangan_list"), {"q": "MADE"}, follow=True
    )
    assertContains(listing, reverse("verifikasi:lapangan_form", args=[usulan.pk]))
    assertContains(
        client.post(
            reverse("verifikasi:lapangan_list"), {"q": "tidak-ada"}, follow=True
        ),
        "Tidak ada usulan yang cocok",
    )
    page = client.get(reverse("verifikasi:lapangan_form", args=[usulan.pk]))
    assertContains(page, 'accept="image/*"')
    assertNotContains(page, "capture")  # camera or gallery, the user's choice
    assertContains(page, "multiple")
    assertContains(page, mask_identifier(nik))
    assertNotContains(page, nik)
    assertContains(page, "DTKS belum diimpor")

    response = client.post(
        reverse("verifikasi:lapangan_form", args=[usulan.pk]),
        {**visit(), "foto": [png("depan.png"), png("dapur.png", (10, 10, 10))]},
    )

    assertRedirects(response, reverse("verifikasi:lapangan_list"))
    usulan.refresh_from_db()
    assert usulan.status == S.MENUNGGU_ACC
    cek = CekLapangan.objects.get(usulan=usulan)
    assert (cek.petugas, cek.rekomendasi) == (lapangan, "layak")
    photos = list(FotoLapangan.objects.filter(cek=cek))
    assert len(photos) == 2
    for photo in photos:
        with photo.file.open("rb") as stored:
            content = stored.read()
        assert photo.content_type == "image/jpeg"
        assert content.startswith(b"\xff\xd8\xff")  # re-encoded from PNG
        assert photo.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEvent.objects.filter(
        object_id=str(usulan.pk), action="status", to_status=S.MENUNGGU_ACC
    ).exists()

    shown = client.get(photos[0].get_absolute_url())
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in shown["Cache-Control"]
    assert "attachment" not in shown.get("Content-Disposition", "")
    assert b"".join(shown.streaming_content).startswith(b"\xff\xd8\xff")
    # Recorded: the form is not offered twice.
    again = client.get(reverse("verifikasi:lapangan_form", args=[usulan.pk]))
    assertRedirects(again, reverse("verifikasi:lapangan_list"))


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(
    client, login, lapangan, operator_a, verifikator, settings
):
    usulan = waiting_field_check(operator_a, verifikator)
    login(lapangan)

    response = client.post(
        reverse("verifikasi:lapangan_form", args=[usulan.pk]),
        {**visit(), "foto": [png(), pdf_file("rumah.jpg")]},
    )

    assert response.status_code == 200
    assertContains(response, "Foto 2 (rumah.jpg): Jenis berkas tidak diterima")
    usulan.refresh_from_db()
    assert usulan.status == S.CEK_LAPANGAN
    assert not CekLapangan.objects.exists()
    assert not FotoLapangan.objects.exists()
    assert media_files(settings, "lapangan") == []


def test_a_field_officer_outside_the_assigned_kecamatan_gets_404(
    client, login, lapangan, operator_a, verifikator
):
    usulan = waiting_field_check(operator_a, verifikator)
    elsewhere = make_user(
        Role.LAPANGAN, username="lapangan_lain", kecamatan=[KecamatanFactory()]
    )
    login(elsewhere)
    form_url = reverse("verifikasi:lapangan_form", args=[usulan.pk])

    assert client.get(form_url).status_code == 404
    assert client.post(form_url, {**visit(), "foto": [png()]}).status_code == 404
    assertNotContains(client.get(reverse("verifikasi:lapangan_list")), form_url)
    with pytest.raises(ValidationError, match="di luar kecamatan"):
        cek_lapangan_record(
            usulan_id=usulan.pk,
            by=elsewhere,
            tanggal_kunjungan=timezone.localdate(),
            temuan="x",
            rekomendasi="layak",
            photos=[png()],
        )
    # Another officer's photo is not theirs to see either.
    usulan = waiting_approval(operator_a, verifikator, lapangan)
    foto = FotoLapangan.objects.get(cek__usulan=usulan)
    assert client.get(foto.get_absolute_url()).status_code == 404


# --- Approval -------------------------------------------------------------------


def test_the_head_approves_three_at_once_after_one_confirmation(
    client, login, kadis, lapangan, operator_a, verifikator
):
    waiting = [waiting_approval(operator_a, verifikator, lapangan) for _ in range(3)]
    ids = [str(u.pk) for u in waiting]
    login(kadis)

    listing = client.get(reverse("verifikasi:approval_list"))
    for usulan in waiting:
        assertContains(listing, usulan.nomor)
    assertContains(listing, "Setujui terpilih")
    assertContains(listing, "Layak dibantu")
    foto = FotoLapangan.objects.filter(cek__usulan=waiting[0]).first()
    assertContains(listing, foto.get_absolute_url())
    shown = client.get(foto.get_absolute_url())
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content)  # consuming it closes the file

    confirm = client.post(
        reverse("verifikasi:approval_confirm"), {"usulan": ids, "keputusan": "setuju"}
    )
    assertContains(confirm, "Setujui 3 usulan?")
    assert Usulan.objects.filter(status=S.MENUNGGU_ACC).count() == 3

    done = client.post(
        reverse("verifikasi:approval_confirm"),
        {"usulan": ids, "keputusan": "setuju", "confirm": "1"},
    )

    assertRedirects(done, reverse("verifikasi:approval_list"))
    assert Usulan.objects.filter(status=S.SIAP).count() == 3
    assert Persetujuan.objects.filter(kadis=kadis, keputusan="setuju").count() == 3
    members = Anggota.objects.filter(usulan__in=waiting)
    assert members.count() == 6
    assert not members.filter(siap_sejak__isnull=True).exists()


def test_declining_needs_a_reason(
    client, login, kadis, lapangan, operator_a, verifikator
):
    usulan = waiting_approval(operator_a, verifikator, lapangan)

    with pytest.raises(ValidationError, match="Alasan wajib diisi"):
        persetujuan_decide(usulan_ids=[usulan.pk], by=kadis, keputusan="tolak")
    login(kadis)
    response = client.post(
        reverse("verifikasi:approval_confirm"),
        {"usulan": [usulan.pk], "keputusan": "tolak", "alasan": " ", "confirm": "1"},
        follow=True,
    )

    assertContains(response, "Tuliskan alasan")
    usulan.refresh_from_db()
    assert usulan.status == S.MENUNGGU_ACC
    assert not Persetujuan.objects.exists()


def test_declining_with_a_reason_closes_the_usulan_and_frees_the_niks(
    client, login, kadis, lapangan, operator_a, verifikator
):
    usulan = waiting_approval(operator_a, verifikator, lapangan)
    login(kadis)
    data = {"usulan": [usulan.pk], "keputusan": "tolak", "alasan": "Rumah layak huni"}

    assertContains(
        client.post(reverse("verifikasi:approval_confirm"), data), "Tolak 1 usulan?"
    )
    client.post(reverse("verifikasi:approval_confirm"), {**data, "confirm": "1"})

    usulan.refresh_from_db()
    assert usulan.status == S.DITOLAK
    assert Persetujuan.objects.get(usulan=usulan).alasan == "Rumah layak huni"
    assert not usulan.anggota_set.filter(aktif=True).exists()
    assert AuditEvent.objects.filter(
        object_id=str(usulan.pk), to_status=S.DITOLAK, reason__contains="layak huni"
    ).exists()


def test_whoever_verified_cannot_approve(client, login, lapangan, operator_a):
    both = make_user(Role.VERIFIKATOR, username="verif_kadis")
    both.groups.add(Group.objects.get(name="kepala_dinas"))
    usulan = waiting_approval(operator_a, both, lapangan)

    with pytest.raises(ValidationError, match=f"{usulan.nomor}.*pemisahan tugas"):
        persetujuan_decide(usulan_ids=[usulan.pk], by=both, keputusan="setuju")
    login(both)
    assertContains(client.get(reverse("verifikasi:approval_list")), "pemisahan tugas")

    usulan.refresh_from_db()
    assert usulan.status == S.MENUNGGU_ACC
    assert not Persetujuan.objects.exists()


def test_a_batch_with_one_invalid_usulan_changes_nothing(
    kadis, lapangan, operator_a, verifikator
):
    ready = [waiting_approval(operator_a, verifikator, lapangan) for _ in range(2)]
    not_checked = waiting_field_check(operator_a, verifikator)

    with pytest.raises(ValidationError) as refused:
        persetujuan_decide(
            usulan_ids=[u.pk for u in [*ready, not_checked]],
            by=kadis,
            keputusan="setuju",
        )

    assert refused.value.messages == [
        f"Usulan {not_checked.nomor} tidak sedang menunggu persetujuan "
        "(status: Menunggu cek lapangan (non-DTKS))."
    ]
    assert Usulan.objects.filter(status=S.MENUNGGU_ACC).count() == 2
    assert not Persetujuan.objects.exists()
    assert not Anggota.objects.filter(siap_sejak__isnull=False).exists()


def test_post_only_views_refuse_get(client, login, kadis):
    login(kadis)
    assert client.get(reverse("verifikasi:approval_confirm")).status_code == 405
    assert client.get(reverse("verifikasi:sk_issue")).status_code == 405


def test_roles_without_the_right_get_403(
    client, login, verifikator, operator_a, lapangan, kadis
):
    login(verifikator)
    assert client.get(reverse("verifikasi:approval_list")).status_code == 403
    assert client.get(reverse("verifikasi:lapangan_list")).status_code == 403
    assert client.get(reverse("verifikasi:sk_list")).status_code == 403
    login(operator_a)
    for name in ("approval_list", "lapangan_list", "sk_list"):
        assert client.get(reverse(f"verifikasi:{name}")).status_code == 403
    assert (
        client.post(
            reverse("verifikasi:approval_confirm"), {"keputusan": "setuju"}
        ).status_code
        == 403
    )
    login(lapangan)
    assert client.get(reverse("verifikasi:approval_list")).status_code == 403


def test_home_pages_show_what_waits(
    client, login, kadis, lapangan, operator_a, verifikator
):
    waiting_field_check(operator_a, verifikator)
    waiting_approval(operator_a, verifikator, lapangan)

    home = login(lapangan).get(reverse("home"))
    assertContains(home, "Cek lapangan menunggu")
    assertContains(home, reverse("verifikasi:lapangan_list"))
    home = login(kadis).get(reverse("home"))
    assertContains(home, "Menunggu persetujuan Anda")
    assertContains(home, reverse("verifikasi:approval_list"))


# --- SK penetapan -----------------------------------------------------------------


def approved(operator, verifikator, lapangan, kadis) -> Usulan:
    usulan = waiting_approval(operator, verifikator, lapangan)
    persetujuan_decide(usulan_ids=[usulan.pk], by=kadis, keputusan="setuju")
    return usulan


@pytest.mark.usefixtures("clock_still")  # both batches in one month
def test_the_head_issues_numbered_decrees_for_the_month(
    client, login, kadis, lapangan, operator_a, verifikator
):
    call_command("load_profile", "lombok-timur", verbosity=0)
    first = [approved(operator_a, verifikator, lapangan, kadis) for _ in range(2)]
    today = timezone.localdate()
    periode = f"{today:%Y-%m}"
    login(kadis)
    assertContains(client.get(reverse("verifikasi:sk_list")), "Terbitkan SK")

    response = client.post(reverse("verifikasi:sk_issue"), {"periode": periode})

    assertRedirects(response, reverse("verifikasi:sk_list"))
    sk = SkPenetapan.objects.get()
    assert sk.nomor == f"SK/001/DINSOS/{today.year}"
    assert (sk.urut, sk.periode, sk.kadis) == (1, periode, kadis)
    members = list(Anggota.objects.filter(usulan__in=first))
    assert set(sk.anggota.all()) == set(members)
    download = client.get(reverse("verifikasi:sk_pdf", args=[sk.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    content = b"".join(download.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    assert f"NOMOR SK/001/DINSOS/{today.year}" in flat
    assert "KEPUTUSAN KEPALA DINAS SOSIAL KABUPATEN LOMBOK TIMUR" in flat
    assert "PENETAPAN PESERTA PBI JAMINAN KESEHATAN APBD" in flat
    assert "Kepala Dinas" in flat and "Selong" in flat
    assert "Jumlah: 4 orang" in flat
    for member in members:
        assert mask_identifier(member.nik) in flat
        assert member.nik not in flat
        assert member.nama in flat

    # Nothing left for the month: refused, and the number is not used up.
    with pytest.raises(ValidationError, match="Tidak ada peserta"):
        sk_issue(periode=periode, by=kadis)
    second_batch = approved(operator_a, verifikator, lapangan, kadis)
    client.post(reverse("verifikasi:sk_issue"), {"periode": periode})
    second = SkPenetapan.objects.get(urut=2)
    assert second.nomor == f"SK/002/DINSOS/{today.year}"
    assert set(second.anggota.all()) == set(second_batch.anggota_set.all())
    assertContains(client.get(reverse("verifikasi:sk_list")), second.nomor)


def test_no_decree_where_the_office_does_not_issue_them(
    client, login, kadis, admin_user
):
    with pytest.raises(ValidationError, match="tidak menerbitkan SK"):
        sk_issue(periode=f"{timezone.localdate():%Y-%m}", by=kadis)
    page = login(admin_user).get(reverse("verifikasi:sk_list"))
    assertContains(page, "tidak menerbitkan SK penetapan")
    assertNotContains(page, "Terbitkan SK")
    assert not SkPenetapan.objects.exists()


# --- PostgreSQL -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_heads_approving_the_same_usulan_at_once_decide_it_once(
    kadis, lapangan, operator_a, verifikator
):
    other = make_user(Role.KADIS, username="kadis_dua")
    usulan = waiting_approval(operator_a, verifikator, lapangan)
    heads = [kadis, other]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def decide(index: int) -> None:
        try:
            barrier.wait()
            results[index] = persetujuan_decide(
                usulan_ids=[usulan.pk], by=heads[index], keputusan="setuju"
            )
        except Exception as exc:  # noqa: BLE001 - the test inspects both outcomes
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    won = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "sudah diputuskan (Disetujui)" in lost[0].messages[0]
    assert Persetujuan.objects.filter(usulan=usulan).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_id=str(usulan.pk), to_status=S.SIAP, action="status"
        ).count()
        == 1
    )
