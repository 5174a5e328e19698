"""A member without a faskes does not go to BPJS with an empty faskes unnoticed."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from rekap_bpjs.models import Batch
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Anggota

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def _batch_with_one_member_without_faskes(operator, rekap) -> Anggota:
    ready_household(operator, minutes=1)
    bare = ready_household(operator, minutes=2).anggota_set.get()
    Anggota.objects.filter(pk=bare.pk).update(kode_faskes="", nama_faskes="")
    batch_build(periode="2026-11", by=rekap)
    return bare


def test_lock_refuses_a_member_without_faskes_unless_staff_say_so(operator_a, rekap):
    _batch_with_one_member_without_faskes(operator_a, rekap)
    with pytest.raises(ValidationError, match="1 orang belum punya kode faskes"):
        batch_lock(periode="2026-11", by=rekap)
    assert Batch.objects.get(periode="2026-11").status == Batch.Status.DRAFT

    batch_lock(periode="2026-11", by=rekap, tanpa_faskes=True)
    assert Batch.objects.get(periode="2026-11").status == Batch.Status.TERKUNCI


def test_lock_page_names_who_has_no_faskes_and_asks_for_the_tick(
    operator_a, rekap, login
):
    bare = _batch_with_one_member_without_faskes(operator_a, rekap)
    client = login(rekap)
    page = client.get("/rekap/2026-11/kunci/").content.decode()
    assert "1 orang belum punya kode faskes" in page
    assert bare.nama in page
    assert 'name="tanpa_faskes"' in page

    client.post("/rekap/2026-11/kunci/")
    assert Batch.objects.get(periode="2026-11").status == Batch.Status.DRAFT
    client.post("/rekap/2026-11/kunci/", {"tanpa_faskes": "1"})
    assert Batch.objects.get(periode="2026-11").status == Batch.Status.TERKUNCI
