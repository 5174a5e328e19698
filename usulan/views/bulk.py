"""Bulk intake from Excel: template download, upload with preview, confirmation."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kis_portal.jobs.services import job_start
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, role_required
from kis_portal.staging.services import staged_create, staged_delete, staged_get
from kis_portal.wilayah.access import desa_for_user
from kis_portal.wilayah.models import Desa

from .. import bulk

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MSG_DONE = "Impor ini sudah diproses. Unggah berkas lagi bila ingin mengimpor ulang."
MSG_REPLACED = (
    "Pratinjau ini sudah tidak berlaku karena ada unggahan yang lebih baru. "
    "Unggah ulang berkas yang ingin diimpor."
)


def _session_key(user) -> str:
    return f"usulan_bulk_token:{user.pk}"


def _own_desa(user) -> Desa:
    desa = desa_for_user(user).first()
    if desa is None:  # an operator account without a desa
        raise PermissionDenied
    return desa


def _upload_context(form: bulk.BulkUploadForm) -> dict:
    return {
        "form": form,
        "max_rows": bulk.max_rows(),
        "max_mb": bulk.MAX_BYTES // (1024 * 1024),
    }


@role_required(Role.OPERATOR_DESA)
def bulk_upload(request: HttpRequest) -> HttpResponse:
    desa = _own_desa(request.user)
    form = bulk.BulkUploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = bulk.read_upload(form.cleaned_data["berkas"])
            preview = bulk.parse_upload(content, user=request.user, desa=desa)
        except bulk.BulkFileError as exc:
            form.add_error("berkas", exc.message)
        else:
            key = _session_key(request.user)
            if previous := request.session.pop(key, None):
                staged_delete(previous, by=request.user)
            token = ""
            if preview.ok_households:
                token = staged_create(
                    content=content,
                    purpose=bulk.STAGING_PURPOSE,
                    name=form.cleaned_data["berkas"].name,
                    by=request.user,
                )
                request.session[key] = token
            return render(
                request,
                "usulan/bulk_preview.html",
                {
                    "preview": preview,
                    # Rows to fix first: they are what the operator came to see.
                    "households": preview.error_households + preview.ok_households,
                    "token": token,
                    "desa": desa,
                    "ok_count": len(preview.ok_households),
                    "error_count": len(preview.error_households),
                },
            )
    return render(request, "usulan/bulk_upload.html", _upload_context(form))


@require_GET
@role_required(Role.OPERATOR_DESA)
def bulk_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        bulk.build_template(get_active_profile()), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="templat-usulan.xlsx"'
    return response


@require_POST
@role_required(Role.OPERATOR_DESA)
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    _own_desa(request.user)  # an operator account without a desa gets 403
    key = _session_key(request.user)
    token = request.session.pop(key, None)
    request.session.save()  # consumed before the work: a second POST finds nothing
    if token and token != request.POST.get("token"):
        request.session[key] = token  # a newer preview (another tab) stays usable
        messages.warning(request, MSG_REPLACED)
        return redirect("usulan:bulk_upload")
    if not token or not staged_get(
        token, purpose=bulk.STAGING_PURPOSE, by=request.user
    ):
        messages.info(request, MSG_DONE)
        return redirect("usulan:list")
    # Creating up to 2,000 rows takes a while: the worker does it, the page shows progress.
    job = job_start(kind="usulan_bulk_import", by=request.user, params={"token": token})
    return redirect(job)
