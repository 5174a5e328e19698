"""Every card and hand-over reaches a view through these: scoped by role and desa first.

A desa operator sees its own desa's cards and the receipts handed to the desa
itself; the distribution staff and the readers see every one; anyone else none.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role, operator_desa_id
from usulan.models import Anggota

from .models import Kanal, Kartu, SerahTerima

# Who receives cards from BPJS and hands them over.
STAFF = (Role.DISTRIBUSI, Role.ADMIN)
# Who reads every card of the regency.
READERS = (*STAFF, Role.KADIS, Role.REKAP)


def is_staff(user) -> bool:
    return has_role(user, *STAFF)


def kartu_for_user(user) -> QuerySet[Kartu]:
    qs = Kartu.objects.select_related(
        "anggota__usulan", "desa__kecamatan", "batch", "serah_terima"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(desa_id=desa_id)
    if has_role(user, *READERS):
        return qs
    return qs.none()


def get_kartu_for_user(user, pk: int) -> Kartu:
    return get_object_or_404(kartu_for_user(user), pk=pk)


def serah_terima_for_user(user) -> QuerySet[SerahTerima]:
    """A desa sees the receipts of cards handed to the desa itself, not via PKH etc."""
    qs = SerahTerima.objects.select_related("desa__kecamatan", "dibuat_oleh")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(desa_id=desa_id, kanal=Kanal.DESA)
    if has_role(user, *READERS):
        return qs
    return qs.none()


def get_serah_terima_for_user(user, pk: int) -> SerahTerima:
    return get_object_or_404(serah_terima_for_user(user), pk=pk)


def anggota_for_user(user) -> QuerySet[Anggota]:
    """Members whose card the user may follow: an operator its own desa's."""
    qs = Anggota.objects.select_related("usulan__desa")
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(usulan__desa_id=desa_id)
    return qs if has_role(user, *READERS) else qs.none()
