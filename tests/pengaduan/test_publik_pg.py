"""The public form's limit holds when many requests arrive at once (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from kis_portal.ratelimit.models import Percobaan
from pengaduan.services import lapor_boleh

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_attempts_never_pass_the_limit(settings):
    settings.KIS_PENGADUAN_PUBLIK_PER_JAM = 4
    barrier = threading.Barrier(10)
    results: list[bool] = []
    errors: list[Exception] = []

    def attempt() -> None:
        try:
            barrier.wait()
            results.append(lapor_boleh("10.9.9.9"))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False] * 6 + [True] * 4
    # Every attempt counted under one key (the address, hashed).
    assert Percobaan.objects.count() == 10
    assert Percobaan.objects.values("kunci").distinct().count() == 1
