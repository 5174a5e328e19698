"""A desa's submissions: the cover letter, its documents and its households."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.offices.choices import Level
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, operator_desa_id, role_required
from kis_portal.search import search_data, search_redirect
from kis_portal.uploads import max_upload_bytes
from kis_portal.wilayah.access import desa_for_user
from kis_portal.wilayah.models import Desa

from ..access import get_pengajuan_for_user, pengajuan_for_user
from ..forms import DokumenForm, PengajuanForm
from ..models import Usulan
from ..services import (
    IncompleteUsulan,
    _pengajuan_editable,
    dokumen_upload,
    pengajuan_create,
    usulan_submit,
)
from .usulan import LIST_ROLES


def _cover_requirements(pengajuan):
    profile = get_active_profile()
    if profile is None:
        return []
    uploaded = {d.requirement_kode: d for d in pengajuan.dokumen_set.all()}
    return [
        {"requirement": req, "dokumen": uploaded.get(req.kode)}
        for req in profile.requirements.filter(level=Level.PENGAJUAN)
    ]


@role_required(*LIST_ROLES)
def pengajuan_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    qs = pengajuan_for_user(request.user).annotate(jumlah_usulan=Count("usulan_set"))
    q = ((search_data(request) or {}).get("q") or "").strip()
    if q:
        qs = qs.filter(nomor_surat__icontains=q) | qs.filter(nomor__iexact=q)
    page = Paginator(qs.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "usulan/pengajuan_list.html",
        {
            "page_obj": page,
            "q": q,
            "can_create": operator_desa_id(request.user) is not None,
        },
    )


def _own_desa(request: HttpRequest) -> Desa:
    desa = desa_for_user(request.user).first()
    if desa is None:  # an operator account not bound to a desa
        raise PermissionDenied
    return desa


@role_required(Role.OPERATOR_DESA)
def pengajuan_create_view(request: HttpRequest) -> HttpResponse:
    desa = _own_desa(request)
    form = PengajuanForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        pengajuan = pengajuan_create(
            desa=desa,
            by=request.user,
            **form.cleaned_data,
        )
        messages.success(request, "Pengajuan dibuat. Unggah surat pengantarnya.")
        return redirect(pengajuan)
    return render(request, "usulan/pengajuan_form.html", {"form": form})


@role_required(*LIST_ROLES)
def pengajuan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pengajuan = get_pengajuan_for_user(request.user, pk)
    is_owner = operator_desa_id(request.user) == pengajuan.desa_id
    usulan = pengajuan.usulan_set.annotate(
        jumlah_anggota=Count("anggota_set")
    ).order_by("pk")
    return render(
        request,
        "usulan/pengajuan_detail.html",
        {
            "pengajuan": pengajuan,
            "covers": _cover_requirements(pengajuan),
            "usulan_rows": usulan,
            "can_edit": is_owner and _pengajuan_editable(pengajuan),
            "upload_form": DokumenForm(),
            "upload_max_bytes": max_upload_bytes(),
        },
    )


@require_POST
@role_required(Role.OPERATOR_DESA)
def pengajuan_dokumen_upload(request: HttpRequest, pk: int, kode: str) -> HttpResponse:
    pengajuan = get_pengajuan_for_user(request.user, pk)
    cover = next(
        (c for c in _cover_requirements(pengajuan) if c["requirement"].kode == kode),
        None,
    )
    if cover is None:
        raise Http404
    if not _pengajuan_editable(pengajuan):
        raise PermissionDenied
    form = DokumenForm(files=request.FILES)
    requirement = cover["requirement"]
    if not form.is_valid():
        messages.error(request, f"{requirement.nama}: pilih berkas yang akan diunggah.")
        return redirect(pengajuan)
    try:
        dokumen_upload(
            requirement_kode=requirement.kode,
            requirement_nama=requirement.nama,
            level=Level.PENGAJUAN,
            upload=form.cleaned_data["berkas"],
            by=request.user,
            pengajuan=pengajuan,
        )
    except ValidationError as exc:
        messages.error(request, f"{requirement.nama}: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"{requirement.nama} tersimpan.")
    return redirect(pengajuan)


@require_POST
@role_required(Role.OPERATOR_DESA)
def pengajuan_submit_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit every complete draft of the pengajuan; report the incomplete ones."""
    pengajuan = get_pengajuan_for_user(request.user, pk)
    submitted, incomplete = 0, []
    for usulan in pengajuan.usulan_set.filter(
        status__in=[Usulan.Status.DRAFT, Usulan.Status.DIKEMBALIKAN]
    ):
        try:
            submitted += usulan_submit(usulan_id=usulan.pk, by=request.user)
        except IncompleteUsulan as exc:
            incomplete.append(f"{usulan.nomor}: {exc.missing[0]}")
    if submitted:
        messages.success(request, f"{submitted} usulan diajukan.")
    for line in incomplete:
        messages.warning(request, f"Belum dapat diajukan: {line}")
    if not submitted and not incomplete:
        messages.info(request, "Tidak ada draf untuk diajukan.")
    return redirect(pengajuan)
