"""Races that only PostgreSQL can show: row locks and the one-open-NIK constraint."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kis_portal.audit.models import AuditEvent
from usulan.models import Anggota, Usulan
from usulan.services import usulan_save, usulan_submit

from .factories import household, make_usulan, member, upload_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(target, count: int) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_ten_simultaneous_submits_make_exactly_one_submission(operator_a):
    usulan = make_usulan(operator_a)
    upload_all(usulan, operator_a)

    results = run_at_once(
        lambda _: usulan_submit(usulan_id=usulan.pk, by=operator_a), 10
    )

    assert results.count(True) == 1, results
    assert results.count(False) == 9, results
    assert Usulan.objects.get(pk=usulan.pk).status == "diajukan"
    assert (
        AuditEvent.objects.filter(action="status", object_id=str(usulan.pk)).count()
        == 1
    )


def test_the_same_nik_from_two_desa_at_once_succeeds_once(
    operator_a, operator_b, desa_a, desa_b
):
    person = member(desa_a)

    def propose(index: int):
        operator, desa = [(operator_a, desa_a), (operator_b, desa_b)][index]
        return usulan_save(
            usulan=None,
            household=household(desa),
            members=[dict(person)],
            by=operator,
            desa=desa,
        )

    results = run_at_once(propose, 2)

    saved = [r for r in results if isinstance(r, Usulan)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert Anggota.objects.filter(nik=person["nik"]).count() == 1
    assert Usulan.objects.count() == 1  # the loser's household was rolled back too
