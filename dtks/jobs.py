"""Background import of an uploaded DTKS/DTSEN extract."""

from django.core.files.storage import default_storage

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed

from .imports import DtksFileError, ImportResult, import_dtks, rejected_workbook


@job_handler("dtks_import", label="Impor DTKS/DTSEN")
def import_dtks_job(ctx, *, path: str, periode: str) -> None:
    """Import the stored upload at `path` (MEDIA_ROOT) as `periode`, then delete it."""

    def on_progress(stage: str, rows: int, fraction: float | None) -> None:
        if stage == "menyimpan":
            ctx.progress(rows, rows, f"Menyimpan {_n(rows)} baris ke basis data ...")
            return
        # The total is estimated from the bytes read so far: the bar moves, and
        # the exact count is known at the end.
        total = max(rows, int(rows / fraction)) if fraction else None
        ctx.progress(rows, total, f"{_n(rows)} baris dibaca ...")

    try:
        with default_storage.open(path, "rb") as handle:
            result = import_dtks(
                handle, periode=periode, by=ctx.job.created_by, on_progress=on_progress
            )
    except FileNotFoundError as exc:
        raise JobFailed(
            "Berkas unggahan tidak ditemukan lagi. Unggah ulang berkasnya."
        ) from exc
    except DtksFileError as exc:
        if exc.result is not None and exc.result.rejected:
            _save_rejected(ctx, exc.result, exc.message)
        raise JobFailed(exc.message) from exc
    finally:
        default_storage.delete(path)
    rows = result.imported + result.rejected
    message = (
        f"Periode {result.periode}: {_n(result.imported)} baris diimpor, "
        f"{_n(result.rejected)} baris ditolak."
    )
    ctx.progress(rows, rows, message)
    if result.rejected:
        _save_rejected(ctx, result, message + " Unduh daftar baris yang ditolak.")


def _save_rejected(ctx, result: ImportResult, message: str) -> None:
    ctx.save_result(
        f"dtks-{result.periode}-ditolak.xlsx", rejected_workbook(result), message
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
