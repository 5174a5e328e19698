"""Every complaint, attachment and guest-book entry reaches a view through these.

A desa operator sees its own desa's complaints (never the staff's internal notes);
the staff who handle or read complaints see every one; anyone else none.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role, operator_desa_id

from .models import BukuTamu, Lampiran, Pengaduan, Tanggapan

# Staff who handle complaints: assign, change status, reply, internal notes.
HANDLERS = (Role.LOKET, Role.VERIFIKATOR, Role.REKAP, Role.DISTRIBUSI, Role.ADMIN)
# Staff who read every complaint of the regency.
READERS = (*HANDLERS, Role.KADIS)
# The counter writes the guest book; the head of office reads it.
BUKU_TAMU_WRITERS = (Role.LOKET, Role.ADMIN)
BUKU_TAMU_READERS = (*BUKU_TAMU_WRITERS, Role.KADIS)


def is_handler(user) -> bool:
    return has_role(user, *HANDLERS)


def pengaduan_for_user(user) -> QuerySet[Pengaduan]:
    qs = Pengaduan.objects.select_related("desa__kecamatan", "petugas", "usulan")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(desa_id=desa_id)
    if has_role(user, *READERS):
        return qs
    return qs.none()


def get_pengaduan_for_user(user, pk: int) -> Pengaduan:
    return get_object_or_404(pengaduan_for_user(user), pk=pk)


def can_touch(user, pengaduan: Pengaduan) -> bool:
    """Handlers touch every complaint; a desa operator only its own desa's."""
    if is_handler(user):
        return True
    desa_id = operator_desa_id(user)
    return desa_id is not None and desa_id == pengaduan.desa_id


def lampiran_for_user(user) -> QuerySet[Lampiran]:
    """An attachment is visible exactly when its complaint is."""
    return Lampiran.objects.select_related("pengaduan").filter(
        pengaduan__in=pengaduan_for_user(user)
    )


def get_lampiran_for_user(user, pk: int) -> Lampiran:
    return get_object_or_404(lampiran_for_user(user), pk=pk)


def tanggapan_for_user(user, pengaduan: Pengaduan) -> QuerySet[Tanggapan]:
    """Replies on one complaint; the desa never sees internal notes."""
    qs = pengaduan.tanggapan_set.select_related("oleh")
    if not has_role(user, *READERS):
        qs = qs.filter(internal=False)
    return qs


def buku_tamu_for_user(user) -> QuerySet[BukuTamu]:
    if not has_role(user, *BUKU_TAMU_READERS):
        return BukuTamu.objects.none()
    return BukuTamu.objects.all()
