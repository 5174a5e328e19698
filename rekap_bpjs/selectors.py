from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from kis_portal.offices.choices import Kategori
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from usulan.models import Anggota, Usulan
from usulan.selectors import held_for_siksng_ids

from .models import Batch, BatchItem


def batches_with_counts(batches: QuerySet[Batch]) -> QuerySet[Batch]:
    """`batches` (a user's scope) with their members counted."""
    return (
        batches.annotate(
            jumlah_diambil=Count("items", filter=Q(items__diambil=True)),
            jumlah_menunggu=Count("items", filter=Q(items__diambil=False)),
            jumlah_terdaftar=Count("items", filter=Q(items__hasil="terdaftar")),
            jumlah_gagal=Count("items", filter=Q(items__hasil="gagal")),
        )
        .select_related("created_by", "locked_by")
        .order_by("-periode")
    )


def batch_items(batch: Batch, *, diambil: str = "", q: str = "") -> QuerySet[BatchItem]:
    qs = batch.items.select_related("anggota__usulan__desa__kecamatan")
    if diambil in ("ya", "tidak"):
        qs = qs.filter(diambil=diambil == "ya")
    if q:
        qs = qs.filter(
            Q(anggota__nama__icontains=q)
            | Q(nik__startswith=q)
            | Q(anggota__usulan__nomor__iexact=q)
            | Q(anggota__usulan__desa__nama__icontains=q)
        )
    return qs.order_by("urutan")


def batch_summary(batch: Batch) -> dict:
    """Counts of the members taken, by category and by desa."""
    taken = batch.items.filter(diambil=True)
    by_kategori = dict(
        taken.values_list("anggota__kategori").annotate(n=Count("pk")).order_by()
    )
    by_desa = list(
        taken.values("anggota__usulan__desa__nama", "anggota__usulan__desa__kode")
        .annotate(n=Count("pk"))
        .order_by("anggota__usulan__desa__kode")
    )
    waiting = list(
        batch.items.filter(diambil=False)
        .values("alasan")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return {"by_kategori": by_kategori, "by_desa": by_desa, "waiting": waiting}


def batch_without_faskes(batch: Batch) -> list[BatchItem]:
    """Members taken into the batch with no faskes: BPJS's file would carry it empty."""
    return list(
        batch.items.filter(diambil=True, anggota__kode_faskes="")
        .select_related("anggota__usulan__desa")
        .order_by("urutan")
    )


def batch_without_faskes_count(batch: Batch) -> int:
    return batch.items.filter(diambil=True, anggota__kode_faskes="").count()


def batch_unanswered(batch: Batch) -> int:
    """Members sent in the batch for whom BPJS has not returned a result."""
    return batch.items.filter(diambil=True, hasil="").count()


def _ready_base():
    return Anggota.objects.filter(
        usulan__status=Usulan.Status.SIAP, aktif=True
    ).exclude(status_bpjs=Anggota.StatusBpjs.TERDAFTAR)


def held_for_siksng_count(profile=None) -> int:
    """Ready members the batch leaves out for SIKS-NG now (shown on a draft batch)."""
    # The rule table only: the profile's requirements are not needed here.
    profile = profile or OfficeProfile.objects.filter(is_active=True).first()
    return len(held_for_siksng_ids(_ready_base(), profile))


def members_ready(profile=None, *, hold_siksng: bool = True):
    """The batch's candidates: members siap diusulkan, by lane (urgent, then
    reactivation, then the rest), then in the office profile's priority order
    (kategori), then by the moment each became ready.

    A member the profile's DTSEN rule table routes to SIKS-NG (desil 1-5 by
    default) is no candidate unless SIKS-NG refused them, when the profile's
    desil_di_rekap says to hold them (the default); urgent patients never wait.
    `hold_siksng=False`: everyone ready (a staff member's addition, with a reason).
    """
    profile = profile or get_active_profile()
    order = profile.priority_order if profile else list(Kategori.values)
    rank = Case(
        *[When(kategori=kode, then=Value(index)) for index, kode in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    lanes = list(Usulan.Jalur.values)  # declaration order: urgent first
    lane = Case(
        *[
            When(usulan__jalur=kode, then=Value(index))
            for index, kode in enumerate(lanes)
        ],
        default=Value(len(lanes)),
        output_field=IntegerField(),
    )
    ready = _ready_base()
    if hold_siksng and (held := held_for_siksng_ids(ready, profile)):
        ready = ready.exclude(pk__in=held)
    return (
        ready.select_related("usulan__desa")
        .annotate(prioritas_jalur=lane, prioritas=rank)
        .order_by("prioritas_jalur", "prioritas", "siap_sejak", "pk")
    )
