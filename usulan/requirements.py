"""Which documents an usulan needs: the database reads around usulan/document_rules.py."""

from django.db.models import Q

from kis_portal.offices.models import OfficeProfile

from .document_rules import RequiredDoc, documents_needed
from .models import Anggota, Dokumen, Usulan

__all__ = ["RequiredDoc", "required_documents"]


def required_documents(
    usulan: Usulan,
    *,
    profile: OfficeProfile | None,
    not_in_dtks: set[str],
    members: list[Anggota] | None = None,
) -> list[RequiredDoc]:
    """Every document the usulan needs now, each with its uploaded file if any."""
    if profile is None:
        return []
    members = list(usulan.anggota_set.all()) if members is None else members
    return documents_needed(
        usulan,
        profile=profile,
        requirements=profile.requirements.all(),
        members=members,
        not_in_dtks=not_in_dtks,
        documents=_documents_of(usulan, members),
    )


def _documents_of(usulan: Usulan, members: list[Anggota]) -> list[Dokumen]:
    query = Q(usulan=usulan) | Q(anggota__in=[m.pk for m in members])
    if usulan.pengajuan_id:
        query |= Q(pengajuan_id=usulan.pengajuan_id)
    return list(Dokumen.objects.filter(query).select_related("uploaded_by"))
