"""The allowed status transitions of an usulan. Later stages extend the table."""

from .models import Usulan

S = Usulan.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.DIAJUKAN},
    # The verifier's decision: ready (in DTKS), field check (not in DTKS), back, or no.
    S.DIAJUKAN: {S.DIKEMBALIKAN, S.DITOLAK, S.SIAP, S.CEK_LAPANGAN},
    S.DIKEMBALIKAN: {S.DIAJUKAN},
    # BPJS refused a member: the desa fixes it and submits again (back in the queue).
    S.GAGAL_BPJS: {S.DIAJUKAN},
    S.CEK_LAPANGAN: {S.MENUNGGU_ACC},
    # The head of office approves or declines; only approved cases move on.
    S.MENUNGGU_ACC: {S.SIAP, S.DITOLAK},
    # Locking the monthly batch sends the household to BPJS.
    S.SIAP: {S.DIKIRIM},
    # BPJS's result: everyone enrolled, or someone failed (back to the desa).
    S.DIKIRIM: {S.TERDAFTAR, S.GAGAL_BPJS},
    S.TERDAFTAR: set(),
    S.DITOLAK: set(),
}

# Statuses in which the usulan's members no longer hold their NIK.
CLOSED_STATUSES = {S.DITOLAK}
