"""Reading cards and hand-overs; who may see which is in access.py."""

from django.db.models import Count, Q, QuerySet

from rekap_bpjs.models import Batch
from usulan.models import Anggota

from .late import overdue_cutoff
from .models import Kartu


def overdue_q() -> Q:
    """The cards late to leave the office (late.kartu_terlambat, in the database)."""
    return Q(
        status=Kartu.Status.DITERIMA_DINSOS, diterima_tanggal__lte=overdue_cutoff()
    )


def search_kartu(qs: QuerySet[Kartu], value: str) -> QuerySet[Kartu]:
    value = " ".join((value or "").split())
    if not value:
        return qs
    digits = value.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 13:
            return qs.filter(noka=digits)
        if len(digits) == 16:
            return qs.filter(anggota__nik=digits)
        return qs.filter(
            Q(noka__startswith=digits) | Q(anggota__nik__startswith=digits)
        )
    return qs.filter(
        Q(anggota__nama__icontains=value) | Q(anggota__usulan__nomor__iexact=value)
    )


def status_counts(qs: QuerySet[Kartu]) -> dict[str, int]:
    counts = dict.fromkeys(Kartu.Status.values, 0)
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["terlambat"] = qs.filter(overdue_q()).count()
    return counts


def _per_status() -> dict:
    return {value: Count("pk", filter=Q(status=value)) for value in Kartu.Status.values}


def counts_by_desa(qs: QuerySet[Kartu]) -> list[dict]:
    return list(
        qs.order_by()
        .values("desa__kecamatan__nama", "desa__nama")
        .annotate(
            jumlah=Count("pk"),
            terlambat=Count("pk", filter=overdue_q()),
            **_per_status(),
        )
        .order_by("desa__kecamatan__nama", "desa__nama")
    )


def counts_by_batch(qs: QuerySet[Kartu]) -> list[dict]:
    return list(
        qs.order_by()
        .values("batch__periode")
        .annotate(
            jumlah=Count("pk"),
            terlambat=Count("pk", filter=overdue_q()),
            **_per_status(),
        )
        .order_by("-batch__periode")
    )


def batch_cards_pending(batch: Batch) -> QuerySet[Anggota]:
    """Members BPJS enrolled in `batch` whose card is not recorded yet."""
    return (
        Anggota.objects.filter(
            batch_items__batch=batch,
            batch_items__hasil=Anggota.StatusBpjs.TERDAFTAR,
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
            kartu__isnull=True,
        )
        .exclude(noka="")
        .select_related("usulan")
    )


def batches_awaiting_cards() -> list[dict]:
    """Batches with enrolled members whose cards have not been recorded yet."""
    return list(
        Anggota.objects.filter(
            batch_items__hasil=Anggota.StatusBpjs.TERDAFTAR,
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
            kartu__isnull=True,
        )
        .exclude(noka="")
        .order_by()
        .values("batch_items__batch__periode")
        .annotate(belum=Count("pk"))
        .order_by("-batch_items__batch__periode")
    )


def enrolled_without_card(anggota: QuerySet[Anggota]) -> QuerySet[Anggota]:
    """Of `anggota`, those enrolled by BPJS whose card has not reached the office yet."""
    return anggota.filter(status_bpjs=Anggota.StatusBpjs.TERDAFTAR, kartu__isnull=True)


def desa_with_ready_cards(cards: QuerySet[Kartu]) -> list[dict]:
    """Desa with cards (of `cards`) at the office waiting to be handed over."""
    return list(
        cards.filter(status=Kartu.Status.DITERIMA_DINSOS)
        .order_by()
        .values("desa_id", "desa__nama", "desa__kecamatan__nama")
        .annotate(jumlah=Count("pk"), terlambat=Count("pk", filter=overdue_q()))
        .order_by("desa__kecamatan__nama", "desa__nama")
    )


def cards_for_members(anggota_ids: list[int]) -> dict[int, Kartu]:
    """Each member's card, if it has reached the office (for the usulan page)."""
    return {
        card.anggota_id: card
        for card in Kartu.objects.filter(anggota_id__in=anggota_ids).select_related(
            "serah_terima"
        )
    }
