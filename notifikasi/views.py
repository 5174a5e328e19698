"""The desa inbox and the staff's outgoing-message log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kis_portal.accounts.slips import redact
from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.roles import Role, has_role, role_required

from . import selectors, services
from .access import (
    get_pesan_for_user,
    get_pesan_keluar_for_user,
    pesan_for_user,
    pesan_keluar_for_user,
)
from .forms import PesanKeluarFilter
from .models import Jenis, PesanKeluar


@role_required(Role.OPERATOR_DESA)
def inbox(request: HttpRequest) -> HttpResponse:
    scope = pesan_for_user(request.user)
    belum = request.GET.get("belum") == "1"
    qs = scope.filter(dibaca=False) if belum else scope
    page = Paginator(qs.order_by("-created_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifikasi/inbox.html",
        {
            "page_obj": page,
            "belum": belum,
            "unread": scope.filter(dibaca=False).count(),
        },
    )


@role_required(Role.OPERATOR_DESA)
def buka(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a message: mark it read and go to what it is about."""
    pesan = get_pesan_for_user(request.user, pk)
    services.pesan_mark_read(user=request.user, pesan_ids=[pesan.pk])
    target = pesan.tautan
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifikasi:inbox")


@require_POST
@role_required(Role.OPERATOR_DESA)
def tandai_dibaca(request: HttpRequest, pk: int) -> HttpResponse:
    pesan = get_pesan_for_user(request.user, pk)
    services.pesan_mark_read(user=request.user, pesan_ids=[pesan.pk])
    return redirect(_back(request))


@require_POST
@role_required(Role.OPERATOR_DESA)
def tandai_semua(request: HttpRequest) -> HttpResponse:
    count = services.pesan_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} pesan ditandai sudah dibaca.")
    return redirect("notifikasi:inbox")


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("notifikasi:inbox")


@role_required(Role.ADMIN)
def keluar_list(request: HttpRequest) -> HttpResponse:
    scope = selectors.keluar_list(pesan_keluar_for_user(request.user))
    keluar_filter = PesanKeluarFilter(request.GET or None, queryset=scope)
    qs = keluar_filter.qs if keluar_filter.is_bound else scope
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for pesan in page.object_list:
        if pesan.jenis == Jenis.AKUN:
            pesan.isi = redact(pesan.isi)  # an account's password waits unseen
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Pesan keluar",
        tujuan="pemantauan notifikasi",
        subjek_tipe="pesan_keluar",
        ids=[pesan.pk for pesan in page.object_list],
    )
    return render(
        request,
        "notifikasi/keluar_list.html",
        {
            "filter": keluar_filter,
            "page_obj": page,
            "counts": selectors.keluar_counts(pesan_keluar_for_user(request.user)),
            "status_labels": PesanKeluar.Status.choices,
            "can_retry": has_role(request.user, Role.ADMIN),
            "retryable": (PesanKeluar.Status.GAGAL, PesanKeluar.Status.ULANG),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def pesan_keluar_retry(request: HttpRequest, pk: int) -> HttpResponse:
    get_pesan_keluar_for_user(request.user, pk)
    try:
        pesan = services.pesan_keluar_retry(pk=pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        pesan.refresh_from_db()
        if pesan.status == PesanKeluar.Status.TERKIRIM:
            messages.success(request, f"Pesan {pesan.pk} terkirim.")
        else:
            messages.info(request, f"Pesan {pesan.pk} dijadwalkan dikirim ulang.")
    return redirect(_back_keluar(request))


def _back_keluar(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("notifikasi:keluar")
