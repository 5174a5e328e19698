"""Demo batches: last month's, sent with BPJS's result applied; this month's ready to build."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from kis_portal import xlsx
from kis_portal.offices.choices import Kategori
from rekap_bpjs.models import Batch
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from usulan.models import Anggota, Usulan
from verifikasi.approval import persetujuan_decide

from .people import PeopleFactory
from .verifikasi_demo import _accept, _field_check, _new_usulan


def _previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=5)


def _result_file(batch: Batch) -> bytes:
    """BPJS's feedback for the demo batch: the last household failed, the rest enrolled."""
    items = list(
        batch.items.filter(diambil=True).select_related("anggota").order_by("urutan")
    )
    failed_usulan = items[-1].anggota.usulan_id
    tmt = (timezone.localdate().replace(day=1)).strftime("%d-%m-%Y")
    rows: list[list] = [
        [f"PERIODE {batch.periode}"],
        ["NO", "NIK", "NAMA", "NO KARTU", "STATUS", "KETERANGAN", "TMT"],
    ]
    for number, item in enumerate(items, start=1):
        if item.anggota.usulan_id != failed_usulan:
            noka = f"0002{item.nik[-9:]}"
            rows.append(
                [number, item.nik, item.anggota.nama, noka, "BERHASIL", "", tmt]
            )
        else:
            rows.append(
                [
                    number,
                    item.nik,
                    item.anggota.nama,
                    "",
                    "GAGAL",
                    "NIK tidak padan di Dukcapil",
                    "",
                ]
            )
    # Through the one writer, like every XLSX the portal makes: two title rows
    # above BPJS's header, as BPJS sends them.
    wb = xlsx.new_workbook()
    xlsx.write_sheet(
        wb, "Sheet1", ["DATA UMPAN BALIK PENDAFTARAN PESERTA PBPU PEMDA"], rows
    )
    return xlsx.to_bytes(wb)


def seed_rekap() -> None:
    """Once: a sent batch with its result, and households ready for the next one."""
    if Batch.objects.exists():
        return
    users = {
        u.username: u for u in get_user_model().objects.select_related("profile__desa")
    }
    rekap, desa1 = users["rekap"], users["desa1"]
    ready = Usulan.objects.filter(status=Usulan.Status.SIAP)
    if not ready.exists():
        return
    # Enough enrolled households in desa1 for its cards to be in every state.
    factory = PeopleFactory(desa1.profile.desa.kecamatan.nik_prefix, seed=5)
    for size in (3, 3, 3, 3, 2, 2, 2):
        _ready_usulan(desa1, factory, size, Kategori.MISKIN, users)
    # They became ready last month, before its cut-off day.
    last_month = _previous_month(timezone.localdate())
    ready_at = timezone.make_aware(
        datetime.datetime.combine(last_month, datetime.time(9))
    )
    Anggota.objects.filter(usulan__in=ready).update(siap_sejak=ready_at)
    periode = last_month.strftime("%Y-%m")
    batch_build(periode=periode, by=rekap)
    batch = batch_lock(periode=periode, by=rekap)
    result_apply(
        periode=periode,
        content=_result_file(batch),
        filename="umpan-balik.xlsx",
        by=rekap,
    )

    # Households that became ready this month: the next batch is ready to build.
    factory = PeopleFactory(desa1.profile.desa.kecamatan.nik_prefix, seed=4)
    for size, kategori in ((2, Kategori.HAMIL), (3, Kategori.MISKIN)):
        _ready_usulan(desa1, factory, size, kategori, users)


def _ready_usulan(operator, factory, size, kategori, users) -> Usulan:
    """A household through verification, field check and approval."""
    usulan = _new_usulan(operator, factory, size, kategori)
    _accept(usulan, users["verifikator"])
    _field_check(usulan, users["lapangan"])
    persetujuan_decide(usulan_ids=[usulan.pk], by=users["kadis"], keputusan="setuju")
    return usulan
