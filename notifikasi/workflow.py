"""An outgoing SMS/WhatsApp message's statuses: queued, sending, sent or failed."""

from kis_portal.workflow import Workflow

from .models import PesanKeluar

S = PesanKeluar.Status

TRANSITIONS: dict[str, set[str]] = {
    S.MENUNGGU: {S.MENGIRIM},
    # A sender that hung past tasks.STUCK_AFTER loses its claim: another takes it again.
    S.MENGIRIM: {S.TERKIRIM, S.ULANG, S.GAGAL, S.MENGIRIM},
    # Tried again when due, or at once when an admin asks.
    S.ULANG: {S.MENGIRIM, S.MENUNGGU},
    # Out of attempts: only an admin sends it again.
    S.GAGAL: {S.MENUNGGU},
    S.TERKIRIM: set(),
}

# No history rows: an outgoing message is a delivery queue entry. Its own row
# keeps every attempt (riwayat), the gateway's id and the last error, and the
# status change that caused it already has its history row. A history row per
# attempt would add several writes per message to the audit table, which is kept
# for years, for nothing an auditor reads. An admin's resend is audited by the
# service that does it.
PESAN_KELUAR = Workflow(PesanKeluar, transitions=TRANSITIONS, history=False)
