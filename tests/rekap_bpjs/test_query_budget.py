"""The monthly batch page costs the same number of queries for few or many members."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kis_portal.audit.models import AuditEvent
from rekap_bpjs.models import BatchItem
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Usulan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def test_the_batch_page_costs_the_same_for_3_or_25_households(
    client, login, rekap, operator_a, django_assert_max_num_queries
):
    login(rekap)
    counts = []
    for periode, households in (("2026-10", 3), ("2026-11", 25)):
        for minute in range(households):
            ready_household(operator_a, size=2, minutes=minute)
        batch_build(periode=periode, by=rekap)
        with django_assert_max_num_queries(16) as captured:
            assert client.get(f"/rekap/{periode}/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_locking_costs_the_same_for_3_or_25_households_and_sends_each_once(
    rekap, operator_a
):

    counts = []
    for periode, households in (("2026-11", 3), ("2026-12", 25)):
        made = [
            ready_household(operator_a, size=2, minutes=minute).pk
            for minute in range(households)
        ]
        batch_build(periode=periode, by=rekap)
        with CaptureQueriesContext(connection) as captured:
            batch_lock(periode=periode, by=rekap)
        counts.append(len(captured))
        sent = Usulan.objects.filter(pk__in=made)
        assert set(sent.values_list("status", flat=True)) == {Usulan.Status.DIKIRIM}
        history = AuditEvent.objects.filter(
            object_id__in=[str(pk) for pk in made], to_status=Usulan.Status.DIKIRIM
        )
        assert history.count() == households
        items = BatchItem.objects.filter(batch__periode=periode, diambil=True)
        snapshots = [(i.nik, i.snapshot) for i in items.order_by("urutan")]
        assert [s["nomor_urut"] for _, s in snapshots] == list(
            range(1, 2 * households + 1)
        )
        assert all(nik == s["nik"] for nik, s in snapshots)
    assert counts[0] == counts[1]
