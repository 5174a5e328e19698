"""Applying BPJS's result file runs in the background.

Job kind "bpjs_result_apply", params: periode, token (the previewed file, held by
kis_portal.staging for the user who previewed it; deleted whatever happens).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.staging.services import staged_delete, staged_get

from .results import result_apply

RESULT_STAGING = "bpjs_hasil"
MSG_GONE = "Berkas hasil tidak ditemukan lagi. Unggah ulang berkasnya."


@job_handler("bpjs_result_apply", label="Impor hasil BPJS")
def apply_result(ctx, *, periode: str, token: str, **_page) -> None:
    user = get_user_model().objects.get(pk=ctx.job.created_by_id)
    try:
        staged = staged_get(token, purpose=RESULT_STAGING, by=user)
        content = staged.read() if staged else None
        if staged is None or content is None:
            raise JobFailed(MSG_GONE)
        ctx.progress(0, None, "Menerapkan hasil BPJS...")
        try:
            result = result_apply(
                periode=periode, content=content, filename=staged.name, by=user
            )
        except ValidationError as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise JobFailed(" ".join(messages)) from exc
    finally:
        staged_delete(token, by=user)
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
