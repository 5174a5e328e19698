"""What distribusi shows on earlier stages' pages (registered from DistribusiConfig.ready)."""

from collections.abc import Sequence

from usulan.models import Anggota
from usulan.registry import MemberLine, member_line_provider

from .models import Kartu
from .selectors import cards_for_members


@member_line_provider
def card_lines(members: Sequence[Anggota]) -> dict[int, list[MemberLine]]:
    """Where an enrolled member's card is, on the usulan page."""
    enrolled = [m for m in members if m.status_bpjs == Anggota.StatusBpjs.TERDAFTAR]
    if not enrolled:
        return {}
    cards = cards_for_members([m.pk for m in enrolled])
    out: dict[int, list[MemberLine]] = {}
    for member in enrolled:
        card = cards.get(member.pk)
        if card is None:
            out[member.pk] = [MemberLine("Kartu belum diterima dari BPJS", muted=True)]
            continue
        text = f"Kartu: {card.get_status_display()}"
        if card.warga_tanggal:
            text += f" {card.warga_tanggal:%d-%m-%Y}"
        elif card.status == Kartu.Status.DIKEMBALIKAN:
            text += f" ({card.kembali_alasan})"
        out[member.pk] = [MemberLine(text)]
    return out
