"""What entering a status does happens on every path into it, single and bulk alike."""

import datetime

import pytest
from django.core.management import call_command

from kis_portal.audit.models import AuditEvent
from tests.clock import frozen, wita
from tests.usulan.factories import make_usulan, member
from usulan.models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Anggota, Catatan, Usulan
from usulan.selectors import changes_since_return
from usulan.services import (
    NothingFixed,
    usulan_advance,
    usulan_advance_bulk,
    usulan_reject,
    usulan_reply,
    usulan_return,
    usulan_save,
    usulan_submit,
)
from usulan.workflow import USULAN

pytestmark = pytest.mark.django_db

S = Usulan.Status
NOW = wita(2026, 11, 25, 10, 30)


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def placed(operator, status: str) -> Usulan:
    usulan = make_usulan(operator)
    Usulan.objects.filter(pk=usulan.pk).update(status=status)
    return Usulan.objects.get(pk=usulan.pk)


def reject_single(usulan: Usulan, by) -> None:
    usulan_reject(usulan_id=usulan.pk, by=by, reason="Sudah peserta PPU")


def advance_single(to: str):
    def move(usulan: Usulan, by) -> None:
        usulan_advance(usulan_id=usulan.pk, to=to, by=by, reason="uji")

    return move


def advance_bulk(to: str):
    def move(usulan: Usulan, by) -> None:
        locked = list(Usulan.objects.select_for_update().filter(pk=usulan.pk))
        usulan_advance_bulk(usulan_list=locked, to=to, by=by, reason="uji")

    return move


def status_rows(usulan: Usulan) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.STATUS, object_id=str(usulan.pk)
        )
        .order_by("pk")
        .values_list("from_status", "to_status")
    )


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.DIAJUKAN, reject_single),
        (S.MENUNGGU_ACC, advance_single(S.DITOLAK)),
        (S.MENUNGGU_ACC, advance_bulk(S.DITOLAK)),
    ],
    ids=["usulan_reject", "usulan_advance", "usulan_advance_bulk"],
)
def test_rejecting_frees_the_niks_on_every_path(operator_a, verifikator, start, move):
    usulan = placed(operator_a, start)
    people = list(usulan.anggota_set.order_by("pk"))
    move(usulan, verifikator)
    assert Usulan.objects.get(pk=usulan.pk).status == S.DITOLAK
    assert status_rows(usulan) == [(start, S.DITOLAK)]
    assert not Anggota.objects.filter(usulan=usulan, aktif=True).exists()
    # The same people may be proposed again in a new usulan.
    desa = operator_a.profile.desa
    again = make_usulan(
        operator_a,
        members=[
            member(desa, sex=p.jenis_kelamin, birth=p.tanggal_lahir, nik=p.nik)
            for p in people
        ],
    )
    assert set(again.anggota_set.values_list("nik", flat=True)) == {
        p.nik for p in people
    }


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.DIAJUKAN, advance_single(S.SIAP)),
        (S.MENUNGGU_ACC, advance_single(S.SIAP)),
        (S.MENUNGGU_ACC, advance_bulk(S.SIAP)),
    ],
    ids=["verifikator", "kepala dinas", "kepala dinas, bulk"],
)
def test_entering_siap_stamps_siap_sejak_on_every_path(
    operator_a, verifikator, start, move
):
    usulan = placed(operator_a, start)
    first, second = usulan.anggota_set.order_by("pk")
    # A member ready before (the household came back from BPJS) keeps its moment.
    earlier = NOW - datetime.timedelta(days=30)
    Anggota.objects.filter(pk=second.pk).update(siap_sejak=earlier)
    with frozen(NOW):
        move(usulan, verifikator)
    assert Usulan.objects.get(pk=usulan.pk).status == S.SIAP
    assert status_rows(usulan) == [(start, S.SIAP)]
    stamps = dict(usulan.anggota_set.values_list("pk", "siap_sejak"))
    assert stamps == {first.pk: NOW, second.pk: earlier}
    assert Anggota.objects.filter(usulan=usulan, aktif=True).count() == 2


def test_submitting_stamps_the_moment_and_a_resubmission_closes_the_notes(
    operator_a, verifikator
):
    usulan = make_usulan(operator_a, upload=True)
    with frozen(NOW):
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
    assert Usulan.objects.get(pk=usulan.pk).submitted_at == NOW
    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[{"item": "kk", "item_label": "Kartu Keluarga", "pesan": "Buram"}],
    )
    assert Catatan.objects.filter(usulan=usulan, selesai=False).count() == 1
    with pytest.raises(NothingFixed):  # sent back unchanged and unanswered
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan_reply(usulan_id=usulan.pk, by=operator_a, balasan="KK asli sudah jelas.")
    later = NOW + datetime.timedelta(days=2)
    with frozen(later):
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan.refresh_from_db()
    assert (usulan.status, usulan.submitted_at) == (S.DIAJUKAN, later)
    assert not Catatan.objects.filter(usulan=usulan, selesai=False).exists()
    assert status_rows(usulan) == [
        (S.DRAFT, S.DIAJUKAN),
        (S.DIAJUKAN, S.DIKEMBALIKAN),
        (S.DIKEMBALIKAN, S.DIAJUKAN),
    ]


def test_the_entering_actions_are_declared_once_in_the_workflow():
    assert set(USULAN.on_enter) == {
        S.DIAJUKAN,
        S.SIAP,
        S.DITOLAK,
        # An urgent case's decision and activation moments (usulan/darurat.py).
        S.DIKEMBALIKAN,
        S.CEK_LAPANGAN,
        S.TERDAFTAR,
    }


def test_what_the_desa_changed_since_the_return_is_listed_for_the_verifier(
    operator_a, verifikator
):
    usulan = make_usulan(operator_a, upload=True)
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[{"item": "data", "item_label": "Isian", "pesan": "Alamat salah"}],
    )
    assert changes_since_return(usulan).ada_perubahan is False
    head = usulan.anggota_set.order_by("pk").first()
    members = [
        {f: getattr(m, f) for f in MEMBER_FIELDS} | {"id": m.pk}
        for m in usulan.anggota_set.order_by("pk")
    ]
    members[0]["nama"] = "I MADE DIPERBAIKI"
    usulan_save(
        usulan=usulan,
        household={f: getattr(usulan, f) for f in HOUSEHOLD_FIELDS}
        | {"alamat": "JL. BARU NO. 2"},
        members=members,
        by=operator_a,
    )
    changes = changes_since_return(Usulan.objects.get(pk=usulan.pk))
    assert changes.keluarga == [f"Alamat: {usulan.alamat} → JL. BARU NO. 2"]
    assert changes.anggota == [
        f"I MADE DIPERBAIKI · Nama lengkap: {head.nama} → I MADE DIPERBAIKI"
    ]
    assert changes.dokumen == [] and changes.boleh_diajukan_ulang
    assert usulan_submit(usulan_id=usulan.pk, by=operator_a) is True


def test_a_new_draft_joins_this_months_open_pengajuan_never_an_earlier_one(
    operator_a,
):
    with frozen(wita(2026, 11, 20)):
        november = make_usulan(operator_a)
    with frozen(wita(2026, 12, 2)):
        december = make_usulan(operator_a)
        again = make_usulan(operator_a)
    assert november.pengajuan_id != december.pengajuan_id
    assert december.pengajuan_id == again.pengajuan_id
    assert december.pengajuan.keterangan == "Pengajuan bulan 12/2026"
