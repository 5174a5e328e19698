"""What the verification screens read: the queue and its rows."""

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from dtks.selectors import registered_in_latest_periode
from usulan.models import Anggota, Usulan

from .models import Klaim


def verification_queue(qs):
    """Submitted usulan, oldest first, with whether a member is outside DTKS.

    The list's costly parts per row (member count, claim) are in `queue_rows`,
    applied to one page only. `ada_non_dtks` stays here because the queue can be
    filtered on it; it is only computed when used.
    """
    in_dtks = registered_in_latest_periode(nik=OuterRef("nik"))
    outside = Anggota.objects.filter(usulan=OuterRef("pk")).exclude(Exists(in_dtks))
    return (
        qs.filter(status=Usulan.Status.DIAJUKAN, submitted_at__isnull=False)
        .annotate(ada_non_dtks=Exists(outside))
        .order_by("submitted_at", "pk")
    )


def current_klaim(usulan: Usulan) -> Klaim | None:
    """The claim on an usulan with its verifier (expired or not), if any."""
    return Klaim.objects.filter(usulan=usulan).select_related("verifikator").first()


def queue_rows(qs):
    """The queue page's rows: member count, and the claim with its verifier."""
    return qs.annotate(
        jumlah_anggota=Count("anggota_set", distinct=True),
        klaim_aktif=Exists(
            Klaim.objects.filter(usulan=OuterRef("pk"), expires_at__gt=timezone.now())
        ),
    ).select_related("desa__kecamatan", "klaim__verifikator")
