"""Background jobs: the BPJS reconciliation and the payment recommendation.

Job kinds and params:
- "recon_diff", path: an upload saved as "rekon/<random>.<ext>" (`save_recon_upload`),
  filename (optional, the uploader's name); the result is the differences XLSX;
  the upload is deleted whatever happens.
- "payment_recommendation", periode "YYYY-MM": the result is the PDF letter.
- "payment_annex", periode "YYYY-MM": the result is the XLSX annex.
"""

import secrets
from pathlib import PurePosixPath

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed

from .payment import (
    Periode,
    PeriodeError,
    recommendation,
    recommendation_annex_xlsx,
    recommendation_pdf,
)
from .reconciliation import (
    MAX_BYTES,
    ReconFileError,
    differences_workbook,
    parse_active_list,
    reconcile,
)

UPLOAD_DIR = "rekon"
UPLOAD_SUFFIXES = {".xlsx", ".csv", ".txt"}
MSG_UPLOAD_GONE = "Berkas unggahan tidak ditemukan lagi. Unggah ulang daftar BPJS."


def save_recon_upload(uploaded: File) -> str:
    """Store an uploaded list as 'rekon/<random>.<ext>'; the path for the job."""
    suffix = PurePosixPath(uploaded.name or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ReconFileError("Berkas harus XLSX atau CSV (.xlsx, .csv).")
    name = f"{UPLOAD_DIR}/{secrets.token_hex(16)}{suffix}"
    return default_storage.save(name, uploaded)


def _upload_path(path: str) -> str:
    pure = PurePosixPath(str(path or ""))
    if (
        len(pure.parts) != 2
        or pure.parts[0] != UPLOAD_DIR
        or pure.suffix.lower() not in UPLOAD_SUFFIXES
    ):
        raise JobFailed(MSG_UPLOAD_GONE)
    return str(pure)


@job_handler("recon_diff", label="Rekonsiliasi peserta aktif BPJS (XLSX)")
def recon_diff(ctx, *, path: str, filename: str = "") -> None:
    """`filename` is the uploader's name of the file, for the message only."""
    path = _upload_path(path)
    try:
        if not default_storage.exists(path):
            raise JobFailed(MSG_UPLOAD_GONE)
        with default_storage.open(path, "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
        try:
            rows = parse_active_list(content, path)
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
        if default_storage.exists(path):
            default_storage.delete(path)


def _periode(periode: str) -> str:
    try:
        return str(Periode.parse(periode))
    except PeriodeError as exc:
        raise JobFailed(str(exc)) from exc


@job_handler("payment_recommendation", label="Rekomendasi pembayaran iuran (PDF)")
def payment_recommendation(ctx, *, periode: str) -> None:
    periode = _periode(periode)
    data = recommendation(periode)
    content = recommendation_pdf(periode, ctx.job.created_by)
    ctx.save_result(
        f"rekomendasi-iuran-pbi-{periode}.pdf",
        content,
        f"{data['count']} orang × {data['premium_rp']} = {data['total_rp']}.",
    )


@job_handler("payment_annex", label="Lampiran rekomendasi pembayaran iuran (XLSX)")
def payment_annex(ctx, *, periode: str) -> None:
    periode = _periode(periode)
    data = recommendation(periode)
    ctx.save_result(
        f"lampiran-iuran-pbi-{periode}.xlsx",
        recommendation_annex_xlsx(periode),
        f"{data['count']} peserta, total {data['total_rp']}.",
    )
