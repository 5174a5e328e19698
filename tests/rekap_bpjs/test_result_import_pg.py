"""Two staff import the same BPJS result file at the same moment: as if once."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from kis_portal.audit.models import AuditEvent
from kis_portal.roles import Role
from rekap_bpjs.models import BatchFile
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.factories import make_user
from tests.rekap_bpjs.factories import noka, ready_household, xlsx_bytes
from usulan.models import Anggota, Usulan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_imports_apply_once(operator_a, rekap):
    call_command("load_profile", "sop-pbi", verbosity=0)
    other = make_user(Role.REKAP, username="rekap2")
    usulan = ready_household(operator_a, size=2)
    batch_build(periode="2026-11", by=rekap)
    batch_lock(periode="2026-11", by=rekap)
    first, second = usulan.anggota_set.order_by("pk")
    content = xlsx_bytes(
        [
            [noka(1), first.nik, first.nama, "BERHASIL", None, "01-12-2026"],
            [None, second.nik, second.nama, "GAGAL", "masih menunggak", None],
        ]
    )
    barrier = threading.Barrier(2)
    errors: list = []
    results: list = []

    def apply(user) -> None:
        try:
            barrier.wait()
            results.append(
                result_apply(
                    periode="2026-11", content=content, filename="h.xlsx", by=user
                )
            )
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(u,)) for u in (rekap, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(r.already for r in results) == [False, True]
    assert all((r.enrolled, r.failed) == (1, 1) for r in results)
    assert BatchFile.objects.filter(kind="hasil").count() == 1
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert AuditEvent.objects.filter(to_status="gagal_bpjs").count() == 1
    assert Usulan.objects.get(pk=usulan.pk).status == Usulan.Status.GAGAL_BPJS
    assert Anggota.objects.get(pk=first.pk).noka == noka(1)
