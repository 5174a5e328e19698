"""The usulan's statuses: the allowed moves and what entering a status does."""

from kis_portal.workflow import Entering, Workflow

from .models import Anggota, Catatan, KasusDarurat, Usulan

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


def _stamp_decision(entering: Entering) -> None:
    """An urgent case's first decision (the clock the Dinsos works against)."""
    if decided := entering.pks_from(S.DIAJUKAN):
        KasusDarurat.objects.filter(usulan__in=decided, diputus_at__isnull=True).update(
            diputus_at=entering.now
        )


def enter_dikembalikan(entering: Entering) -> None:
    _stamp_decision(entering)


def enter_cek_lapangan(entering: Entering) -> None:
    _stamp_decision(entering)


def enter_terdaftar(entering: Entering) -> None:
    """An urgent case's activation: BPJS enrolled the patient."""
    KasusDarurat.objects.filter(
        usulan__in=entering.pks, terdaftar_at__isnull=True
    ).update(terdaftar_at=entering.now)


def enter_siap(entering: Entering) -> None:
    """Stamp every member with the moment it became ready.

    The BPJS batch takes members in priority order, then by that moment; a
    member keeps its first moment if the household comes back.
    """
    _stamp_decision(entering)
    Anggota.objects.filter(usulan__in=entering.pks, siap_sejak__isnull=True).update(
        siap_sejak=entering.now
    )


def enter_ditolak(entering: Entering) -> None:
    """The members no longer hold their NIK: another usulan may propose them."""
    _stamp_decision(entering)
    Anggota.objects.filter(usulan__in=entering.pks).update(aktif=False)


USULAN = Workflow(
    Usulan,
    transitions=TRANSITIONS,
    on_enter={
        S.DIAJUKAN: enter_diajukan,
        S.DIKEMBALIKAN: enter_dikembalikan,
        S.CEK_LAPANGAN: enter_cek_lapangan,
        S.SIAP: enter_siap,
        S.DITOLAK: enter_ditolak,
        S.TERDAFTAR: enter_terdaftar,
    },
)
