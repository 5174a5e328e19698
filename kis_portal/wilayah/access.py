"""Every desa reaches a view through these: an operator sees only its own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import operator_desa_id

from .models import Desa


def desa_for_user(user) -> QuerySet[Desa]:
    """Every desa the user may see: an operator sees only its own."""
    qs = Desa.objects.select_related("kecamatan")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(pk=desa_id)
    return qs


def get_desa_for_user(user, kode: str) -> Desa:
    """404 for a desa outside the user's area, as for one that does not exist."""
    return get_object_or_404(desa_for_user(user), kode=kode)


def get_desa_for_user_by_pk(user, pk: int | str) -> Desa:
    """The same by primary key, as a form posts a chosen desa."""
    return get_object_or_404(desa_for_user(user), pk=pk)
