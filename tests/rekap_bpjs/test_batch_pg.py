"""Two staff lock the same batch at the same moment: the result is as if once."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from kis_portal.audit.models import AuditEvent
from kis_portal.roles import Role
from rekap_bpjs.models import Batch
from rekap_bpjs.services import batch_build, batch_lock
from tests.factories import make_user
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Usulan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_locks_lock_once(operator_a, rekap):
    call_command("load_profile", "sop-pbi", verbosity=0)
    other = make_user(Role.REKAP, username="rekap2")
    usulan = ready_household(operator_a, size=2)
    batch_build(periode="2026-11", by=rekap)
    barrier = threading.Barrier(2)
    errors: list = []

    def lock(user) -> None:
        try:
            barrier.wait()
            batch_lock(periode="2026-11", by=user)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=lock, args=(u,)) for u in (rekap, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    batch = Batch.objects.get(periode="2026-11")
    assert batch.status == Batch.Status.TERKUNCI
    locks = AuditEvent.objects.filter(action="status", to_status="terkunci")
    assert locks.count() == 1
    sent = AuditEvent.objects.filter(object_id=str(usulan.pk), to_status="dikirim")
    assert sent.count() == 1
    assert Usulan.objects.get(pk=usulan.pk).status == "dikirim"
