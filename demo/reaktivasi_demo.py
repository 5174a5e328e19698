"""Demo of the reactivation lane: a participant BPJS deactivated, and a reactivation usulan.

- BPJS's list of deactivated participants names one member enrolled through the
  portal in desa1: applied, it becomes desa1's task (inbox, home page) with its
  deadline, and the dashboard counts it as open.
- desa1 proposes a MIG37 reactivation for a chronically ill participant
  deactivated a month ago: inside the window, it waits for the verifier in the
  reactivation lane, with the faskes letter the profile asks for.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from kis_portal import xlsx
from kis_portal.offices.choices import AlasanReaktivasi, Kategori
from rekap_bpjs.models import DaftarNonaktif
from rekap_bpjs.services import nonaktif_import
from usulan.models import Anggota, Usulan
from usulan.services import pengajuan_current, usulan_save, usulan_submit

from .people import PeopleFactory
from .usulan_demo import _household, upload_all_documents


def _deactivation_list(members: list[Anggota], day: datetime.date) -> bytes:
    rows = [
        [number, m.noka, m.nik, m.nama, day.strftime("%d-%m-%Y"), "Tidak layak PBI"]
        for number, m in enumerate(members, start=1)
    ]
    wb = xlsx.new_workbook()
    xlsx.write_sheet(
        wb,
        "Sheet1",
        ["NO", "NO KARTU", "NIK", "NAMA PESERTA", "TGL NONAKTIF", "KETERANGAN"],
        rows,
    )
    return xlsx.to_bytes(wb)


def seed_reaktivasi() -> None:
    """Once: one deactivated participant in desa1 and one reactivation usulan."""
    if DaftarNonaktif.objects.exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.select_related("profile__desa__kecamatan")
    }
    desa1, rekap = users["desa1"], users["rekap"]
    today = timezone.localdate()
    enrolled = list(
        Anggota.objects.filter(
            usulan__desa=desa1.profile.desa,
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
            aktif=True,
        )
        .exclude(noka="")
        .order_by("pk")[:1]
    )
    if enrolled:
        nonaktif_import(
            content=_deactivation_list(enrolled, today - datetime.timedelta(days=20)),
            filename="daftar-nonaktif-bpjs-demo.xlsx",
            by=rekap,
        )

    if Usulan.objects.filter(jalur=Usulan.Jalur.REAKTIVASI).exists():
        return
    factory = PeopleFactory(desa1.profile.desa.kecamatan.nik_prefix, seed=8)
    household, members = _household(factory, 2, Kategori.KRONIS)
    household.update(
        jenis="MIG37",
        noka_lama="0003000000801",
        segmen_asal=Usulan.Segmen.PBI_APBN,
        reaktivasi_alasan=AlasanReaktivasi.KRONIS,
        reaktivasi_nonaktif_sejak=today - datetime.timedelta(days=30),
        reaktivasi_keterangan="",
    )
    desa = desa1.profile.desa
    usulan = usulan_save(
        usulan=None,
        household=household,
        members=members,
        by=desa1,
        desa=desa,
        pengajuan=pengajuan_current(desa=desa, by=desa1),
    )
    upload_all_documents(usulan, desa1)
    usulan_submit(usulan_id=usulan.pk, by=desa1)
