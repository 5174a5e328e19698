"""The demo complaints and guest book entries, seeded once."""

import pytest
from django.utils import timezone

from demo.pengaduan_demo import seed_pengaduan
from kis_portal.roles import Role
from pengaduan.models import BukuTamu, Pengaduan
from pengaduan.selectors import buku_tamu_harian, pengaduan_counts
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("clock_still")  # seeded and read as today
def test_seed_is_idempotent_and_covers_the_states(desa_a):
    make_user(Role.OPERATOR_DESA, username="desa1", desa=desa_a)
    for role, name in [
        (Role.LOKET, "loket"),
        (Role.VERIFIKATOR, "verifikator"),
        (Role.DISTRIBUSI, "distribusi"),
    ]:
        make_user(role, username=name)
    seed_pengaduan()
    seed_pengaduan()
    assert Pengaduan.objects.count() == 4
    assert set(Pengaduan.objects.values_list("sumber", flat=True)) == {
        "desa",
        "loket",
        "publik",
    }
    assert pengaduan_counts() == {
        "masuk": 4,
        "selesai": 1,
        "terbuka": 3,
        "terlambat": 1,
    }
    assert Pengaduan.objects.filter(tanggapan_set__internal=False).exists()
    assert (
        buku_tamu_harian(timezone.localdate()).count() == BukuTamu.objects.count() == 3
    )


def test_seed_without_demo_users_does_nothing(db):
    seed_pengaduan()
    assert not Pengaduan.objects.exists()
