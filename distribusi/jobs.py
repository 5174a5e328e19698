"""Background jobs of distribution: the XLSX export of a card list.

Job kind "kartu_export", params: the list's query string values (`filters`);
the list is scoped to the user who started the job, exactly as on screen.
"""

import logging

from django.http import QueryDict
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.jobs.registry import job_handler

from .documents import kartu_workbook
from .filters import KartuFilter
from .selectors import kartu_for_user

logger = logging.getLogger(__name__)


def filtered_cards(user, filters: dict):
    data = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        data[key] = str(value)
    scope = kartu_for_user(user)
    kartu_filter = KartuFilter(data or None, queryset=scope, user=user)
    qs = kartu_filter.qs if kartu_filter.is_bound else scope
    return qs.order_by("desa__kecamatan__nama", "desa__nama", "anggota__nama", "pk")


@job_handler("kartu_export", label="Ekspor daftar kartu (XLSX)")
def export_cards(ctx, *, filters: dict | None = None) -> None:
    user = ctx.job.created_by
    qs = filtered_cards(user, filters or {})
    total = qs.count()
    ctx.progress(0, total, "Menyusun berkas XLSX...")
    content, rows = kartu_workbook(qs, progress=lambda done: ctx.progress(done, total))
    name = f"kartu-jkn-kis-{timezone.localdate():%Y%m%d}.xlsx"
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=user,
        reason=f"Ekspor daftar kartu: {rows} kartu",
        data={"filters": filters or {}, "jumlah": rows},
    )
    logger.info("user=%s exported cards=%s", user.pk, rows)
    ctx.save_result(name, content, f"{rows} kartu diekspor.")
