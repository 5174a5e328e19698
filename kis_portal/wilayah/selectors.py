from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.accounts.access import desa_for_user

from .models import Desa, Kecamatan


def kecamatan_with_counts() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.annotate(
        jumlah_desa=Count("desa_set", filter=Q(desa_set__jenis=Desa.Jenis.DESA)),
        jumlah_kelurahan=Count(
            "desa_set", filter=Q(desa_set__jenis=Desa.Jenis.KELURAHAN)
        ),
    )


def get_desa_for_user(user, kode: str) -> Desa:
    """404 for a desa outside the user's area, as for one that does not exist."""
    return get_object_or_404(desa_for_user(user), kode=kode)
