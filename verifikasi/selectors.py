from dataclasses import dataclass

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
    """Submitted usulan, oldest first, with their claim and members' DTKS presence."""
    from django.db.models import Count, Exists, OuterRef, Q

    from usulan.models import Anggota, Usulan

    from .models import Klaim

    periode = latest_periode()
    qs = qs.filter(status=Usulan.Status.DIAJUKAN)
    if periode is not None:
        in_dtks = DtksRecord.objects.filter(periode=periode, nik=OuterRef("nik"))
        outside = Anggota.objects.filter(usulan=OuterRef("pk")).exclude(Exists(in_dtks))
        qs = qs.annotate(ada_non_dtks=Exists(outside))
    else:
        qs = qs.annotate(
            ada_non_dtks=Exists(Anggota.objects.filter(usulan=OuterRef("pk")))
        )
    return (
        qs.annotate(
            jumlah_anggota=Count("anggota_set", distinct=True),
            klaim_aktif=Exists(
                Klaim.objects.filter(usulan=OuterRef("pk"), expires_at__gt=_now())
            ),
        )
        .select_related("desa__kecamatan", "klaim__verifikator")
        .order_by("submitted_at", "pk")
        .filter(Q(submitted_at__isnull=False))
    )


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
