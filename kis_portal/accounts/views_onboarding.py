"""Bringing people on board: accounts in bulk, password slips, resets, replacements.

Every password the admin hands out is a one-time one made by a job
(`accounts.jobs`); the admin gets it only as the slips PDF, downloaded once from
the job's slip page.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kis_portal.audit.services import audit_record
from kis_portal.http import private
from kis_portal.jobs.access import get_job_for_user
from kis_portal.jobs.services import job_start
from kis_portal.roles import Role, has_role, role_required
from kis_portal.staging.services import staged_create, staged_delete, staged_get

from . import bulk, imports
from .access import get_user_for_user, users_of_slip_job
from .forms import AccountsFileForm, IssueForm, RegionAccountsForm, ReplaceOperatorForm
from .registry import can_send
from .services import operator_replace
from .slips import SLIP_KINDS, slip_take, slip_waiting

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MSG_DONE = "Berkas ini sudah diproses. Unggah lagi bila ingin membuat akun lagi."
MSG_REPLACED = (
    "Pratinjau ini sudah tidak berlaku karena ada unggahan yang lebih baru. "
    "Unggah ulang berkas yang ingin diproses."
)


def _session_key(user) -> str:
    return f"akun_berkas_token:{user.pk}"


def _bulk_context(region_form, file_form) -> dict:
    lines = bulk.region_overview()
    return {
        "region_form": region_form,
        "file_form": file_form,
        "lines": lines,
        "to_create": sum(line.to_create for line in lines),
        "max_rows": imports.max_rows(),
        "max_mb": imports.MAX_BYTES // (1024 * 1024),
        "days": settings.KIS_SANDI_SEMENTARA_HARI,
    }


@require_GET
@role_required(Role.ADMIN)
def accounts_bulk(request: HttpRequest) -> HttpResponse:
    """The two ways in: the region list, or the office's own file."""
    return render(
        request,
        "accounts/bulk.html",
        _bulk_context(RegionAccountsForm(), AccountsFileForm()),
    )


@require_POST
@role_required(Role.ADMIN)
def accounts_bulk_region(request: HttpRequest) -> HttpResponse:
    form = RegionAccountsForm(data=request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/bulk.html", _bulk_context(form, AccountsFileForm())
        )
    kecamatan = form.kecamatan()
    job = job_start(
        kind="akun_wilayah",
        by=request.user,
        params={
            "kecamatan_id": kecamatan.pk if kecamatan else None,
            "ulang": form.cleaned_data["ulang"],
        },
        label=f"Buat akun operator: {f'Kecamatan {kecamatan.nama}' if kecamatan else 'seluruh kabupaten'}",
    )
    return redirect("accounts:slip", pk=job.pk)


@require_GET
@role_required(Role.ADMIN)
def accounts_bulk_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.build_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-akun.xlsx"'
    return private(response)


@require_POST
@role_required(Role.ADMIN)
def accounts_bulk_upload(request: HttpRequest) -> HttpResponse:
    """Read the file and show every row before anything is created."""
    form = AccountsFileForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            content = imports.read_upload(form.cleaned_data["berkas"])
            preview = imports.parse_accounts(content)
        except imports.AccountsFileError as exc:
            form.add_error("berkas", exc.message)
        else:
            key = _session_key(request.user)
            if previous := request.session.pop(key, None):
                staged_delete(previous, by=request.user)
            token = ""
            if preview.ok_rows:
                token = staged_create(
                    content=content,
                    purpose=imports.STAGING_PURPOSE,
                    name=form.cleaned_data["berkas"].name,
                    by=request.user,
                )
                request.session[key] = token
            return render(
                request,
                "accounts/bulk_preview.html",
                {
                    "preview": preview,
                    "rows": preview.error_rows
                    + preview.ok_rows
                    + preview.existing_rows,
                    "token": token,
                    "issue_form": IssueForm(),
                    "can_send": can_send(),
                },
            )
    return render(
        request, "accounts/bulk.html", _bulk_context(RegionAccountsForm(), form)
    )


@require_POST
@role_required(Role.ADMIN)
def accounts_bulk_confirm(request: HttpRequest) -> HttpResponse:
    key = _session_key(request.user)
    token = request.session.pop(key, None)
    request.session.save()  # consumed before the work: a second POST finds nothing
    if token and token != request.POST.get("token"):
        request.session[key] = token  # a newer preview (another tab) stays usable
        messages.warning(request, MSG_REPLACED)
        return redirect("accounts:bulk")
    if not token or not staged_get(
        token, purpose=imports.STAGING_PURPOSE, by=request.user
    ):
        messages.info(request, MSG_DONE)
        return redirect("accounts:bulk")
    form = IssueForm(data=request.POST)
    kirim = form.is_valid() and form.cleaned_data["kirim"]
    job = job_start(
        kind="akun_berkas", by=request.user, params={"token": token, "kirim": kirim}
    )
    return redirect("accounts:slip", pk=job.pk)


def _slip_job(request: HttpRequest, pk: int):
    job = get_job_for_user(request.user, pk)
    if job.kind not in SLIP_KINDS:
        raise Http404
    return job


@require_GET
@role_required(Role.ADMIN)
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """A slip job's progress, the accounts it made, and the one download."""
    job = _slip_job(request, pk)
    users = users_of_slip_job(request.user, job)
    return render(
        request,
        "accounts/slip.html",
        {
            "job": job,
            "users": users,
            "waiting": slip_waiting(job, by=request.user),
            "hours": settings.KIS_STAGING_JAM,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def slip_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The slips PDF, once: after this download it no longer exists anywhere."""
    job = _slip_job(request, pk)
    content = slip_take(job, by=request.user)
    if content is None:
        messages.warning(
            request,
            "Slip ini sudah diunduh atau sudah kedaluwarsa. Bila hilang, buat kata "
            "sandi sementara yang baru untuk akun yang belum pernah masuk.",
        )
        return redirect("accounts:slip", pk=job.pk)
    accounts = len((job.params or {}).get("akun", []))
    audit_record(
        action="export",
        by=request.user,
        target=job,
        reason="slip kata sandi sementara diunduh (sekali)",
        data={"akun": accounts},
    )
    logger.info("user=%s downloaded the slips of job=%s", request.user.pk, job.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="slip-akun-{stamp}.pdf"'
    return private(response)


@require_POST
@role_required(Role.ADMIN)
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new one-time password for one account: forgotten, lost slip, expired."""
    user = get_user_for_user(request.user, pk)
    if not user.is_active:
        messages.error(request, "Akun nonaktif: aktifkan dulu sebelum membuat slip.")
        return redirect("accounts:user_edit", pk=user.pk)
    form = IssueForm(data=request.POST)
    kirim = form.is_valid() and form.cleaned_data["kirim"]
    job = job_start(
        kind="akun_sandi",
        by=request.user,
        params={"user_ids": [user.pk], "alasan": "reset oleh admin", "kirim": kirim},
        label=f"Kata sandi sementara untuk {user.username}",
    )
    return redirect("accounts:slip", pk=job.pk)


@role_required(Role.ADMIN)
def operator_replace_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The desa's new operator: the old account off, a slip for the new one."""
    old = get_user_for_user(request.user, pk)
    profile = getattr(old, "profile", None)
    if not has_role(old, Role.OPERATOR_DESA) or profile is None or not profile.desa:
        raise Http404
    form = ReplaceOperatorForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = operator_replace(
                old=old,
                first_name=data["first_name"],
                last_name=data["last_name"],
                telepon=data["telepon"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Its first password is made and printed by the job, like every other.
            job = job_start(
                kind="akun_sandi",
                by=request.user,
                params={
                    "user_ids": [new.pk],
                    "alasan": f"pengganti {old.username}",
                    "kirim": data["kirim"],
                },
                label=f"Operator baru {new.username} ({profile.desa})",
            )
            messages.success(
                request,
                f"{old.username} dinonaktifkan; {new.username} menjadi operator "
                f"{profile.desa}. Unduh slip kata sandinya di halaman ini.",
            )
            return redirect("accounts:slip", pk=job.pk)
    return render(
        request,
        "accounts/operator_replace.html",
        {"form": form, "old": old, "desa": profile.desa, "can_send": can_send()},
    )
