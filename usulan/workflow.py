"""The allowed status transitions of an usulan. Later stages extend the table."""

from .models import Usulan

S = Usulan.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.DIAJUKAN},
    S.DIAJUKAN: {S.DIKEMBALIKAN, S.DITOLAK},
    S.DIKEMBALIKAN: {S.DIAJUKAN},
    S.DITOLAK: set(),
}

# Statuses in which the usulan's members still hold their NIK (one open usulan per NIK).
CLOSED_STATUSES = {S.DITOLAK}
