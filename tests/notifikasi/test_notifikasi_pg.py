"""Several workers and web processes at once, on PostgreSQL."""

import threading
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from notifikasi.models import Jenis, Pesan, PesanKeluar
from notifikasi.tasks import keluar_kirim
from tests.parallel import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SENT: Counter = Counter()
LOCK = threading.Lock()


class CountingBackend:
    def send(self, pesan) -> str:
        with LOCK:
            SENT[pesan.pk] += 1
        return "ok"


def test_parallel_workers_send_each_message_once(settings, desa_a):
    settings.KIS_NOTIF_BACKEND = "tests.notifikasi.test_notifikasi_pg.CountingBackend"
    SENT.clear()
    pesan = Pesan.objects.create(desa=desa_a, jenis=Jenis.DIKIRIM, judul="Uji")
    PesanKeluar.objects.bulk_create(
        PesanKeluar(
            pesan=pesan,
            jenis=Jenis.DIKIRIM,
            kanal="sms",
            tujuan=f"62812345670{n:02d}",
            isi="Uji",
            berikutnya_at=timezone.now(),
        )
        for n in range(30)
    )
    assert run_parallel([keluar_kirim] * 4) == []
    assert len(SENT) == 30 and set(SENT.values()) == {1}
    assert PesanKeluar.objects.filter(status="terkirim", percobaan=1).count() == 30


def test_the_rate_limit_holds_across_parallel_requests(settings, db):
    settings.KIS_CEK_STATUS_MAKS_IP = 3
    codes: list[int] = []

    def attempt(n):
        def go():
            response = Client().post(
                "/cek-status/",
                {"nomor": f"U2511-AAAA{n:02d}", "tanggal_lahir": "1980-05-12"},
                REMOTE_ADDR="10.9.9.9",
            )
            codes.append(response.status_code)

        return go

    assert run_parallel([attempt(n) for n in range(8)]) == []
    assert sorted(codes).count(200) <= 3 and codes.count(429) >= 5
