"""The allowed status transitions of an usulan. Later stages extend the table."""

from .models import Usulan

S = Usulan.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.DIAJUKAN},
    # The verifier's decision: ready (in DTKS), field check (not in DTKS), back, or no.
    S.DIAJUKAN: {S.DIKEMBALIKAN, S.DITOLAK, S.SIAP, S.CEK_LAPANGAN},
    S.DIKEMBALIKAN: {S.DIAJUKAN},
    S.CEK_LAPANGAN: {S.MENUNGGU_ACC},
    # The head of office approves or declines; only approved cases move on.
    S.MENUNGGU_ACC: {S.SIAP, S.DITOLAK},
    # Locking the monthly batch sends the household to BPJS.
    S.SIAP: {S.DIKIRIM},
    S.DIKIRIM: set(),
    S.DITOLAK: set(),
}

# Statuses in which the usulan's members no longer hold their NIK.
CLOSED_STATUSES = {S.DITOLAK}
