"""Two verifiers decide the same usulan at the same moment: one decision is stored."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from kis_portal.roles import Role
from tests.factories import make_user
from tests.usulan.factories import make_usulan, upload_all
from usulan.models import Usulan
from usulan.services import usulan_submit
from verifikasi.checklist import build_checklist
from verifikasi.models import Pemeriksaan
from verifikasi.services import keputusan_save

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_verifiers_deciding_at_once_store_exactly_one_decision(
    operator_a, verifikator
):

    call_command("load_profile", "buleleng", verbosity=0)
    other = make_user(Role.VERIFIKATOR, username="verif2")
    usulan = make_usulan(operator_a)
    upload_all(usulan, operator_a)
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    items = {
        item.key: {"ada": True, "valid": True, "bermeterai": True}
        for item in build_checklist(usulan).items
    }
    decisions = [
        (verifikator, "terima", ""),
        (other, "tolak", "Tidak memenuhi syarat"),
    ]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def decide(index: int) -> None:
        user, keputusan, alasan = decisions[index]
        try:
            barrier.wait()
            results[index] = keputusan_save(
                usulan_id=usulan.pk,
                by=user,
                keputusan=keputusan,
                items=items,
                alasan=alasan,
            )
        except ValidationError as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    stored = [r for r in results if isinstance(r, Pemeriksaan)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert "sudah diputuskan" in " ".join(refused[0].messages)
    assert Pemeriksaan.objects.count() == 1
    final = Usulan.objects.get(pk=usulan.pk).status
    assert final == ("cek_lapangan" if stored[0].keputusan == "terima" else "ditolak")
