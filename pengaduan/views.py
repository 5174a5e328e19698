"""Complaint screens (staff and desa), the public form, and the guest book."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import record_access
from kis_portal.http import client_ip, form_add_errors, int_param, private
from kis_portal.roles import Role, has_role, operator_desa_id, role_required
from kis_portal.search import search_data, search_redirect
from kis_portal.uploads import check_upload

from . import forms, services
from .access import (
    BUKU_TAMU_READERS,
    BUKU_TAMU_WRITERS,
    HANDLERS,
    READERS,
    buku_tamu_for_user,
    get_lampiran_for_user,
    get_pengaduan_for_user,
    is_handler,
    pengaduan_for_user,
    tanggapan_for_user,
)
from .filters import PengaduanFilter
from .models import BukuTamu, Pengaduan
from .selectors import buku_tamu_harian, status_counts
from .services import (
    Laporan,
    buku_tamu_record,
    lampiran_add,
    lapor_boleh,
    pengaduan_assign,
    pengaduan_change_status,
    pengaduan_reply,
)
from .targets import target_hari
from .workflow import PENGADUAN

VIEWERS = (*READERS, Role.OPERATOR_DESA)
CREATORS = (*HANDLERS, Role.OPERATOR_DESA)
STATUS_LABELS = dict(Pengaduan.Status.choices)
LIMIT_MESSAGE = (
    "Terlalu banyak pengaduan dikirim dari jaringan Anda dalam satu jam terakhir. "
    "Silakan coba lagi sekitar satu jam lagi, atau datang langsung ke loket Dinas Sosial."
)


def _laporan(data: dict) -> Laporan:
    return Laporan(
        kategori=data["kategori"],
        uraian=data["uraian"],
        pelapor_nama=data["pelapor_nama"],
        pelapor_telepon=data.get("pelapor_telepon", ""),
        desa=data.get("desa"),
        nomor_usulan=data.get("nomor_usulan", ""),
        nik_anggota=data.get("nik_anggota", ""),
    )


# --- Lists and one complaint ---------------------------------------------------------


@role_required(*VIEWERS)
def pengaduan_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    scope = pengaduan_for_user(request.user)
    pengaduan_filter = PengaduanFilter(
        search_data(request), queryset=scope, user=request.user
    )
    qs = pengaduan_filter.qs if pengaduan_filter.is_bound else scope
    page = Paginator(qs.order_by("-created_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Daftar pengaduan",
        tujuan="penanganan pengaduan",
        subjek_tipe="pengaduan",
        ids=[p.pk for p in page.object_list],
    )
    return render(
        request,
        "pengaduan/pengaduan_list.html",
        {
            "filter": pengaduan_filter,
            "page_obj": page,
            "counts": status_counts(scope),
            "status_labels": Pengaduan.Status.choices,
            "is_operator": operator_desa_id(request.user) is not None,
            "can_create": _can_create(request),
        },
    )


def _can_create(request: HttpRequest) -> bool:
    return has_role(request.user, *CREATORS)


@role_required(*CREATORS)
def pengaduan_create(request: HttpRequest) -> HttpResponse:
    is_operator = operator_desa_id(request.user) is not None
    initial = {
        key: request.GET[key][:150]
        for key in ("nomor_usulan", "kategori")
        if request.GET.get(key)
    }
    # From the guest book: the visitor's name and phone by its id, never in the URL.
    tamu_id = int_param(request.GET.get("tamu"))
    if tamu_id and (
        tamu := buku_tamu_for_user(request.user).filter(pk=tamu_id).first()
    ):
        initial.update(pelapor_nama=tamu.nama, pelapor_telepon=tamu.telepon)
    form = forms.PengaduanForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        is_operator=is_operator,
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("lampiran")
            pengaduan = services.pengaduan_create(
                data=_laporan(form.cleaned_data),
                by=request.user,
                sumber=Pengaduan.Sumber.DESA if is_operator else Pengaduan.Sumber.LOKET,
                lampiran=[check_upload(upload)] if upload else [],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Pengaduan {pengaduan.nomor} tercatat. Target selesai "
                f"{pengaduan.tenggat:%d-%m-%Y}.",
            )
            return redirect(pengaduan)
    return render(
        request,
        "pengaduan/pengaduan_form.html",
        {"form": form, "is_operator": is_operator},
    )


@role_required(*VIEWERS)
def pengaduan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pengaduan = get_pengaduan_for_user(request.user, pk)
    handler = is_handler(request.user)
    allowed = PENGADUAN.allowed_from(pengaduan.status)
    can_touch = handler or operator_desa_id(request.user) is not None
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman=f"Pengaduan {pengaduan.nomor}",
        tujuan="penanganan pengaduan",
        subjek_tipe="pengaduan",
        ids=[pengaduan.pk],
        niks=[pengaduan.anggota.nik] if pengaduan.anggota else [],
    )
    return render(
        request,
        "pengaduan/pengaduan_detail.html",
        {
            "pengaduan": pengaduan,
            "tanggapan": tanggapan_for_user(request.user, pengaduan),
            "lampiran": pengaduan.lampiran_set.all(),
            "events": history_for(pengaduan, labels=STATUS_LABELS),
            "is_handler": handler,
            "can_touch": can_touch,
            "target_hari": target_hari(pengaduan.kategori),
            "status_form": forms.StatusForm(allowed=allowed),
            "tugaskan_form": forms.TugaskanForm(
                initial={"petugas": pengaduan.petugas_id}
            ),
            "tanggapan_form": forms.TanggapanForm(staff=handler),
            "lampiran_form": forms.LampiranForm(),
        },
    )


@require_POST
@role_required(*HANDLERS)
def pengaduan_status(request: HttpRequest, pk: int) -> HttpResponse:
    pengaduan = get_pengaduan_for_user(request.user, pk)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pilih status baru.")
        return redirect(pengaduan)
    try:
        pengaduan = pengaduan_change_status(
            pengaduan_id=pengaduan.pk,
            to=form.cleaned_data["status"],
            alasan=form.cleaned_data["alasan"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Status pengaduan {pengaduan.nomor}: {pengaduan.get_status_display()}.",
        )
    return redirect(pengaduan)


@require_POST
@role_required(*HANDLERS)
def pengaduan_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    pengaduan = get_pengaduan_for_user(request.user, pk)
    if request.POST.get("saya") == "1":
        petugas = request.user
    else:
        form = forms.TugaskanForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Pilih petugas dari daftar.")
            return redirect(pengaduan)
        petugas = form.cleaned_data["petugas"]
    try:
        pengaduan_assign(pengaduan_id=pengaduan.pk, petugas=petugas, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = petugas.get_full_name() or petugas.username
        messages.success(request, f"Pengaduan ditugaskan ke {name}.")
    return redirect(pengaduan)


@require_POST
@role_required(*HANDLERS, Role.OPERATOR_DESA)
def pengaduan_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    pengaduan = get_pengaduan_for_user(request.user, pk)
    form = forms.TanggapanForm(request.POST, staff=is_handler(request.user))
    if not form.is_valid():
        messages.error(request, "Tanggapan tidak boleh kosong.")
        return redirect(pengaduan)
    try:
        pengaduan_reply(
            pengaduan_id=pengaduan.pk,
            isi=form.cleaned_data["isi"],
            internal=form.cleaned_data.get("internal", False),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Tanggapan terkirim.")
    return redirect(f"{pengaduan.get_absolute_url()}#tanggapan")


@require_POST
@role_required(*HANDLERS, Role.OPERATOR_DESA)
def lampiran_tambah_view(request: HttpRequest, pk: int) -> HttpResponse:
    pengaduan = get_pengaduan_for_user(request.user, pk)
    form = forms.LampiranForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Pilih berkas lampiran.")
        return redirect(pengaduan)
    try:
        item = lampiran_add(
            pengaduan_id=pengaduan.pk,
            checked=check_upload(form.cleaned_data["berkas"]),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Lampiran {item.nama_asli} tersimpan.")
    return redirect(pengaduan)


@role_required(*VIEWERS)
def lampiran_view(request: HttpRequest, pk: int) -> FileResponse:
    item = get_lampiran_for_user(request.user, pk)
    if not item.berkas:  # purged at the end of its retention period
        raise Http404("Lampiran sudah dihapus karena masa simpannya berakhir.")
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.UNDUH,
        halaman=f"Lampiran pengaduan {item.pengaduan.nomor}",
        tujuan="penanganan pengaduan",
        subjek_tipe="pengaduan",
        ids=[item.pengaduan_id],
        jumlah=1,
    )
    ext = "pdf" if item.content_type == "application/pdf" else "jpg"
    response = FileResponse(
        item.berkas.open("rb"),
        as_attachment=True,
        filename=f"lampiran-{item.pengaduan.nomor}-{item.pk}.{ext}",
        content_type=item.content_type,
    )
    return private(response)


# --- The public form -----------------------------------------------------------------


def lapor(request: HttpRequest) -> HttpResponse:
    """No login: a citizen reports a problem with an usulan or a card."""
    form = forms.LaporPublikForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not lapor_boleh(client_ip(request)):
            form.add_error(None, LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            if form.cleaned_data.get("website"):
                # A bot filled the hidden field: look successful, store nothing.
                request.session["lapor_nomor"] = "-"
                return redirect("lapor:terkirim")
            try:
                upload = form.cleaned_data.get("lampiran")
                pengaduan = services.pengaduan_create(
                    data=_laporan(form.cleaned_data),
                    by=None,
                    sumber=Pengaduan.Sumber.PUBLIK,
                    lampiran=[check_upload(upload)] if upload else [],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                request.session["lapor_nomor"] = pengaduan.nomor
                return redirect("lapor:terkirim")
    return render(request, "pengaduan/lapor.html", {"form": form}, status=status)


def lapor_terkirim(request: HttpRequest) -> HttpResponse:
    nomor = request.session.pop("lapor_nomor", None)
    if not nomor:
        return redirect("lapor:form")
    return render(request, "pengaduan/lapor_terkirim.html", {"nomor": nomor})


# --- Guest book ----------------------------------------------------------------------


@role_required(*BUKU_TAMU_READERS)
def buku_tamu(request: HttpRequest) -> HttpResponse:
    """The day's visitors (printable), with the form to record the next one."""
    can_write = has_role(request.user, *BUKU_TAMU_WRITERS)
    tanggal = forms.TanggalForm(request.GET or None).tanggal_or_today()
    form = forms.BukuTamuForm(request.POST or None)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                tamu = buku_tamu_record(
                    nama=data["nama"],
                    asal=data["asal"],
                    telepon=data["telepon"],
                    keperluan=data["keperluan"],
                    keterangan=data["keterangan"],
                    jam=data["jam"],
                    by=request.user,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, f"Tamu {tamu.nama} tercatat.")
                # Back to the list of the day the visitor came, named: a form sent
                # at 23:59 is read back after midnight, when "today" is the next day.
                day = timezone.localdate(tamu.waktu_masuk)
                query = urlencode({"tanggal": day.isoformat()})
                return redirect(f"{reverse('pengaduan:buku_tamu')}?{query}")
    tamu_list = list(buku_tamu_harian(tanggal, tamu=buku_tamu_for_user(request.user)))
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman=f"Buku tamu {tanggal:%d-%m-%Y}",
        tujuan="pelayanan loket",
        subjek_tipe="buku_tamu",
        ids=[tamu.pk for tamu in tamu_list],
    )
    return render(
        request,
        "pengaduan/buku_tamu.html",
        {
            "form": form,
            "tanggal_form": forms.TanggalForm(initial={"tanggal": tanggal}),
            "tanggal": tanggal,
            "is_today": tanggal == timezone.localdate(),
            "tamu_list": tamu_list,
            "can_write": can_write,
            "keperluan_labels": BukuTamu.Keperluan.choices,
            "pengaduan_url": reverse("pengaduan:create"),
        },
    )
