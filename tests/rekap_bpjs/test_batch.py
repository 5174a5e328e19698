"""The monthly batch: priority order, quota, households kept together, lock snapshot."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kis_portal.offices.models import OfficeProfile
from rekap_bpjs.models import Batch, BatchItem
from rekap_bpjs.services import BatchLocked, batch_build, batch_lock, batch_set_member
from rekap_bpjs.snapshot import member_snapshot, region_codes
from tests.clock import WITA
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def taken(batch) -> list[BatchItem]:
    return list(batch.items.filter(diambil=True).select_related("anggota"))


def test_600_ready_members_give_exactly_500_in_priority_order(operator_a, rekap):
    minute = 0
    plan = [
        ("miskin", 300),
        ("disabilitas", 100),
        ("kronis", 100),
        ("hamil", 50),
        ("tambahan", 50),
    ]
    for kategori, count in plan:
        for _ in range(count):
            minute += 1
            ready_household(operator_a, kategori=kategori, minutes=minute)
    result = batch_build(periode="2026-11", by=rekap)
    assert result.diambil == 500
    items = list(result.batch.items.order_by("urutan"))
    order = ["tambahan", "hamil", "kronis", "disabilitas", "miskin"]
    ranks = [order.index(i.anggota.kategori) for i in items]
    assert ranks == sorted(ranks)
    waiting = [i for i in items if not i.diambil]
    assert len(waiting) == 100
    assert all(i.anggota.kategori == "miskin" for i in waiting)
    # Within a category, earlier-ready members come first.
    poor = [i for i in items if i.anggota.kategori == "miskin"]
    assert [i.anggota.siap_sejak for i in poor] == sorted(
        i.anggota.siap_sejak for i in poor
    )
    assert all(i.alasan.startswith("Kuota penuh") for i in waiting)


def test_a_household_that_does_not_fit_waits_and_smaller_ones_fill_in(
    operator_a, rekap
):

    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=5)
    first = ready_household(operator_a, size=3, minutes=1)
    big = ready_household(operator_a, size=4, minutes=2)
    small = ready_household(operator_a, size=2, minutes=3)
    batch = batch_build(periode="2026-11", by=rekap).batch
    in_batch = {i.anggota.usulan_id for i in taken(batch)}
    assert in_batch == {first.pk, small.pk}
    assert len(taken(batch)) == 5
    held = batch.items.filter(anggota__usulan=big)
    assert held.count() == 4 and not held.filter(diambil=True).exists()  # never split
    assert "tidak muat" in held.first().alasan


def test_carried_over_members_keep_their_place_next_month(operator_a, rekap):
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=1)
    early = ready_household(operator_a, minutes=1)
    late = ready_household(operator_a, minutes=2)
    november = batch_build(periode="2026-11", by=rekap).batch
    batch_lock(periode="2026-11", by=rekap)
    newer = ready_household(operator_a, minutes=3)
    december = batch_build(periode="2026-12", by=rekap).batch
    assert [i.anggota.usulan_id for i in taken(november)] == [early.pk]
    assert [i.anggota.usulan_id for i in taken(december)] == [late.pk]
    assert december.items.get(anggota__usulan=newer).alasan.startswith("Kuota penuh")


def test_staff_add_and_remove_with_a_reason_and_a_rebuild_keeps_them(operator_a, rekap):
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=1)
    first = ready_household(operator_a, minutes=1)
    second = ready_household(operator_a, minutes=2)
    batch_build(periode="2026-11", by=rekap)
    one, two = first.anggota_set.get(), second.anggota_set.get()
    with pytest.raises(ValidationError):
        batch_set_member(
            periode="2026-11", anggota_id=one.pk, ambil=False, alasan=" ", by=rekap
        )
    batch_set_member(
        periode="2026-11",
        anggota_id=one.pk,
        ambil=False,
        alasan="Pindah domisili",
        by=rekap,
    )
    batch_set_member(
        periode="2026-11",
        anggota_id=two.pk,
        ambil=True,
        alasan="Rujukan RSUD mendesak",
        by=rekap,
    )
    batch = batch_build(periode="2026-11", by=rekap).batch
    assert [i.anggota_id for i in taken(batch)] == [two.pk]
    assert batch.items.get(anggota=one).alasan == "Pindah domisili"


def test_members_ready_after_the_cutoff_wait_for_next_month(operator_a, rekap):
    late = ready_household(operator_a)
    Anggota.objects.filter(usulan=late).update(
        siap_sejak=datetime.datetime(2026, 11, 21, 8, 0, tzinfo=WITA)
    )
    batch = batch_build(periode="2026-11", by=rekap).batch
    assert not taken(batch)
    assert "tanggal batas 20-11-2026" in batch.items.get().alasan


@pytest.mark.parametrize(
    ("ready_at", "taken_in_november"),
    [
        # 23:59:59 WITA on the 20th is 15:59:59 UTC: in.
        (datetime.datetime(2026, 11, 20, 23, 59, 59, tzinfo=WITA), True),
        # 00:00 WITA on the 21st is still the 20th in UTC (16:00): out.
        (datetime.datetime(2026, 11, 21, 0, 0, tzinfo=WITA), False),
    ],
    ids=["last-second-of-the-20th", "first-second-of-the-21st"],
)
def test_the_cutoff_day_ends_at_midnight_wita_not_utc(
    operator_a, rekap, ready_at, taken_in_november
):
    usulan = ready_household(operator_a)
    Anggota.objects.filter(usulan=usulan).update(siap_sejak=ready_at)
    batch = batch_build(periode="2026-11", by=rekap).batch
    assert bool(taken(batch)) is taken_in_november


def test_lock_freezes_what_was_sent(operator_a, rekap):
    usulan = ready_household(operator_a, size=2)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    assert batch.status == Batch.Status.TERKUNCI
    item = batch.items.filter(diambil=True).order_by("urutan").first()
    snapshot = dict(item.snapshot)
    assert snapshot["nik"] == item.nik and snapshot["jenis_peserta"] == "22"
    Anggota.objects.filter(pk=item.anggota_id).update(nama="NAMA DIUBAH")
    item.refresh_from_db()
    assert item.snapshot == snapshot and item.snapshot["nama"] != "NAMA DIUBAH"
    assert Usulan.objects.get(pk=usulan.pk).status == Usulan.Status.DIKIRIM
    with pytest.raises(BatchLocked):
        batch_build(periode="2026-11", by=rekap)
    assert batch_lock(periode="2026-11", by=rekap).locked_at == batch.locked_at


def test_the_lock_stores_what_member_snapshot_makes_of_each_whole_member(
    operator_a, rekap
):
    """The lock reads members as plain values, not model instances: what it
    stores is what member_snapshot makes of the full Anggota, field for field,
    for a MIG37 family, a member without a phone and one with a note."""
    plain = ready_household(operator_a, size=2, minutes=1)
    mig37 = ready_household(operator_a, size=3, minutes=2)
    batch_build(periode="2026-11", by=rekap)
    Usulan.objects.filter(pk=mig37.pk).update(
        jenis="MIG37",
        segmen_asal="mandiri",
        noka_lama="0001261832477",
        telepon="081234567890",
    )
    head, second, third = mig37.anggota_set.order_by("pk")
    Anggota.objects.filter(pk=head.pk).update(noka_lama="0001261832477")
    Anggota.objects.filter(pk=second.pk).update(telepon="", catatan="pindah desa")
    Anggota.objects.filter(pk=third.pk).update(kode_faskes="1708R001", nama_faskes="")
    batch_lock(periode="2026-11", by=rekap)
    items = BatchItem.objects.filter(batch__periode="2026-11", diambil=True)
    profile = OfficeProfile.objects.get(is_active=True)
    compared = 0
    for item in items.order_by("urutan"):
        whole = Anggota.objects.select_related("usulan__desa__kecamatan").get(
            pk=item.anggota_id
        )
        made = member_snapshot(
            whole,
            nomor_urut=item.snapshot["nomor_urut"],
            dtks_label=item.snapshot["status_dtks"],
            profile=profile,
            periode="2026-11",
        )
        assert item.snapshot == made
        compared += 1
    assert compared == 5
    by_nik = {item.nik: item.snapshot for item in items}
    assert by_nik[head.nik]["noka"] == "0001261832477"
    assert by_nik[head.nik]["segmen_asal"] and by_nik[head.nik]["jenis_mutasi"]
    assert by_nik[second.nik]["no_hp"] == "081234567890"  # the household's
    assert by_nik[second.nik]["keterangan"] == "pindah desa"
    assert by_nik[third.nik]["noka"] == ""  # the head's card only
    assert {plain.pk, mig37.pk} == set(
        Usulan.objects.filter(status=Usulan.Status.DIKIRIM).values_list("pk", flat=True)
    )


def test_each_household_of_a_lock_carries_its_own_desa_and_origin(
    operator_a, operator_b, rekap
):
    """The lock makes each desa's fields once for all its households: two desa
    in one batch keep their own names and codes, and a MIG37 household's
    origin is written as its label."""
    households = [
        ready_household(operator_a, minutes=1),
        ready_household(operator_b, minutes=2),
        ready_household(operator_a, minutes=3),
    ]
    Usulan.objects.filter(pk=households[1].pk).update(
        jenis="MIG37", segmen_asal="pbi_apbn", noka_lama="0001261832477"
    )
    batch_build(periode="2026-11", by=rekap)
    batch_lock(periode="2026-11", by=rekap)
    style = OfficeProfile.objects.get(is_active=True).kode_wilayah
    items = BatchItem.objects.filter(batch__periode="2026-11", diambil=True)
    seen = set()
    for item in items.select_related("anggota__usulan__desa__kecamatan"):
        desa = item.anggota.usulan.desa
        assert item.snapshot["nama_desa"] == desa.nama
        assert item.snapshot["kode_desa_portal"] == desa.kode
        assert item.snapshot["nama_kecamatan"] == desa.kecamatan.nama
        assert item.snapshot["kode_desa"] == region_codes(desa.kode, style)["kode_desa"]
        seen.add(desa.pk)
        if item.anggota.usulan_id == households[1].pk:
            assert item.snapshot["segmen_asal"] == "PBI APBN"
            assert item.snapshot["jenis_mutasi"] == "PERALIHAN DARI PBI APBN"
        else:
            assert item.snapshot["segmen_asal"] == ""
    assert seen == {operator_a.profile.desa_id, operator_b.profile.desa_id}


def test_build_batch_command_prints_count_and_reasons(operator_a, rekap, capsys):
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=1)
    ready_household(operator_a, minutes=1)
    ready_household(operator_a, minutes=2)
    call_command("build_batch", "2026-11")
    out = capsys.readouterr().out
    assert (
        "Rekap 2026-11: 1 orang masuk rekap (kuota 1 orang, batas 20-11-2026)." in out
    )
    assert "menunggu: 1 orang - Kuota penuh" in out


def test_build_batch_command_without_a_quota_says_so_once(operator_a, rekap, capsys):
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=None)
    ready_household(operator_a, minutes=1)
    call_command("build_batch", "2026-11")
    out = capsys.readouterr().out
    assert "1 orang masuk rekap (kuota tidak dibatasi, batas 20-11-2026)." in out
    assert "kuota tanpa kuota" not in out


def test_only_rekap_staff_build(operator_a, verifikator):
    with pytest.raises(ValidationError, match="staf rekap"):
        batch_build(periode="2026-11", by=verifikator)
    assert not Batch.objects.exists()


def test_a_member_failed_by_bpjs_can_enter_a_later_batch_once_fixed(operator_a, rekap):
    usulan = ready_household(operator_a)
    batch_build(periode="2026-11", by=rekap)
    batch_lock(periode="2026-11", by=rekap)
    BatchItem.objects.filter(batch__periode="2026-11").update(
        hasil="gagal", keterangan="NIK tidak padan di Dukcapil"
    )
    # Fixed by the desa, verified again: ready once more.
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.SIAP)
    december = batch_build(periode="2026-12", by=rekap).batch
    assert [i.anggota.usulan_id for i in taken(december)] == [usulan.pk]


def test_lane_comes_before_kategori_urgent_then_reactivation_then_the_rest(
    operator_a, rekap
):
    """An urgent patient ready last still goes first, a reactivation next, and
    the kategori order (tambahan first) only ranks inside a lane."""
    ordinary = ready_household(operator_a, kategori="tambahan", minutes=1)
    reactivated = ready_household(operator_a, kategori="miskin", minutes=2)
    urgent = ready_household(operator_a, kategori="miskin", minutes=3)
    Usulan.objects.filter(pk=reactivated.pk).update(jalur=Usulan.Jalur.REAKTIVASI)
    Usulan.objects.filter(pk=urgent.pk).update(jalur=Usulan.Jalur.DARURAT)
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=2)
    result = batch_build(periode="2026-11", by=rekap)
    items = list(result.batch.items.order_by("urutan"))
    assert [i.anggota.usulan_id for i in items] == [
        urgent.pk,
        reactivated.pk,
        ordinary.pk,
    ]
    assert [i.diambil for i in items] == [True, True, False]
