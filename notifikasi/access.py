"""Every inbox message and outgoing message reaches a view through these.

Inbox messages are addressed to a desa: its operator reads them, staff have no
inbox. The outgoing log (phone numbers, texts) is for staff only.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role, operator_desa_id

from .models import Pesan, PesanDibaca, PesanKeluar


def pesan_for_user(user) -> QuerySet[Pesan]:
    """The messages of the operator's own desa, each with `dibaca` for this user."""
    desa_id = operator_desa_id(user)
    if desa_id is None:
        return Pesan.objects.none()
    return Pesan.objects.filter(desa_id=desa_id).annotate(
        dibaca=Exists(PesanDibaca.objects.filter(pesan=OuterRef("pk"), user_id=user.pk))
    )


def get_pesan_for_user(user, pk: int) -> Pesan:
    return get_object_or_404(pesan_for_user(user), pk=pk)


def pesan_keluar_for_user(user) -> QuerySet[PesanKeluar]:
    """The outgoing texts (citizens' phone numbers): the admin's, who runs the gateway."""
    if not has_role(user, Role.ADMIN):
        return PesanKeluar.objects.none()
    return PesanKeluar.objects.all()


def get_pesan_keluar_for_user(user, pk: int) -> PesanKeluar:
    return get_object_or_404(pesan_keluar_for_user(user), pk=pk)
