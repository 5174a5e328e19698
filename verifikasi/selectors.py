import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from .models import DtksPeriode, DtksRecord


@dataclass(frozen=True)
class DtksStatus:
    """Whether a NIK is in the latest DTKS extract, and its desil (DTSEN)."""

    terdaftar: bool
    periode: str = ""
    desil: int | None = None

    @property
    def label(self) -> str:
        if not self.periode:
            return "DTKS belum diimpor"
        if not self.terdaftar:
            return f"Tidak terdaftar di DTKS {self.periode}"
        desil = f", desil {self.desil}" if self.desil else ""
        return f"Terdaftar di DTKS {self.periode}{desil}"


def latest_periode() -> DtksPeriode | None:
    return DtksPeriode.objects.order_by("-kode").first()


NAME_SEARCH_LIMIT = 50
NAME_WORD = re.compile(r"[^\W_]+")
# Matches the GIN index of migration 0003 (PostgreSQL): the words of the name.
NAME_MATCH_PG = (
    'to_tsvector(\'simple\'::regconfig, "verifikasi_dtksrecord"."nama") '
    "@@ to_tsquery('simple'::regconfig, %s)"
)


def name_words(nama: str) -> list[str]:
    """The words of a name as typed: letters and digits, upper case."""
    return NAME_WORD.findall((nama or "").upper())


def dtks_search_nama(
    nama: str, *, limit: int = NAME_SEARCH_LIMIT
) -> tuple[list[DtksRecord], bool]:
    """People of the latest period whose name has every word of `nama`.

    Whole words in any order: "putu suardana" finds I PUTU EKA SUARDANA. On
    PostgreSQL the words of 3+ letters go through the word index (migration
    0003); I, NI and other short words, which half the names carry, are checked
    on the few rows it returns. Without an ORDER BY the database stops after
    `limit` + 1 matches; the page shows them sorted, and whether there were more.
    """
    words = list(dict.fromkeys(name_words(nama)))
    periode = latest_periode()
    if periode is None or not words:
        return [], False
    qs = DtksRecord.objects.filter(periode=periode)
    indexed = [w for w in words if len(w) >= 3]
    if connection.vendor == "postgresql" and indexed:
        tsquery = " & ".join(w.lower() for w in indexed)
        qs = qs.filter(RawSQL(NAME_MATCH_PG, [tsquery], output_field=BooleanField()))  # nosec B611 - constant SQL, the words are a parameter
        words = [w for w in words if len(w) < 3]
    for word in words:
        qs = qs.filter(nama__iregex=rf"(^|[\W_]){word}([\W_]|$)")
    found = list(
        qs.only("nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_desa", "desil")[
            : limit + 1
        ]
    )
    more = len(found) > limit
    return sorted(found[:limit], key=lambda r: (r.nama, r.pk)), more


def dtks_status_for(niks: list[str]) -> dict[str, DtksStatus]:
    """Look up many NIKs in the latest extract with one query."""
    periode = latest_periode()
    if periode is None:
        return {nik: DtksStatus(terdaftar=False) for nik in niks}
    found = dict(
        DtksRecord.objects.filter(periode=periode, nik__in=niks).values_list(
            "nik", "desil"
        )
    )
    return {
        nik: DtksStatus(
            terdaftar=nik in found, periode=periode.kode, desil=found.get(nik)
        )
        for nik in niks
    }


def verification_queue(qs):
    """Submitted usulan, oldest first, with whether a member is outside DTKS.

    The list's costly parts per row (member count, claim) are in `queue_rows`,
    applied to one page only. `ada_non_dtks` stays here because the queue can be
    filtered on it; it is only computed when used.
    """
    from django.db.models import Exists, OuterRef, Subquery

    from usulan.models import Anggota, Usulan

    # The latest period as a subquery: no period means nobody is in DTKS.
    latest = DtksPeriode.objects.order_by("-kode").values("pk")[:1]
    in_dtks = DtksRecord.objects.filter(
        periode_id=Subquery(latest), nik=OuterRef("nik")
    )
    outside = Anggota.objects.filter(usulan=OuterRef("pk")).exclude(Exists(in_dtks))
    return (
        qs.filter(status=Usulan.Status.DIAJUKAN, submitted_at__isnull=False)
        .annotate(ada_non_dtks=Exists(outside))
        .order_by("submitted_at", "pk")
    )


def queue_rows(qs):
    """The queue page's rows: member count, and the claim with its verifier."""
    from django.db.models import Count, Exists, OuterRef

    from .models import Klaim

    return qs.annotate(
        jumlah_anggota=Count("anggota_set", distinct=True),
        klaim_aktif=Exists(
            Klaim.objects.filter(usulan=OuterRef("pk"), expires_at__gt=_now())
        ),
    ).select_related("desa__kecamatan", "klaim__verifikator")


def _now():
    from django.utils import timezone

    return timezone.now()


def members_ready(profile=None):
    """Members siap diusulkan, in the profile's priority order, then by readiness.

    This is what the monthly BPJS batch consumes.
    """
    from django.db.models import Case, IntegerField, Value, When

    from kis_portal.offices.choices import Kategori
    from kis_portal.offices.selectors import get_active_profile
    from usulan.models import Anggota, Usulan

    profile = profile or get_active_profile()
    order = profile.priority_order if profile else list(Kategori.values)
    rank = Case(
        *[When(kategori=kode, then=Value(index)) for index, kode in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    return (
        Anggota.objects.filter(usulan__status=Usulan.Status.SIAP, aktif=True)
        .exclude(status_bpjs=Anggota.StatusBpjs.TERDAFTAR)
        .select_related("usulan__desa")
        .annotate(prioritas=rank)
        .order_by("prioritas", "siap_sejak", "pk")
    )
