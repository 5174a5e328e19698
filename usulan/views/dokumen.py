"""Uploading and serving scanned documents, only through access checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.http import stored_file
from kis_portal.roles import Role, role_required

from ..access import can_edit, get_dokumen_for_user, get_usulan_for_user
from ..forms import DokumenForm
from ..selectors import documents_for
from ..services import dokumen_upload
from .outcome import flash_row
from .usulan import LIST_ROLES


@require_POST
@role_required(Role.OPERATOR_DESA, Role.LOKET)
def usulan_dokumen_upload(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Upload for one household- or member-level requirement, named by its key."""
    usulan = get_usulan_for_user(request.user, pk)
    if not can_edit(request.user, usulan):
        raise PermissionDenied
    doc = next(
        (d for d in documents_for(usulan) if d.key == key and d.level != "pengajuan"),
        None,
    )
    if doc is None:
        raise Http404
    form = DokumenForm(files=request.FILES)
    back = redirect(f"{usulan.get_absolute_url()}#dok-{doc.key}")
    if not form.is_valid():
        flash_row(
            request, usulan, doc, ok=False, text="pilih berkas yang akan diunggah."
        )
        return back
    try:
        dokumen_upload(
            requirement_kode=doc.requirement.kode,
            requirement_nama=doc.requirement.nama,
            level=doc.level,
            upload=form.cleaned_data["berkas"],
            by=request.user,
            usulan=usulan if doc.anggota is None else None,
            anggota=doc.anggota,
        )
    except ValidationError as exc:
        flash_row(request, usulan, doc, ok=False, text=" ".join(exc.messages))
    else:
        flash_row(request, usulan, doc, ok=True, text="tersimpan.")
    return back


@xframe_options_sameorigin  # the verifier's document viewer frames it
@role_required(*LIST_ROLES)
def dokumen_download(request: HttpRequest, pk: int) -> FileResponse:
    dokumen = get_dokumen_for_user(request.user, pk)
    if not dokumen.file:  # purged at the end of its retention period
        raise Http404("Berkas sudah dihapus karena masa simpannya berakhir.")
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.UNDUH,
        halaman=f"Dokumen {dokumen.requirement_nama}",
        subjek_tipe="dokumen",
        ids=[dokumen.pk],
        niks=[dokumen.anggota.nik] if dokumen.anggota else [],
    )
    inline = request.GET.get("lihat") == "1"
    ext = dokumen.file.name.rsplit(".", 1)[-1]
    return stored_file(
        dokumen.file.open("rb"),
        inline=inline,
        filename=f"{dokumen.requirement_kode}-{dokumen.pk}.{ext}",
        content_type=dokumen.content_type,
    )
