"""Writing to the registry's side records: the SIKS-NG route a person took."""

import datetime
import logging

from django.db import transaction

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record

from .models import UsulanSiksng

logger = logging.getLogger(__name__)


@transaction.atomic
def siksng_catat(
    *,
    nik: str,
    tanggal_usul: datetime.date,
    hasil: str,
    catatan: str = "",
    by,
) -> UsulanSiksng:
    """Record (or update) that `nik` was proposed through SIKS-NG, and the outcome.

    The caller has checked that `by` may act on this person (usulan.access).
    """
    row = UsulanSiksng.objects.select_for_update().filter(nik=nik).first()
    created = row is None
    row = row or UsulanSiksng(nik=nik)
    row.tanggal_usul = tanggal_usul
    row.hasil = hasil
    row.catatan = catatan.strip()[:250]
    row.updated_by = by
    row.full_clean()
    row.save()
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        by=by,
        target=row,
        reason=f"SIKS-NG: {row.get_hasil_display()}",
        data={"hasil": row.hasil, "tanggal_usul": row.tanggal_usul.isoformat()},
    )
    logger.info("siksng record=%s hasil=%s user=%s", row.pk, row.hasil, by.pk)
    return row
