"""Background import of an uploaded DTKS/DTSEN extract."""

from django.urls import reverse

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.staging.services import staged_delete, staged_open

from .imports import DtksFileError, ImportResult, import_dtks, rejected_workbook

# What kis_portal.staging holds the uploaded extract as, until the job reads it.
DTKS_STAGING = "dtks"
MSG_GONE = "Berkas unggahan tidak ditemukan lagi. Unggah ulang berkasnya."


@job_handler(
    "dtks_import",
    label="Impor DTKS/DTSEN",
    back=lambda params: ("Kembali ke impor DTKS", reverse("dtks:upload")),
)
def import_dtks_job(ctx, *, token: str, periode: str) -> None:
    """Import the upload held for `token` as `periode`, then delete it."""

    def on_progress(stage: str, rows: int, fraction: float | None) -> None:
        if stage == "menyimpan":
            ctx.progress(rows, rows, f"Menyimpan {_n(rows)} baris ke basis data ...")
            return
        # The total is estimated from the bytes read so far: the bar moves, and
        # the exact count is known at the end.
        total = max(rows, int(rows / fraction)) if fraction else None
        ctx.progress(rows, total, f"{_n(rows)} baris dibaca ...")

    user = ctx.job.created_by
    try:
        handle = staged_open(token, purpose=DTKS_STAGING, by=user)
        if handle is None:
            raise JobFailed(MSG_GONE)
        with handle:
            result = import_dtks(
                handle, periode=periode, by=user, on_progress=on_progress
            )
    except DtksFileError as exc:
        if exc.result is not None and exc.result.rejected:
            _save_rejected(ctx, exc.result, exc.message)
        raise JobFailed(exc.message) from exc
    finally:
        staged_delete(token, by=user)
    rows = result.imported + result.rejected
    message = (
        f"Periode {result.periode}: {_n(result.imported)} baris diimpor, "
        f"{_n(result.rejected)} baris ditolak."
    )
    if result.warned:
        message += (
            f" {_n(result.warned)} baris diimpor dengan peringatan (tanggal lahir, "
            "desil atau kolom lain dibaca longgar atau dikosongkan)."
        )
    if sheets := result.sheets_message():
        message += f" {sheets}"
    ctx.progress(rows, rows, message)
    if result.rejected or result.warned or len(result.sheets_read) > 1:
        _save_rejected(
            ctx, result, message + " Unduh daftar baris yang ditolak dan peringatannya."
        )


def _save_rejected(ctx, result: ImportResult, message: str) -> None:
    ctx.save_result(
        f"dtks-{result.periode}-ditolak.xlsx", rejected_workbook(result), message
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
