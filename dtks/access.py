"""What the DTKS screens reach, through these: the registry is read by role.

The extract covers the whole regency (it is not a desa's data): the rekap staff
import it, they and the verifiers look people up in it; anyone else finds nothing.
"""

from django.db.models import QuerySet

from kis_portal.roles import Role, has_role

from .models import DtksPeriode, DtksRecord

# Who imports an extract.
UPLOAD_ROLES = (Role.REKAP, Role.ADMIN)
# Who looks people up in the registry.
SEARCH_ROLES = (*UPLOAD_ROLES, Role.VERIFIKATOR)


def periode_for_user(user) -> QuerySet[DtksPeriode]:
    if not has_role(user, *SEARCH_ROLES):
        return DtksPeriode.objects.none()
    return DtksPeriode.objects.all()


def record_for_user(user) -> QuerySet[DtksRecord]:
    if not has_role(user, *SEARCH_ROLES):
        return DtksRecord.objects.none()
    return DtksRecord.objects.all()
