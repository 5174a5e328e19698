"""The verifier's queue, claim, checklist and decision, as the verifier meets them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from dtks.models import DtksPeriode, DtksRecord
from kis_portal.roles import Role
from rekap_bpjs.selectors import members_ready
from tests.factories import KecamatanFactory, make_user
from tests.usulan.factories import household, make_usulan, member, upload_all
from usulan.models import Anggota, Catatan, Usulan
from usulan.services import usulan_submit
from verifikasi.checklist import build_checklist
from verifikasi.models import Klaim, Pemeriksaan
from verifikasi.services import AlreadyDecided, ClaimHeld, keputusan_save, klaim_take


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def submitted(operator, **kwargs) -> Usulan:
    usulan = make_usulan(operator, **kwargs)
    upload_all(usulan, operator)
    usulan_submit(usulan_id=usulan.pk, by=operator)
    usulan.refresh_from_db()
    return usulan


def in_dtks(*usulan_list):
    periode, _ = DtksPeriode.objects.get_or_create(kode="2026-Q3")
    for usulan in usulan_list:
        for m in usulan.anggota_set.all():
            # Desil 7: APBN does not cover them, so the APBD batch takes them.
            DtksRecord.objects.create(periode=periode, nik=m.nik, nama=m.nama, desil=7)


def all_ok(usulan) -> dict:
    return {
        item.key: {"ada": True, "valid": True, "bermeterai": True}
        for item in build_checklist(usulan).items
    }


def form_all_ok(usulan) -> dict:
    data = {}
    for item in build_checklist(usulan).items:
        data.update(
            {
                f"ada-{item.key}": "1",
                f"valid-{item.key}": "1",
                f"meterai-{item.key}": "1",
            }
        )
    return data


def test_queue_lists_submitted_usulan_oldest_first_and_flags_overdue(
    login, verifikator, operator_a
):
    old = submitted(operator_a)
    new = submitted(operator_a)
    Usulan.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=25)
    )
    make_usulan(operator_a)  # a draft is not in the queue
    html = login(verifikator).get("/verifikasi/").content.decode()
    assert html.index(old.nomor) < html.index(new.nomor)
    assert "25 hari" in html and "lewat target" in html
    assert html.count("table-warning") == 1


def test_queue_filters_by_dtks_and_age(login, verifikator, operator_a):
    dtks_one = submitted(operator_a)
    other = submitted(operator_a)
    in_dtks(dtks_one)
    client = login(verifikator)
    html = client.get("/verifikasi/", {"dtks": "ya"}).content.decode()
    assert dtks_one.nomor in html and other.nomor not in html
    html = client.get("/verifikasi/", {"dtks": "tidak"}).content.decode()
    assert other.nomor in html and dtks_one.nomor not in html
    assert (
        "Tidak ada usulan yang cocok"
        in client.get("/verifikasi/", {"umur": 3}).content.decode()
    )


def test_a_claim_keeps_a_second_verifier_out_until_it_expires(operator_a, verifikator):
    other = make_user(Role.VERIFIKATOR, username="verif2")
    usulan = submitted(operator_a)
    klaim_take(usulan_id=usulan.pk, by=verifikator)
    with pytest.raises(ClaimHeld, match="sedang diperiksa oleh"):
        klaim_take(usulan_id=usulan.pk, by=other)
    Klaim.objects.filter(usulan=usulan).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    klaim = klaim_take(usulan_id=usulan.pk, by=other)
    assert klaim.verifikator == other


def test_accept_is_refused_while_an_item_is_invalid(operator_a, verifikator):
    usulan = submitted(operator_a)
    items = all_ok(usulan)
    items["sktm"]["bermeterai"] = False
    with pytest.raises(ValidationError, match="semua item ada dan valid"):
        keputusan_save(
            usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=items
        )
    usulan.refresh_from_db()
    assert usulan.status == "diajukan" and not Pemeriksaan.objects.exists()


def test_accepting_a_dtks_household_makes_its_members_ready(operator_a, verifikator):
    usulan = submitted(operator_a)
    in_dtks(usulan)
    keputusan_save(
        usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=all_ok(usulan)
    )
    usulan.refresh_from_db()
    assert usulan.status == "siap"
    assert not Anggota.objects.filter(usulan=usulan, siap_sejak__isnull=True).exists()


def test_a_non_dtks_member_sends_the_usulan_to_the_field_check(operator_a, verifikator):
    usulan = submitted(operator_a)
    keputusan_save(
        usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=all_ok(usulan)
    )
    usulan.refresh_from_db()
    assert usulan.status == "cek_lapangan"
    assert not Anggota.objects.filter(usulan=usulan, siap_sejak__isnull=False).exists()


def test_without_field_check_in_the_profile_non_dtks_goes_straight_to_ready(
    operator_a, verifikator
):
    call_command("load_profile", "makassar", verbosity=0)
    usulan = submitted(operator_a)
    keputusan_save(
        usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=all_ok(usulan)
    )
    usulan.refresh_from_db()
    assert usulan.status == "siap"


def test_return_loop_reasons_reach_desa1_who_fixes_and_resubmits(
    login, operator_a, verifikator
):
    usulan = submitted(operator_a)
    client = login(verifikator)
    data = form_all_ok(usulan)
    data.pop("meterai-sktm")
    data["pilih-sktm"] = ""
    data["alasan-sktm"] = "SKTM belum bermeterai"
    data["keputusan"] = "kembalikan"
    assert client.post(f"/verifikasi/{usulan.pk}/", data).status_code == 302
    usulan.refresh_from_db()
    assert usulan.status == "dikembalikan"
    item = Pemeriksaan.objects.get().items.get(item="sktm")
    assert (item.ada, item.valid, item.bermeterai) == (True, True, False)

    desa = login(operator_a).get(usulan.get_absolute_url()).content.decode()
    assert "Catatan verifikator: SKTM belum bermeterai" in desa
    login(operator_a).post(f"/usulan/{usulan.pk}/ajukan/")
    usulan.refresh_from_db()
    assert usulan.status == "dikembalikan"  # nothing fixed, nothing answered
    login(operator_a).post(
        f"/usulan/{usulan.pk}/ajukan/", {"balasan": "Meterai ada di halaman 2."}
    )
    usulan.refresh_from_db()
    assert usulan.status == "diajukan"
    assert (
        "Meterai ada di halaman 2."
        in login(verifikator).get(f"/verifikasi/{usulan.pk}/").content.decode()
    )
    assert not Catatan.objects.filter(usulan=usulan, selesai=False).exists()

    in_dtks(usulan)
    client = login(verifikator)
    client.post(
        f"/verifikasi/{usulan.pk}/", {**form_all_ok(usulan), "keputusan": "terima"}
    )
    usulan.refresh_from_db()
    assert usulan.status == "siap"
    assert list(usulan.pemeriksaan_set.values_list("putaran", "keputusan")) == [
        (1, "kembalikan"),
        (2, "terima"),
    ]


def test_returning_needs_a_reason_on_each_failing_item(operator_a, verifikator):
    usulan = submitted(operator_a)
    items = all_ok(usulan)
    items["kk"]["valid"] = False
    with pytest.raises(ValidationError, match="Kartu Keluarga"):
        keputusan_save(
            usulan_id=usulan.pk, by=verifikator, keputusan="kembalikan", items=items
        )
    assert Usulan.objects.get(pk=usulan.pk).status == "diajukan"


def test_reject_requires_a_reason_and_frees_the_niks(login, operator_a, verifikator):
    usulan = submitted(operator_a)
    client = login(verifikator)
    response = client.post(
        f"/verifikasi/{usulan.pk}/", {"keputusan": "tolak", "alasan": " "}, follow=True
    )
    assert "Alasan penolakan wajib diisi" in response.content.decode()
    client.post(
        f"/verifikasi/{usulan.pk}/",
        {"keputusan": "tolak", "alasan": "Mampu secara ekonomi"},
    )
    usulan.refresh_from_db()
    assert usulan.status == "ditolak"
    assert not usulan.anggota_set.filter(aktif=True).exists()


def test_a_second_decision_on_the_same_round_is_refused(operator_a, verifikator):
    other = make_user(Role.VERIFIKATOR, username="verif2")
    usulan = submitted(operator_a)
    keputusan_save(
        usulan_id=usulan.pk, by=verifikator, keputusan="tolak", items={}, alasan="x"
    )
    with pytest.raises(AlreadyDecided, match="sudah diputuskan"):
        keputusan_save(
            usulan_id=usulan.pk, by=other, keputusan="terima", items=all_ok(usulan)
        )
    assert Pemeriksaan.objects.count() == 1


def test_checklist_spots_the_same_person_under_another_nik_and_the_same_kk(
    operator_a, operator_b, verifikator
):
    usulan = submitted(operator_a)
    first = usulan.anggota_set.order_by("pk").first()
    twin = member(
        operator_b.profile.desa,
        nama=first.nama,
        tanggal_lahir=first.tanggal_lahir,
        jenis_kelamin=first.jenis_kelamin,
    )
    twin["nik"] = twin["nik"][:6] + first.nik[6:12] + "7777"
    elsewhere = make_usulan(operator_b, members=[twin])
    desa_b = operator_b.profile.desa
    same_kk = make_usulan(
        operator_b,
        household_data=household(desa_b, no_kk=usulan.no_kk),
        members=[member(desa_b, nama="KOMANG LAIN", birth=datetime.date(1990, 1, 1))],
    )
    duplicates = build_checklist(usulan).duplicates
    assert duplicates == [
        f"No. KK yang sama ada di usulan {same_kk.nomor} ({same_kk.desa}, Draf).",
        f"{first.nama} (lahir {first.tanggal_lahir:%d-%m-%Y}) juga ada di usulan "
        f"{elsewhere.nomor} ({elsewhere.desa}) dengan NIK lain.",
    ]


def test_checklist_reruns_the_intake_rules(operator_a, verifikator):
    usulan = submitted(operator_a)
    first = usulan.anggota_set.order_by("pk").first()
    Anggota.objects.filter(pk=first.pk).update(
        tanggal_lahir=first.tanggal_lahir.replace(day=1)
    )
    checklist = build_checklist(usulan)
    problems = [p for check in checklist.data_checks for p in check.problems]
    assert any("Tanggal lahir tidak sesuai NIK" in p for p in problems)
    assert checklist.duplicates == []


@pytest.mark.parametrize("role_fixture", ["operator_a", "kadis", "rekap", "loket"])
def test_only_verifiers_reach_the_queue_and_checklist(
    request, login, role_fixture, operator_a
):
    usulan = submitted(operator_a)
    client = login(request.getfixturevalue(role_fixture))
    assert client.get("/verifikasi/").status_code == 403
    assert client.get(f"/verifikasi/{usulan.pk}/").status_code == 403
    assert (
        client.post(
            f"/verifikasi/{usulan.pk}/", {"keputusan": "tolak", "alasan": "x"}
        ).status_code
        == 403
    )
    usulan.refresh_from_db()
    assert usulan.status == "diajukan"


def test_a_verifier_of_another_kecamatan_gets_404(login, operator_a, verifikator):
    verifikator.profile.kecamatan.set([KecamatanFactory(kode="51.08.09")])
    usulan = submitted(operator_a)
    client = login(verifikator)
    assert client.get(f"/verifikasi/{usulan.pk}/").status_code == 404
    assert usulan.nomor not in client.get("/verifikasi/").content.decode()


def test_claim_and_release_need_post(login, operator_a, verifikator):
    usulan = submitted(operator_a)
    client = login(verifikator)
    assert client.get(f"/verifikasi/{usulan.pk}/klaim/").status_code == 405
    assert client.post(f"/verifikasi/{usulan.pk}/klaim/").status_code == 302
    assert Klaim.objects.filter(usulan=usulan, verifikator=verifikator).exists()
    client.post(f"/verifikasi/{usulan.pk}/lepas/")
    assert not Klaim.objects.exists()


def test_queue_and_checklist_use_a_bounded_number_of_queries(
    login, operator_a, verifikator, django_assert_max_num_queries
):
    for _ in range(8):
        submitted(operator_a)
    usulan = submitted(operator_a)
    client = login(verifikator)
    # 13, and one for the urgent patients above the queue (issue 22).
    with django_assert_max_num_queries(14):
        assert client.get("/verifikasi/").status_code == 200
    with django_assert_max_num_queries(35):
        assert client.get(f"/verifikasi/{usulan.pk}/").status_code == 200


def test_ready_members_come_out_in_priority_order_then_by_readiness(
    operator_a, verifikator
):

    desa = operator_a.profile.desa
    poor = submitted(operator_a, members=[member(desa, kategori="miskin")])
    pregnant = submitted(
        operator_a,
        members=[
            member(desa, sex="P", birth=datetime.date(1995, 2, 1), kategori="hamil")
        ],
    )
    chronic = submitted(operator_a, members=[member(desa, kategori="kronis")])
    in_dtks(poor, pregnant, chronic)
    for usulan in (poor, chronic, pregnant):
        keputusan_save(
            usulan_id=usulan.pk,
            by=verifikator,
            keputusan="terima",
            items=all_ok(usulan),
        )
    ready = list(members_ready())
    assert [m.kategori for m in ready] == ["hamil", "kronis", "miskin"]
    assert all(m.siap_sejak for m in ready)


def test_ready_households_wait_on_the_rekap_home_page(
    login, operator_a, verifikator, rekap
):
    usulan = submitted(operator_a)
    in_dtks(usulan)
    keputusan_save(
        usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=all_ok(usulan)
    )
    page = login(rekap).get("/")
    [item] = page.context["waiting"]
    assert item.count == 1 and "siap diusulkan" in item.label
    listed = login(rekap).get(item.url).content.decode()
    assert usulan.nomor in listed


def test_a_decision_is_refused_while_another_verifier_holds_the_claim(
    operator_a, verifikator
):
    other = make_user(Role.VERIFIKATOR, username="verif2")
    usulan = submitted(operator_a)
    klaim_take(usulan_id=usulan.pk, by=verifikator)
    with pytest.raises(ClaimHeld, match="sedang diperiksa oleh"):
        keputusan_save(
            usulan_id=usulan.pk, by=other, keputusan="tolak", items={}, alasan="x"
        )
    assert Usulan.objects.get(pk=usulan.pk).status == "diajukan"
    assert not Pemeriksaan.objects.exists()


def test_opening_the_checklist_does_not_claim(login, operator_a, verifikator):
    usulan = submitted(operator_a)
    assert login(verifikator).get(f"/verifikasi/{usulan.pk}/").status_code == 200
    assert not Klaim.objects.exists()


def test_a_narrowed_verifier_cannot_open_another_kecamatans_pengajuan(
    login, operator_a, verifikator
):

    usulan = submitted(operator_a)
    verifikator.profile.kecamatan.set([KecamatanFactory(kode="51.08.09")])
    client = login(verifikator)
    assert client.get(f"/usulan/pengajuan/{usulan.pengajuan_id}/").status_code == 404
    doc = usulan.pengajuan.dokumen_set.first()
    assert client.get(f"/usulan/dokumen/{doc.pk}/").status_code == 404
