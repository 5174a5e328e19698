"""One small regency's pipeline, built with the apps' own services.

Desa A (operator_a): a household of 3 (miskin) and one of 2 (disabilitas) enrolled
in batch 2026-11, a household of 2 (hamil) failed there; one usulan submitted in
September whose verification took 25 days, one submitted in October decided in
3 days, one submitted in September still waiting; one draft.
Desa B (operator_b): a household of 2 (kronis) enrolled in batch 2026-11 and one
usulan rejected.
Complaints (today): two from desa A, one from desa B.
The clock stands at 25 November 2026, 10:00 WITA for every test of the reports, so
"this month" is November 2026 whatever day the suite runs on (tests/clock.py).
Cards: every enrolled member's card received; desa A's handed over, two of them
confirmed received by the citizen; desa B's kept at the office, one of desa B's
enrolled members without a card record.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from distribusi.services import (
    Penerima,
    kartu_confirm_received,
    kartu_receive_batch,
    serah_terima_create,
)
from rekap_bpjs.models import Batch
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.clock import frozen, wita
from tests.distribusi.factories import noka_for
from tests.pengaduan.factories import complaint
from tests.rekap_bpjs.factories import ready_household
from tests.usulan.factories import make_usulan
from usulan.models import Usulan
from usulan.services import usulan_advance, usulan_reject, usulan_submit

TODAY = wita(2026, 11, 25, 10)


@pytest.fixture(autouse=True)
def _clock():
    with frozen(TODAY):
        yield


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def submitted(operator, when: datetime.datetime) -> Usulan:
    """A complete usulan submitted at `when` (the history carries that moment)."""
    with frozen(when):
        usulan = make_usulan(operator, upload=True)
        usulan_submit(usulan_id=usulan.pk, by=operator)
    return usulan


def decided(usulan: Usulan, to: str, by, when: datetime.datetime) -> None:
    with frozen(when):
        if to == Usulan.Status.DITOLAK:
            usulan_reject(usulan_id=usulan.pk, by=by, reason="Mampu secara ekonomi")
        else:
            usulan_advance(usulan_id=usulan.pk, to=to, by=by, reason="Lengkap")


def batch_with_results(rekap, households, *, periode: str, gagal=()) -> Batch:
    """Lock a batch of ready households; BPJS enrols all but the `gagal` usulan."""
    batch_build(periode=periode, by=rekap)
    batch = batch_lock(periode=periode, by=rekap)
    failed_ids = {u.pk for u in gagal}
    lines = ["NIK;NO KARTU;STATUS;KETERANGAN;TMT"]
    for item in batch.items.filter(diambil=True).select_related("anggota"):
        if item.anggota.usulan_id in failed_ids:
            lines.append(f"'{item.nik};;GAGAL;Faskes tidak valid;")
        else:
            lines.append(f"'{item.nik};'{noka_for(item.anggota)};BERHASIL;;01-12-2026")
    result_apply(
        periode=periode,
        content="\n".join(lines).encode(),
        filename="hasil.csv",
        by=rekap,
    )
    return batch


@pytest.fixture
def pipeline(operator_a, operator_b, verifikator, rekap, distribusi, desa_a, desa_b):
    a_big = ready_household(operator_a, size=3, kategori="miskin", minutes=1)
    a_small = ready_household(operator_a, size=2, kategori="disabilitas", minutes=2)
    a_failed = ready_household(operator_a, size=2, kategori="hamil", minutes=3)
    b_one = ready_household(operator_b, size=2, kategori="kronis", minutes=4)
    batch = batch_with_results(rekap, [], periode="2026-11", gagal=[a_failed])

    slow = submitted(operator_a, wita(2026, 9, 1))
    decided(slow, Usulan.Status.SIAP, verifikator, wita(2026, 9, 26))
    fast = submitted(operator_a, wita(2026, 10, 5))
    decided(fast, Usulan.Status.SIAP, verifikator, wita(2026, 10, 8))
    waiting = submitted(operator_a, wita(2026, 9, 10))
    draft = make_usulan(operator_a)
    rejected = submitted(operator_b, wita(2026, 10, 1))
    decided(rejected, Usulan.Status.DITOLAK, verifikator, wita(2026, 10, 2))

    today = timezone.localdate()
    kartu_receive_batch(periode="2026-11", tanggal=today, by=distribusi)
    # One of desa B's members: the card is not recorded (still "printed at BPJS").
    b_member = b_one.anggota_set.order_by("pk").last()
    Kartu.objects.filter(anggota=b_member).delete()
    a_cards = list(Kartu.objects.filter(desa=desa_a).order_by("pk"))
    serah_terima_create(
        kartu_ids=[c.pk for c in a_cards],
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="I Made Sukra", jabatan="Kasi Kesra"),
        by=distribusi,
    )
    for card in a_cards[:2]:
        kartu_confirm_received(kartu_id=card.pk, tanggal=today, by=distribusi)

    complaint(operator_a)
    complaint(operator_a, kategori="belum_dicetak")
    complaint(operator_b)
    return {
        "batch": batch,
        "a_big": a_big,
        "a_small": a_small,
        "a_failed": a_failed,
        "b_one": b_one,
        "slow": slow,
        "fast": fast,
        "waiting": waiting,
        "draft": draft,
        "rejected": rejected,
    }
