"""Parallel hand-overs on PostgreSQL: numbers unique and gap-free, one card once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from distribusi.models import Kanal, Kartu, SerahTerima
from distribusi.services import Penerima, kartu_receive_batch, serah_terima_create
from kis_portal.roles import Role
from tests.factories import make_user
from tests.parallel import run_parallel

from .factories import enrolled_batch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cards(operator_a, rekap, distribusi) -> list[Kartu]:
    call_command("load_profile", "sop-pbi", verbosity=0)
    batch = enrolled_batch(rekap, [(operator_a, 2)] * 4)
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    return list(Kartu.objects.order_by("pk"))


def hand_over(user, card_ids, desa):
    return lambda: serah_terima_create(
        kartu_ids=card_ids,
        kanal=Kanal.DESA,
        desa=desa,
        penerima=Penerima(nama="Kasi Kesra"),
        by=user,
    )


def test_parallel_hand_overs_get_unique_gap_free_numbers(cards, distribusi, desa_a):
    staff = [distribusi] + [
        make_user(Role.DISTRIBUSI, username=f"distribusi{n}") for n in range(3)
    ]
    jobs = [hand_over(staff[n % 4], [card.pk], desa_a) for n, card in enumerate(cards)]
    assert run_parallel(jobs) == []
    year = timezone.localdate().year
    numbers = sorted(
        SerahTerima.objects.filter(tahun=year).values_list("urut", flat=True)
    )
    assert numbers == list(range(1, len(cards) + 1))
    assert len(set(SerahTerima.objects.values_list("nomor", flat=True))) == len(cards)
    assert not Kartu.objects.exclude(status=Kartu.Status.DISERAHKAN).exists()


def test_the_same_card_handed_over_at_once_goes_once(cards, distribusi, desa_a):
    other = make_user(Role.DISTRIBUSI, username="distribusi2")
    ids = [card.pk for card in cards[:3]]
    errors = run_parallel(
        [hand_over(distribusi, ids, desa_a), hand_over(other, ids[1:], desa_a)]
    )
    assert len(errors) == 1 and "sudah diserahkan" in str(errors[0])
    assert SerahTerima.objects.count() == 1
    serah = SerahTerima.objects.get()
    assert serah.urut == 1 and serah.kartu_set.count() == len(serah.rincian)
    # The loser's number was given back: the next receipt is number 2.
    serah_terima_create(
        kartu_ids=[cards[5].pk],
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="Kasi Kesra"),
        by=distribusi,
    )
    assert sorted(SerahTerima.objects.values_list("urut", flat=True)) == [1, 2]
