"""Sending outgoing SMS/WhatsApp: the worker's task, retries with backoff.

The task and the code it runs live together: a retry queues the same task again.
Services queue it (after commit) through `schedule_sending`.
"""

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from kis_portal.accounts.slips import redact

from .backends import KirimGagal, backend_path, get_backend
from .models import Jenis, PesanKeluar
from .workflow import PESAN_KELUAR

logger = logging.getLogger(__name__)

K = PesanKeluar.Status
DUE_STATUSES = (K.MENUNGGU, K.ULANG)
# A message stuck "being sent" this long (a worker died mid-send) is due again.
STUCK_AFTER = datetime.timedelta(minutes=10)
MAX_BACKOFF = datetime.timedelta(hours=6)


@task()
def kirim_pesan_keluar(ids: list[int]) -> dict:
    """Send these outgoing messages (those still due); failures are stored."""
    return pesan_keluar_send(ids)


def max_attempts() -> int:
    return int(getattr(settings, "KIS_NOTIF_MAX_PERCOBAAN", 5))


def backoff(attempt: int) -> datetime.timedelta:
    """Wait before attempt `attempt + 1`: base, 2x base, 4x base... up to 6 hours."""
    base = int(getattr(settings, "KIS_NOTIF_JEDA_DETIK", 60))
    return min(datetime.timedelta(seconds=base * 2 ** max(attempt - 1, 0)), MAX_BACKOFF)


# --- Sending -------------------------------------------------------------------------


def _due_q(now) -> Q:
    return Q(status__in=DUE_STATUSES, next_attempt_at__lte=now) | Q(
        status=K.MENGIRIM, updated_at__lt=now - STUCK_AFTER
    )


def pesan_keluar_send(
    ids: list[int] | None = None, *, limit: int = 500
) -> dict[str, int]:
    """Send due messages (these ids, or every due one); returns counts per outcome.

    Each message is claimed with a conditional update first, so two workers never
    send the same message. A failure is stored on the row and never raised.
    """
    now = timezone.now()
    qs = PesanKeluar.objects.filter(_due_q(now))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    pks = list(qs.order_by("pk").values_list("pk", flat=True)[:limit])
    if not pks:
        return {}
    try:
        backend, path = get_backend(), backend_path()
    except Exception as exc:  # a wrong KIS_NOTIF_BACKEND must show, not crash
        logger.exception("notification backend cannot be loaded")
        backend, path = None, f"{backend_path()} ({type(exc).__name__})"
    counts: Counter = Counter()
    for pk in pks:
        counts[_kirim_satu(pk, backend, path)] += 1
    return dict(counts)


def _kirim_satu(pk: int, backend, path: str) -> str:
    now = timezone.now()
    claimed = PESAN_KELUAR.move_where(
        PesanKeluar.objects.filter(pk=pk).filter(_due_q(now)),
        to=K.MENGIRIM,
        percobaan=F("percobaan") + 1,
        updated_at=now,
    )
    if not claimed:
        return "dilewati"
    pesan = PesanKeluar.objects.get(pk=pk)
    try:
        if backend is None:
            raise KirimGagal(f"Backend notifikasi tidak dapat dimuat: {path}")
        reference = backend.send(pesan)
    except Exception as exc:
        error = str(exc) if isinstance(exc, KirimGagal) else f"{type(exc).__name__}"
        final = pesan.percobaan >= max_attempts()
        pesan.next_attempt_at = None if final else now + backoff(pesan.percobaan)
        pesan.error_terakhir = error[:500]
        _history(pesan, now, "gagal", error)
        pesan.backend = path[:100]
        PESAN_KELUAR.move(
            pesan,
            to=K.GAGAL if final else K.ULANG,
            by=None,
            update_fields=["next_attempt_at", "error_terakhir", "riwayat", "backend"],
        )
        logger.warning(
            "notifikasi=%s attempt=%s failed final=%s: %s",
            pk,
            pesan.percobaan,
            final,
            error,
        )
        if not final:
            _send_later(pk, pesan.next_attempt_at)
        return "gagal" if final else "ulang"
    pesan.sent_at = now
    pesan.next_attempt_at = None
    pesan.id_gateway = (reference or "")[:100]
    pesan.backend = path[:100]
    _history(pesan, now, "terkirim", "")
    fields = ["sent_at", "next_attempt_at", "id_gateway", "backend", "riwayat"]
    if pesan.jenis == Jenis.AKUN:
        # Delivered: the one-time password need not stay in the database.
        pesan.isi = redact(pesan.isi)
        fields.append("isi")
    PESAN_KELUAR.move(pesan, to=K.TERKIRIM, by=None, update_fields=fields)
    return "terkirim"


def _history(pesan: PesanKeluar, when, hasil: str, error: str) -> None:
    entry = {"waktu": when.isoformat(), "percobaan": pesan.percobaan, "hasil": hasil}
    if error:
        entry["error"] = error[:300]
    pesan.riwayat = [*(pesan.riwayat or []), entry][-20:]


def _send_later(pk: int, when) -> None:
    """Queue the retry for its time when the task backend can defer; otherwise
    `manage.py kirim_notifikasi` (run by cron) sends it."""
    try:
        if kirim_pesan_keluar.get_backend().supports_defer:
            kirim_pesan_keluar.using(run_after=when).enqueue([pk])
    except Exception:
        logger.exception("notifikasi=%s retry could not be queued", pk)
