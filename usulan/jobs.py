"""Background jobs of the usulan stage."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.staging.services import staged_delete, staged_read
from kis_portal.wilayah.access import desa_for_user

from . import bulk


@job_handler(
    "usulan_bulk_import",
    label="Impor usulan dari Excel",
    back=lambda params: ("Kembali ke daftar usulan", reverse("usulan:list")),
)
def bulk_import(ctx, *, token: str) -> None:
    """Re-read the stored upload, check it again and create the valid households."""
    user = get_user_model().objects.get(pk=ctx.job.created_by_id)
    desa = desa_for_user(user).first()
    content = staged_read(token, purpose=bulk.STAGING_PURPOSE, by=user)
    if desa is None or content is None:
        raise JobFailed("Berkas impor tidak ditemukan lagi. Unggah ulang berkasnya.")
    try:
        ctx.progress(0, None, "Memeriksa ulang berkas...")
        # The preview is not trusted: the stored file is read and checked again.
        preview = bulk.parse_upload(content, user=user, desa=desa)
        total = len(preview.ok_households)
        ctx.progress(0, total, f"Membuat {total} usulan...")
        created = bulk.create_drafts(preview, user=user, desa=desa, import_token=token)
    except bulk.BulkFileError as exc:
        raise JobFailed(exc.message) from exc
    except ValidationError as exc:
        raise JobFailed(
            "Tidak ada usulan yang dibuat: " + " ".join(exc.messages)
        ) from exc
    finally:
        staged_delete(token, by=user)
    if not created:
        raise JobFailed(
            "Tidak ada usulan yang dibuat: data berubah sejak pratinjau dan tidak ada "
            "keluarga yang lolos pemeriksaan. Unggah ulang untuk melihat kesalahannya."
        )
    ctx.progress(len(created), len(created))
    lines = [f"{len(created)} usulan dibuat sebagai draf."]
    if skipped := len(preview.error_households):
        lines.append(
            f"{skipped} keluarga dilewati karena masih ada kesalahan. Perbaiki "
            "barisnya lalu impor ulang keluarga tersebut saja."
        )
    ctx.job.message = "\n".join(lines)
    ctx.job.save(update_fields=["message"])
