"""BPJS's list of deactivated participants: upload, preview, apply; the desa's tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, operator_desa_id, role_required
from kis_portal.staging.services import staged_create, staged_delete, staged_read

from .access import READERS, STAFF, get_nonaktif_for_user, is_staff, nonaktif_for_user
from .deactivations import (
    DeactivationFileError,
    parse_deactivations,
    preview_deactivations,
)
from .models import Nonaktif
from .services import nonaktif_close, nonaktif_import

MAX_BYTES = 20 * 1024 * 1024
STAGING = "bpjs_nonaktif"
SESSION_KEY = "bpjs_nonaktif"
VIEWERS = (*READERS, Role.OPERATOR_DESA)


@role_required(*STAFF)
def nonaktif_upload(request: HttpRequest) -> HttpResponse:
    """Upload BPJS's list; the preview shows every row's fate before applying."""
    preview, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = "Pilih berkas daftar peserta nonaktif dari BPJS."
        elif upload.size > MAX_BYTES:
            error = f"Berkas terlalu besar (paling besar {MAX_BYTES // 2**20} MB)."
        else:
            content = upload.read()
            try:
                rows = parse_deactivations(content)
            except DeactivationFileError as exc:
                error = exc.message
            else:
                preview = preview_deactivations(rows, profile=get_active_profile())
                record_access(
                    by=request.user,
                    tindakan=AksesData.Tindakan.DAFTAR,
                    halaman="Pratinjau daftar peserta nonaktif BPJS",
                    tujuan="impor daftar nonaktif BPJS",
                    subjek_tipe="anggota",
                    ids=[row.peserta.anggota_id for row in preview.matched],
                    niks=[row.peserta.nik for row in preview.matched],
                )
                if previous := request.session.pop(SESSION_KEY, None):
                    staged_delete(previous.get("token", ""), by=request.user)
                token = staged_create(
                    content=content,
                    purpose=STAGING,
                    name=upload.name[-150:],
                    by=request.user,
                )
                request.session[SESSION_KEY] = {
                    "token": token,
                    "name": upload.name[-150:],
                }
    return render(
        request,
        "rekap_bpjs/nonaktif_upload.html",
        {"preview": preview, "error": error},
    )


@require_POST
@role_required(*STAFF)
def nonaktif_apply(request: HttpRequest) -> HttpResponse:
    """Apply the previewed list; a second click finds nothing to apply."""
    stored = request.session.pop(SESSION_KEY, None)
    content = (
        staged_read(stored.get("token", ""), purpose=STAGING, by=request.user)
        if stored
        else None
    )
    if content is None:
        messages.info(request, "Daftar ini sudah diproses. Unggah lagi bila perlu.")
        return redirect("rekap_bpjs:nonaktif_upload")
    try:
        daftar = nonaktif_import(
            content=content, filename=stored.get("name", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rekap_bpjs:nonaktif_upload")
    finally:
        staged_delete(stored.get("token", ""), by=request.user)
    messages.success(
        request,
        f"Daftar diterapkan: {daftar.cocok} peserta menjadi tugas desa, "
        f"{daftar.ditahan} baris ditahan, {daftar.tidak_dikenal} bukan peserta portal.",
    )
    return redirect("rekap_bpjs:nonaktif_list")


@role_required(*VIEWERS)
def nonaktif_list(request: HttpRequest) -> HttpResponse:
    """The deactivated participants: the desa sees its own, the office every desa's."""
    semua = request.GET.get("semua") == "1"
    rows = nonaktif_for_user(request.user).select_related(
        "anggota__usulan", "desa", "daftar"
    )
    if not semua:
        rows = rows.filter(status=Nonaktif.Status.TERBUKA)
    page = Paginator(rows.order_by("batas", "pk"), 50).get_page(request.GET.get("page"))
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Peserta dinonaktifkan BPJS",
        tujuan="tindak lanjut peserta nonaktif",
        subjek_tipe="anggota",
        ids=[row.anggota_id for row in page],
        niks=[row.anggota.nik for row in page],
    )
    return render(
        request,
        "rekap_bpjs/nonaktif_list.html",
        {
            "page": page,
            "semua": semua,
            "is_desa": operator_desa_id(request.user) is not None,
            "can_upload": is_staff(request.user),
        },
    )


@require_POST
@role_required(Role.OPERATOR_DESA, *STAFF)
def nonaktif_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_nonaktif_for_user(request.user, pk)
    try:
        nonaktif_close(
            nonaktif_id=task.pk,
            tindak_lanjut=request.POST.get("tindak_lanjut", ""),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Tindak lanjut dicatat.")
    return redirect("rekap_bpjs:nonaktif_list")
