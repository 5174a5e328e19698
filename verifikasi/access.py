"""Every usulan, house photo and SK reaches a verification view through these.

The verifier reaches an usulan as the usulan app scopes it (narrowed to its
assigned kecamatan); the field officer only what waits for or had a field check in
its area; the head of office what waits for its approval. Anyone else finds none.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role
from usulan import access as usulan_access
from usulan.models import Usulan

from .models import FotoLapangan, SkPenetapan

# Who may open a house photo besides the officer who took it.
FOTO_READ_ROLES = (Role.VERIFIKATOR, Role.KADIS, Role.ADMIN)
# Who reads the SKs penetapan (the head of office also issues them).
SK_READERS = (Role.KADIS, Role.ADMIN)


def usulan_for_user(user) -> QuerySet[Usulan]:
    return usulan_access.usulan_for_user(user)


def get_usulan_for_user(user, pk: int) -> Usulan:
    return usulan_access.get_usulan_for_user(user, pk)


def assigned_kecamatan_ids(user) -> list[int]:
    """A field officer's kecamatan; empty means the whole regency."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return []
    return list(profile.kecamatan.values_list("pk", flat=True))


def lapangan_usulan_for_user(user) -> QuerySet[Usulan]:
    """Usulan a field officer works on: waiting for or past a field check, in area."""
    qs = Usulan.objects.select_related("desa__kecamatan").filter(
        Q(status=Usulan.Status.CEK_LAPANGAN) | Q(cek_lapangan_set__isnull=False)
    )
    if not has_role(user, Role.LAPANGAN):
        return qs.none()
    area = assigned_kecamatan_ids(user)
    if area:
        qs = qs.filter(desa__kecamatan_id__in=area)
    return qs.distinct()


def get_lapangan_usulan_for_user(user, pk: int) -> Usulan:
    return get_object_or_404(lapangan_usulan_for_user(user), pk=pk)


def persetujuan_usulan_for_user(user) -> QuerySet[Usulan]:
    """Usulan waiting for the head of office's approval, for the head of office."""
    if not has_role(user, Role.KADIS):
        return Usulan.objects.none()
    return usulan_for_user(user).filter(status=Usulan.Status.MENUNGGU_ACC)


def foto_for_user(user) -> QuerySet[FotoLapangan]:
    """House photos: for their own field officer, and staff who see the usulan."""
    qs = FotoLapangan.objects.select_related("cek__usulan")
    if has_role(user, *FOTO_READ_ROLES):
        return qs.filter(cek__usulan__in=usulan_for_user(user))
    if has_role(user, Role.LAPANGAN):
        return qs.filter(cek__petugas=user)
    return qs.none()


def get_foto_for_user(user, pk: int) -> FotoLapangan:
    return get_object_or_404(foto_for_user(user), pk=pk)


def sk_for_user(user) -> QuerySet[SkPenetapan]:
    if not has_role(user, *SK_READERS):
        return SkPenetapan.objects.none()
    return SkPenetapan.objects.all()


def get_sk_for_user(user, pk: int) -> SkPenetapan:
    return get_object_or_404(sk_for_user(user), pk=pk)
