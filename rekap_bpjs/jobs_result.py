"""Applying BPJS's result file runs in the background."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed


@job_handler("bpjs_result_apply", label="Impor hasil BPJS")
def apply_result(ctx, *, periode: str, path: str, filename: str) -> None:
    from .results import result_apply

    user = get_user_model().objects.get(pk=ctx.job.created_by_id)
    if not default_storage.exists(path):
        raise JobFailed("Berkas hasil tidak ditemukan lagi. Unggah ulang berkasnya.")
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    ctx.progress(0, None, "Menerapkan hasil BPJS...")
    try:
        result = result_apply(
            periode=periode, content=content, filename=filename, by=user
        )
    except ValidationError as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        raise JobFailed(" ".join(messages)) from exc
    finally:
        default_storage.delete(path)
    counts = result.counts
    if result.already:
        ctx.job.message = "Berkas ini sudah pernah diterapkan: tidak ada yang berubah."
    else:
        ctx.job.message = (
            f"Terdaftar {counts.get('terdaftar', 0)}, gagal {counts.get('gagal', 0)}, "
            f"tidak cocok {counts.get('tidak_cocok', 0)}, salah format "
            f"{counts.get('salah_format', 0)}; masih menunggu hasil {counts.get('menunggu', 0)}."
        )
    ctx.job.save(update_fields=["message"])
