"""A batch BPJS has answered, with its enrolled members ready for their cards."""

from rekap_bpjs.models import Batch
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import ready_household
from usulan.models import Anggota


def noka_for(member: Anggota) -> str:
    return f"0001{member.nik[-9:]}"


def enrolled_batch(
    rekap, households: list[tuple], *, periode: str = "2026-11"
) -> Batch:
    """`households`: (operator, size) pairs; every member is enrolled by BPJS."""
    minute = 0
    for operator, size in households:
        minute += 1
        ready_household(operator, size=size, minutes=minute)
    batch_build(periode=periode, by=rekap)
    batch = batch_lock(periode=periode, by=rekap)
    lines = ["NIK;NO KARTU;STATUS;KETERANGAN;TMT"]
    for item in batch.items.filter(diambil=True).select_related("anggota"):
        lines.append(f"'{item.nik};'{noka_for(item.anggota)};BERHASIL;;01-12-2026")
    result_apply(
        periode=periode,
        content="\n".join(lines).encode(),
        filename="hasil.csv",
        by=rekap,
    )
    return batch


def enrolled_members(batch: Batch, desa=None) -> list[Anggota]:
    qs = Anggota.objects.filter(
        batch_items__batch=batch, status_bpjs=Anggota.StatusBpjs.TERDAFTAR
    )
    if desa is not None:
        qs = qs.filter(usulan__desa=desa)
    return list(qs.order_by("pk"))
