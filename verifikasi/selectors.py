"""What the verification screens read: the queue and its rows."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from dtks.selectors import registered_in_latest_periode
from usulan.models import Anggota, Usulan
from usulan.selectors import Perubahan, changes_since_return, member_count

from .checklist import Checklist
from .models import Klaim, Pemeriksaan, PemeriksaanItem


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
        jumlah_anggota=member_count(),
        klaim_aktif=Exists(
            Klaim.objects.filter(usulan=OuterRef("pk"), expires_at__gt=timezone.now())
        ),
        # Checked before: the desa resubmitted it after a return.
        diajukan_ulang=Exists(Pemeriksaan.objects.filter(usulan=OuterRef("pk"))),
    ).select_related("desa__kecamatan", "klaim__verifikator")


BLANK_TICKS = {"ada": False, "valid": False, "bermeterai": False, "alasan": ""}


def _ticked_ok(item: PemeriksaanItem) -> bool:
    return item.ada and item.valid and item.bermeterai is not False


@dataclass
class RoundStart:
    """Where a verification round starts: the previous round, what the desa
    changed since, and each checklist line with the ticks still valid."""

    previous: list[Pemeriksaan]
    changes: Perubahan | None
    rows: list[dict] = field(default_factory=list)

    @property
    def last(self) -> Pemeriksaan | None:
        return self.previous[0] if self.previous else None


def round_start(usulan: Usulan, checklist: Checklist) -> RoundStart:
    """Round two carries forward the last round's good ticks on what is unchanged.

    A document replaced since the return is marked "diganti" and starts blank;
    so does the data line when a field or member changed. A line the verifier
    found wrong starts blank with the last round's reason beside it.
    """
    previous = list(
        usulan.pemeriksaan_set.select_related("verifikator")
        .prefetch_related("items")
        .order_by("-putaran")
    )
    last = previous[0] if previous else None
    returned = last is not None and last.keputusan == Pemeriksaan.Keputusan.KEMBALIKAN
    changes = changes_since_return(usulan, checklist.review) if returned else None
    before = {i.item: i for i in last.items.all()} if returned else {}
    rows = []
    for item in checklist.items:
        prev = before.get(item.key)
        if item.key == "data":
            changed = "diubah" if changes and changes.data_diubah else ""
            still_there = True
        else:
            changed = (
                "diganti" if changes and item.key in changes.dokumen_diganti else ""
            )
            still_there = item.dokumen is not None or item.on_paper
        carried = bool(prev and _ticked_ok(prev) and not changed and still_there)
        sent = (
            {
                "ada": prev.ada,
                "valid": prev.valid,
                "bermeterai": bool(prev.bermeterai),
                "alasan": "",
            }
            if carried
            else dict(BLANK_TICKS)
        )
        rows.append(
            {
                "item": item,
                "sent": sent,
                "carried": carried,
                "changed": changed,
                "previous": prev,
            }
        )
    return RoundStart(previous=previous, changes=changes, rows=rows)
