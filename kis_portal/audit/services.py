"""Audit and access records, used by every app (status changes: kis_portal.workflow)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kis_portal.roles import primary_role

from .models import AksesData, AuditEvent


def audit_record(
    *,
    action: str,
    by=None,
    target: models.Model | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event; `by` is None for the system."""
    return AuditEvent.objects.create(
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target)
        if target is not None
        else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


# Why a role looks at a person's data, when the view does not say more precisely.
PURPOSE_BY_ROLE = {
    "operator_desa": "pendataan usulan desa",
    "petugas_loket": "pelayanan loket",
    "verifikator": "verifikasi",
    "petugas_lapangan": "cek lapangan",
    "kepala_dinas": "persetujuan dan pengawasan",
    "staf_rekap": "rekap BPJS",
    "petugas_distribusi": "distribusi kartu",
    "admin": "administrasi",
}


def _joined(values: Iterable) -> str:
    """' a b c ': space at both ends so ' a ' matches one whole value."""
    seen = dict.fromkeys(str(v) for v in values if v not in (None, ""))
    return f" {' '.join(seen)} " if seen else ""


def record_access(
    *,
    by,
    tindakan: str,
    halaman: str,
    tujuan: str = "",
    subjek_tipe: str = "",
    ids: Iterable = (),
    niks: Iterable[str] = (),
    jumlah: int | None = None,
    keterangan: str = "",
) -> AksesData:
    """Append one access record (one INSERT): who saw/exported/printed whose data, why.

    `ids` are the primary keys of the `subjek_tipe` records shown (for a list: the
    page's rows); `niks` the people's NIKs where the view has them at hand. The
    purpose defaults to the one of the user's role.
    """

    user = by if getattr(by, "is_authenticated", False) else None
    role = primary_role(user) if user else None
    id_text, nik_text = _joined(ids), _joined(niks)
    if jumlah is None:
        jumlah = max(len(id_text.split()), len(nik_text.split()))
    return AksesData.objects.create(
        actor=user,
        peran=role or "",
        tindakan=tindakan,
        halaman=halaman[:100],
        tujuan=(tujuan or PURPOSE_BY_ROLE.get(role or "", "layanan publik"))[:100],
        subjek_tipe=subjek_tipe,
        subjek_ids=id_text,
        niks=nik_text,
        jumlah=jumlah,
        keterangan=keterangan[:250],
    )
