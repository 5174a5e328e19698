"""Reads: a desa's inbox, the outgoing log, the public status of an usulan."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from usulan.models import Anggota

from . import texts
from .access import pesan_for_user
from .models import PesanKeluar


def unread_count(user) -> int:
    return pesan_for_user(user).filter(dibaca=False).count()


def keluar_list(keluar: QuerySet[PesanKeluar]) -> QuerySet[PesanKeluar]:
    """`keluar` (a user's scope), newest first."""
    return keluar.order_by("-created_at", "-pk")


def keluar_counts(keluar: QuerySet[PesanKeluar]) -> dict[str, int]:
    rows = keluar.values("status").annotate(n=Count("pk")).order_by()
    counts = {value: 0 for value in PesanKeluar.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class StatusPublik:
    """What the public page may show: no personal data but a masked first name."""

    nomor: str
    nama: str  # masked, e.g. "M***"
    tahap: texts.Tahap
    diperbarui: datetime.datetime


def status_publik(*, nomor: str, tanggal_lahir: datetime.date) -> StatusPublik | None:
    """The stage of the usulan `nomor` if one of its members was born that day.

    One query whatever the answer, so a wrong birth date and an unknown number
    cost the same.
    """
    anggota = (
        Anggota.objects.filter(usulan__nomor=nomor, tanggal_lahir=tanggal_lahir)
        .select_related("usulan", "kartu__serah_terima")
        .order_by("pk")
        .first()
    )
    if anggota is None:
        return None
    usulan = anggota.usulan
    kartu = getattr(anggota, "kartu", None)
    if kartu is not None:
        kanal = kartu.serah_terima.kanal if kartu.serah_terima else ""
        tahap = texts.tahap_kartu(kartu.status, kanal)
        diperbarui = max(kartu.updated_at, usulan.updated_at)
    else:
        tahap = texts.TAHAP_USULAN[usulan.status]
        diperbarui = usulan.updated_at
    return StatusPublik(
        nomor=usulan.nomor,
        nama=texts.mask_first_name(anggota.nama),
        tahap=tahap,
        diperbarui=diperbarui,
    )
