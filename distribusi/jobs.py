"""Background jobs of distribution: the XLSX exports of the lists.

Job kinds "kartu_export" and "serah_terima_export", params: the list's query
string values (`filters`); each list is scoped to the user who started the job,
exactly as on screen.
"""

import logging

from django.http import QueryDict
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.jobs.registry import job_handler

from .access import kartu_for_user, serah_terima_for_user
from .documents import kartu_workbook, serah_terima_workbook
from .filters import KartuFilter, SerahTerimaFilter

logger = logging.getLogger(__name__)


def _query(filters: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        data[key] = str(value)
    return data


def filtered_cards(user, filters: dict):
    data = _query(filters)
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


@job_handler("serah_terima_export", label="Ekspor daftar tanda terima (XLSX)")
def export_serah_terima(ctx, *, filters: dict | None = None) -> None:
    user = ctx.job.created_by
    data = _query(filters or {})
    scope = serah_terima_for_user(user)
    st_filter = SerahTerimaFilter(data or None, queryset=scope)
    qs = st_filter.qs if st_filter.is_bound else scope
    content, rows = serah_terima_workbook(qs.order_by("-tahun", "-urut"))
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=user,
        reason=f"Ekspor daftar tanda terima: {rows} baris",
        data={"filters": filters or {}, "jumlah": rows},
    )
    ctx.save_result(
        f"tanda-terima-{timezone.localdate():%Y%m%d}.xlsx",
        content,
        f"{rows} tanda terima diekspor.",
    )
