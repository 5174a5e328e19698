import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifikasi.models import PesanKeluar
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import ready_household
from tests.usulan.factories import make_usulan, upload_all
from usulan.models import Anggota, Usulan
from usulan.services import usulan_submit


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def with_phones(usulan: Usulan, *numbers: str) -> Usulan:
    """Give the usulan's members these phone numbers, in member order."""
    for anggota, number in zip(
        usulan.anggota_set.order_by("pk"), numbers, strict=False
    ):
        Anggota.objects.filter(pk=anggota.pk).update(telepon=number)
    return usulan


def submitted(operator, *phones: str, household_phone: str = "") -> Usulan:
    """Members with `phones`; the household's own number only if given."""
    usulan = make_usulan(operator)
    Usulan.objects.filter(pk=usulan.pk).update(telepon=household_phone)
    with_phones(usulan, *phones)
    upload_all(usulan, operator)
    usulan_submit(usulan_id=usulan.pk, by=operator)
    usulan.refresh_from_db()
    return usulan


def sent_batch(rekap, households, *, periode="2026-11"):
    """`households`: (operator, size, phone) triples, ready then locked (DIKIRIM)."""
    made = []
    for minute, (operator, size, phone) in enumerate(households, start=1):
        usulan = ready_household(operator, size=size, minutes=minute)
        Usulan.objects.filter(pk=usulan.pk).update(telepon="")
        if phone:
            usulan.anggota_set.update(telepon=phone)
        made.append(usulan)
    batch_build(periode=periode, by=rekap)
    batch = batch_lock(periode=periode, by=rekap)
    return batch, made


def apply_result(rekap, batch, failed_usulan_ids=()):
    lines = ["NIK;NO KARTU;STATUS;KETERANGAN;TMT"]
    for item in batch.items.filter(diambil=True).select_related("anggota"):
        if item.anggota.usulan_id in failed_usulan_ids:
            lines.append(f"'{item.nik};;GAGAL;NIK tidak padan di Dukcapil;")
        else:
            lines.append(
                f"'{item.nik};'0001{item.anggota.nik[-9:]};BERHASIL;;01-12-2026"
            )
    return result_apply(
        periode=batch.periode,
        content="\n".join(lines).encode(),
        filename="hasil.csv",
        by=rekap,
    )


class Gateway:
    """A local stand-in for an SMS/WhatsApp gateway, on 127.0.0.1."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.body: dict = {"status": True, "id": "wa-1"}
        # Set: the gateway answers at once; cleared: it holds every request until
        # set again (a slow peer, without the test sleeping).
        self.answering = threading.Event()
        self.answering.set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "headers": dict(self.headers),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                gateway.answering.wait(timeout=30)
                payload = json.dumps(gateway.body).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.answering.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.KIS_NOTIF_BACKEND = "notifikasi.backends.HttpGatewayBackend"
    settings.KIS_NOTIF_GATEWAY_URL = server.url
    settings.KIS_NOTIF_GATEWAY_TOKEN = "rahasia-token"  # noqa: S105
    settings.KIS_NOTIF_GATEWAY_TIMEOUT = 2
    yield server
    server.close()


def make_due(*pesan_keluar) -> None:
    """Time passes: the messages' next attempt is now."""

    PesanKeluar.objects.filter(pk__in=[p.pk for p in pesan_keluar]).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
