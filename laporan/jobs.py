"""Background jobs of the reports.

Kinds:
- "laporan_bulanan": params `filters` (LingkupForm values) and `format` ("xlsx"/"pdf");
- "laporan_peserta": params `filters`; the register of enrolled participants (XLSX).
"""

import logging

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed

from .access import can_read_reports
from .documents import monthly_pdf, monthly_workbook, register_workbook
from .forms import LingkupForm
from .selectors import Lingkup

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf")


def _lingkup(user, filters: dict, *, period_required: bool) -> Lingkup:
    if not can_read_reports(user):
        raise JobFailed("Anda tidak berhak membuat laporan ini.")
    form = LingkupForm(filters or {}, period_required=period_required)
    if not form.is_valid():
        errors = "; ".join(
            str(message) for messages in form.errors.values() for message in messages
        )
        raise JobFailed(f"Saringan laporan tidak valid: {errors}")
    return form.lingkup()


def _slug(lingkup: Lingkup) -> str:
    if lingkup.start and lingkup.end:
        first = lingkup.start.strftime("%Y%m")
        last = lingkup.last_day.strftime("%Y%m")
        period = first if first == last else f"{first}-{last}"
    else:
        period = "semua"
    if lingkup.desa is not None:
        return f"{period}-desa-{lingkup.desa.kode.replace('.', '')}"
    if lingkup.kecamatan is not None:
        return f"{period}-kec-{lingkup.kecamatan.kode.replace('.', '')}"
    return period


@job_handler("laporan_bulanan", label="Laporan perkembangan bulanan")
def monthly_report(ctx, *, filters: dict | None = None, format: str = "xlsx") -> None:
    user = ctx.job.created_by
    if format not in FORMATS:
        raise JobFailed("Format laporan tidak dikenal.")
    lingkup = _lingkup(user, filters or {}, period_required=True)
    ctx.progress(0, 1, "Menghitung angka laporan...")
    if format == "pdf":
        content, data = monthly_pdf(lingkup)
    else:
        content, data = monthly_workbook(lingkup)
    name = f"laporan-bulanan-{_slug(lingkup)}.{format}"
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=user,
        reason=f"Laporan perkembangan bulanan ({format.upper()}): {lingkup.periode_label}, {lingkup.area_label}",
        data={"filters": filters or {}, "format": format},
    )
    logger.info("user=%s monthly report format=%s", user.pk, format)
    ctx.progress(1, 1)
    ctx.save_result(
        name,
        content,
        f"Laporan {lingkup.periode_label}, {lingkup.area_label}: "
        f"{len(data['per_desa'])} desa/kelurahan.",
    )


@job_handler("laporan_peserta", label="Daftar peserta terdaftar (XLSX)")
def participant_register(ctx, *, filters: dict | None = None) -> None:
    user = ctx.job.created_by
    lingkup = _lingkup(user, filters or {}, period_required=False)
    ctx.progress(0, None, "Menyusun daftar peserta...")
    content, rows = register_workbook(
        lingkup, progress=lambda done: ctx.progress(done, None)
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=user,
        reason=f"Daftar peserta terdaftar: {rows} orang ({lingkup.periode_label}, {lingkup.area_label})",
        data={"filters": filters or {}, "jumlah": rows},
    )
    logger.info("user=%s participant register rows=%s", user.pk, rows)
    ctx.progress(rows, rows)
    ctx.save_result(
        f"peserta-terdaftar-{_slug(lingkup)}.xlsx",
        content,
        f"{rows} peserta terdaftar.",
    )
