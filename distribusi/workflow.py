"""The card's statuses: received from BPJS, handed over, in the citizen's hands."""

from kis_portal.workflow import Entering, Workflow

from .models import Kartu

S = Kartu.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DITERIMA_DINSOS: {S.DISERAHKAN, S.DIKEMBALIKAN},
    S.DISERAHKAN: {S.DITERIMA_WARGA, S.DIKEMBALIKAN},
    S.DITERIMA_WARGA: set(),
    # A card that cannot reach its owner (moved, deceased) goes back, with why.
    S.DIKEMBALIKAN: set(),
}


def enter_diterima_warga(entering: Entering) -> None:
    """Record who confirmed that the citizen has the card."""
    entering.set(warga_dikonfirmasi_oleh=entering.by)


KARTU = Workflow(
    Kartu,
    transitions=TRANSITIONS,
    on_enter={S.DITERIMA_WARGA: enter_diterima_warga},
)
