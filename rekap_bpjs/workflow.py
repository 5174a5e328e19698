"""The monthly batch's statuses, and a deactivated participant's task: one way
only, each step with its history row."""

from kis_portal.workflow import Entering, Workflow

from .models import Batch, Nonaktif

S = Batch.Status

TRANSITIONS: dict[str, set[str]] = {
    # Locking sends the batch's households to BPJS (rekap_bpjs.services.batch_lock).
    S.DRAFT: {S.TERKUNCI},
    # The first BPJS result file applied; later files keep it in HASIL.
    S.TERKUNCI: {S.HASIL},
    # The office stops waiting for BPJS: no more result files.
    S.HASIL: {S.DITUTUP},
    S.DITUTUP: set(),
}


def enter_terkunci(entering: Entering) -> None:
    """Record who locked the batch, and when."""
    entering.set(locked_by=entering.by, locked_at=entering.now)


BATCH = Workflow(Batch, transitions=TRANSITIONS, on_enter={S.TERKUNCI: enter_terkunci})


N = Nonaktif.Status

NONAKTIF_TRANSITIONS: dict[str, set[str]] = {
    # The desa (or the rekap staff) records what was done about it.
    N.TERBUKA: {N.SELESAI},
    N.SELESAI: set(),
}


def enter_selesai(entering: Entering) -> None:
    """Record who closed the task, and when."""
    entering.set(closed_by=entering.by, closed_at=entering.now)


NONAKTIF = Workflow(
    Nonaktif, transitions=NONAKTIF_TRANSITIONS, on_enter={N.SELESAI: enter_selesai}
)
