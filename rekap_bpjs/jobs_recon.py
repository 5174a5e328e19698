"""Background jobs: the BPJS reconciliation and the payment recommendation.

Job kinds and params:
- "recon_diff", token: an upload held by kis_portal.staging (`save_recon_upload`),
  filename (optional, the uploader's name); the result is the differences XLSX;
  the upload is deleted whatever happens.
- "payment_recommendation", periode "YYYY-MM": the result is the PDF letter.
- "payment_annex", periode "YYYY-MM": the result is the XLSX annex.
"""

from django.core.files.base import File
from django.urls import reverse
from django.utils import timezone

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.staging.services import staged_create, staged_delete, staged_open

from .payment import (
    Periode,
    PeriodeError,
    recommendation,
    recommendation_annex_xlsx,
    recommendation_pdf,
)
from .reconciliation import (
    ReconFileError,
    differences_workbook,
    parse_active_list,
    reconcile,
)

RECON_STAGING = "bpjs_rekon"
MSG_UPLOAD_GONE = "Berkas unggahan tidak ditemukan lagi. Unggah ulang daftar BPJS."


def save_recon_upload(uploaded: File, *, by) -> str:
    """Hold an uploaded list for the job (kis_portal.staging); the token for it."""
    return staged_create(
        content=uploaded,
        purpose=RECON_STAGING,
        name=(uploaded.name or "")[-150:],
        by=by,
    )


@job_handler(
    "recon_diff",
    label="Rekonsiliasi peserta aktif BPJS (XLSX)",
    back=lambda params: (
        "Kembali ke rekonsiliasi",
        reverse("rekap_bpjs:reconciliation"),
    ),
)
def recon_diff(ctx, *, token: str, filename: str = "") -> None:
    """`filename` is the uploader's name of the file, for the message only."""
    user = ctx.job.created_by
    try:
        handle = staged_open(token, purpose=RECON_STAGING, by=user)
        if handle is None:
            raise JobFailed(MSG_UPLOAD_GONE)
        with handle:
            try:
                rows = parse_active_list(handle)
            except ReconFileError as exc:
                raise JobFailed(exc.message) from exc
        ctx.progress(0, len(rows))
        rec = reconcile(rows)
        ctx.progress(len(rows), len(rows))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        ctx.save_result(
            f"selisih-rekonsiliasi-bpjs-{stamp}.xlsx",
            differences_workbook(rec),
            (f"{filename}: " if filename else "") + rec.summary(),
        )
    finally:
        staged_delete(token, by=user)


def _periode(periode: str) -> str:
    try:
        return str(Periode.parse(periode))
    except PeriodeError as exc:
        raise JobFailed(str(exc)) from exc


@job_handler(
    "payment_recommendation",
    label="Rekomendasi pembayaran iuran (PDF)",
    back=lambda params: (
        "Kembali ke rekomendasi pembayaran",
        reverse("rekap_bpjs:payment"),
    ),
)
def payment_recommendation(ctx, *, periode: str) -> None:
    periode = _periode(periode)
    data = recommendation(periode)
    content = recommendation_pdf(periode)
    ctx.save_result(
        f"rekomendasi-iuran-pbi-{periode}.pdf",
        content,
        f"{data['count']} orang × {data['premium_rp']} = {data['total_rp']}.",
    )


@job_handler(
    "payment_annex",
    label="Lampiran rekomendasi pembayaran iuran (XLSX)",
    back=lambda params: (
        "Kembali ke rekomendasi pembayaran",
        reverse("rekap_bpjs:payment"),
    ),
)
def payment_annex(ctx, *, periode: str) -> None:
    periode = _periode(periode)
    data = recommendation(periode)
    ctx.save_result(
        f"lampiran-iuran-pbi-{periode}.xlsx",
        recommendation_annex_xlsx(periode),
        f"{data['count']} peserta, total {data['total_rp']}.",
    )
