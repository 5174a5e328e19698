"""The monthly batch's statuses: one way only, each step with its history row."""

from kis_portal.workflow import Entering, Workflow

from .models import Batch

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
