"""Demo cards in every state: some late at the office, some at the desa, some with
their owners, one returned, one through a PKH companion; the rest not yet arrived."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from distribusi.services import (
    Penerima,
    kartu_diterima_warga,
    kartu_kembalikan,
    kartu_terima_noka,
    serah_terima_buat,
)
from rekap_bpjs.models import Batch
from usulan.models import Anggota


def seed_distribusi() -> None:
    if Kartu.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    staff, desa1 = users["distribusi"], users["desa1"]
    batch = Batch.objects.filter(status=Batch.Status.HASIL).first()
    if batch is None:
        return
    enrolled = list(
        Anggota.objects.filter(
            batch_items__batch=batch, status_bpjs=Anggota.StatusBpjs.TERDAFTAR
        ).order_by("pk")
    )
    if len(enrolled) < 7:
        return
    # Six cards arrived three weeks ago and one two days ago; the others have not
    # come from BPJS yet.
    today = timezone.localdate()
    kartu_terima_noka(
        text="\n".join(m.noka for m in enrolled[:6]),
        tanggal=today - datetime.timedelta(days=21),
        by=staff,
    )
    kartu_terima_noka(
        text=enrolled[6].noka, tanggal=today - datetime.timedelta(days=2), by=staff
    )
    cards = list(Kartu.objects.select_related("desa").order_by("pk"))
    desa = cards[0].desa
    serah_terima_buat(
        kartu_ids=[c.pk for c in cards[:3]],
        kanal=Kanal.DESA,
        desa=desa,
        penerima=Penerima(nama="Kadek Wiranata", jabatan="Kasi Kesejahteraan"),
        by=staff,
    )
    kartu_diterima_warga(kartu_id=cards[0].pk, tanggal=timezone.localdate(), by=desa1)
    serah_terima_buat(
        kartu_ids=[cards[3].pk],
        kanal=Kanal.PKH,
        penerima=Penerima(nama="Ni Putu Ayu Lestari", jabatan="Pendamping PKH"),
        by=staff,
    )
    kartu_kembalikan(
        kartu_id=cards[4].pk, alasan="Meninggal dunia sebelum kartu tiba", by=staff
    )
    # cards[5] stays at the office past the hand-over target (flagged as late);
    # cards[6] arrived two days ago and is still within it.
