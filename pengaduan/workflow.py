"""The complaint's statuses: handled, waiting on another office, done (or reopened)."""

from kis_portal.workflow import Entering, Workflow

from .models import Pengaduan, Tanggapan

S = Pengaduan.Status
WAITING = frozenset({S.MENUNGGU_BPJS, S.MENUNGGU_DINKES, S.MENUNGGU_DUKCAPIL})
OPEN = frozenset({S.DIPROSES, *WAITING})

TRANSITIONS: dict[str, frozenset[str]] = {
    S.BARU: frozenset({S.DIPROSES, *WAITING, S.SELESAI}),
    S.DIPROSES: frozenset({*WAITING, S.SELESAI}),
    S.MENUNGGU_BPJS: frozenset({S.DIPROSES, *WAITING, S.SELESAI} - {S.MENUNGGU_BPJS}),
    S.MENUNGGU_DINKES: frozenset(
        {S.DIPROSES, *WAITING, S.SELESAI} - {S.MENUNGGU_DINKES}
    ),
    S.MENUNGGU_DUKCAPIL: frozenset(
        {S.DIPROSES, *WAITING, S.SELESAI} - {S.MENUNGGU_DUKCAPIL}
    ),
    # Reopened when the citizen comes back: the problem was not solved after all.
    S.SELESAI: frozenset({S.DIPROSES}),
}


def enter_selesai(entering: Entering) -> None:
    """Stamp the resolution; it is what the desa reads, so it is a reply too."""
    entering.set(selesai_at=entering.now)
    Tanggapan.objects.bulk_create(
        Tanggapan(
            pengaduan=pengaduan,
            isi=f"Selesai: {entering.reason_for(pengaduan)}",
            internal=False,
            oleh=entering.by,
        )
        for pengaduan in entering.objs
    )


def enter_open(entering: Entering) -> None:
    """Open again (or still): a reopened complaint has no resolution time."""
    entering.set(selesai_at=None)


PENGADUAN = Workflow(
    Pengaduan,
    transitions=TRANSITIONS,
    on_enter={S.SELESAI: enter_selesai, **dict.fromkeys(OPEN, enter_open)},
)
