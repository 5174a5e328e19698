"""The usulan's statuses: the allowed moves and what entering a status does."""

from kis_portal.workflow import Entering, Workflow

from .models import Anggota, Catatan, Usulan

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


def enter_diajukan(entering: Entering) -> None:
    """Stamp the submission; a returned usulan's notes count as dealt with."""
    entering.set(submitted_at=entering.now)
    if returned := entering.pks_from(S.DIKEMBALIKAN):
        Catatan.objects.filter(usulan__in=returned, selesai=False).update(selesai=True)


def enter_siap(entering: Entering) -> None:
    """Stamp every member with the moment it became ready.

    The BPJS batch takes members in priority order, then by that moment; a
    member keeps its first moment if the household comes back.
    """
    Anggota.objects.filter(usulan__in=entering.pks, siap_sejak__isnull=True).update(
        siap_sejak=entering.now
    )


def enter_ditolak(entering: Entering) -> None:
    """The members no longer hold their NIK: another usulan may propose them."""
    Anggota.objects.filter(usulan__in=entering.pks).update(aktif=False)


USULAN = Workflow(
    Usulan,
    transitions=TRANSITIONS,
    on_enter={
        S.DIAJUKAN: enter_diajukan,
        S.SIAP: enter_siap,
        S.DITOLAK: enter_ditolak,
    },
)
