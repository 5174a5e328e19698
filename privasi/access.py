"""What the audit and data-subject pages reach, through these: the admin's only.

The audit trail, the access records and a person's data across every desa are
for the admin; anyone else finds none.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.roles import Role, has_role
from usulan.models import Anggota

READERS = (Role.ADMIN,)


def audit_event_for_user(user) -> QuerySet[AuditEvent]:
    if not has_role(user, *READERS):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def akses_data_for_user(user) -> QuerySet[AksesData]:
    if not has_role(user, *READERS):
        return AksesData.objects.none()
    return AksesData.objects.all()


def subjek_anggota_for_user(user, nik: str) -> QuerySet[Anggota]:
    """The member records of the person `nik` being looked at (none without one)."""
    if not nik or not has_role(user, *READERS):
        return Anggota.objects.none()
    return Anggota.objects.select_related("usulan").filter(nik=nik)


def get_subjek_anggota_for_user(user, nik: str, pk: int) -> Anggota:
    """One record of the person being looked at: 404 for anyone else's."""
    return get_object_or_404(subjek_anggota_for_user(user, nik), pk=pk)
