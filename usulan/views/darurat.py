"""The faskes's pages: submit an urgent patient from a phone, follow its own cases."""

import logging
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.roles import Role, role_required
from kis_portal.uploads import check_upload

from ..access import darurat_for_user, get_darurat_for_user
from ..darurat import (
    berkas_jam,
    berkas_status,
    darurat_berkas_add,
    darurat_submit,
    papers_overdue,
    urgent_member,
)
from ..forms import BerkasMenyusulForm, DaruratForm

logger = logging.getLogger(__name__)


def _parse_token(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


@role_required(Role.FASKES)
def darurat_list(request: HttpRequest) -> HttpResponse:
    """The faskes's own urgent cases and where each stands."""
    page = Paginator(
        darurat_for_user(request.user).prefetch_related("anggota_set"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "usulan/darurat_list.html", {"page_obj": page})


@role_required(Role.FASKES)
def darurat_create(request: HttpRequest) -> HttpResponse:
    token = _parse_token(request.POST.get("client_token"))
    if request.method == "POST" and (
        done := darurat_for_user(request.user).filter(client_token=token).first()
    ):
        messages.info(request, f"Pasien {done.nomor} sudah terkirim dari isian ini.")
        return redirect("usulan:darurat_detail", pk=done.pk)
    jam = berkas_jam()
    form = DaruratForm(
        data=request.POST or None,
        files=request.FILES or None,
        user=request.user,
        berkas_jam=jam,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checked = {
                name: check_upload(data[name]) if data.get(name) else None
                for name in ("surat", "kk", "ktp")
            }
            usulan = darurat_submit(
                data=data,
                surat=checked["surat"],
                kk=checked["kk"],
                ktp=checked["ktp"],
                by=request.user,
                client_token=token,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"Pasien darurat terkirim ke Dinas Sosial (nomor {usulan.nomor}).",
            )
            return redirect("usulan:darurat_detail", pk=usulan.pk)
    return render(
        request,
        "usulan/darurat_form.html",
        {"form": form, "client_token": token, "berkas_jam": jam},
    )


@role_required(Role.FASKES)
def darurat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_darurat_for_user(request.user, pk)
    return render(
        request,
        "usulan/darurat_detail.html",
        {
            "usulan": usulan,
            "kasus": usulan.darurat,
            "pasien": urgent_member(usulan),
            "berkas": berkas_status(usulan),
            "overdue": papers_overdue(usulan),
            "form": BerkasMenyusulForm(),
        },
    )


@require_POST
@role_required(Role.FASKES)
def darurat_berkas(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_darurat_for_user(request.user, pk)
    form = BerkasMenyusulForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        messages.error(request, "Pilih jenis berkas dan berkasnya.")
    else:
        try:
            darurat_berkas_add(
                usulan=usulan,
                kode=form.cleaned_data["kode"],
                checked=check_upload(form.cleaned_data["berkas"]),
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Berkas tersimpan.")
    return redirect("usulan:darurat_detail", pk=usulan.pk)
