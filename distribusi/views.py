"""Distribution screens: receive, hand over, print, confirm, track."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import audit_record, record_access
from kis_portal.http import (
    form_add_errors,
    int_param,
    private,
    sandboxed,
    stored_file,
)
from kis_portal.jobs.services import job_start
from kis_portal.roles import Role, operator_desa_id, role_required
from kis_portal.search import TOKEN_PARAM, search_data, search_redirect, search_terms
from kis_portal.uploads import check_upload
from kis_portal.wilayah.access import get_desa_for_user_by_pk

from . import forms
from .access import (
    READERS,
    STAFF,
    anggota_for_user,
    get_kartu_for_user,
    get_serah_terima_for_user,
    is_staff,
    kartu_for_user,
    serah_terima_for_user,
)
from .documents import tanda_terima_filename, tanda_terima_pdf
from .filters import KartuFilter, SerahTerimaFilter
from .late import kartu_terlambat
from .models import Kanal, Kartu
from .selectors import (
    batches_awaiting_cards,
    counts_by_batch,
    counts_by_desa,
    desa_with_ready_cards,
    enrolled_without_card,
    overdue_cutoff,
    status_counts,
)
from .services import (
    Penerima,
    kartu_confirm_received,
    kartu_receive_batch,
    kartu_receive_scanned,
    kartu_return,
    serah_terima_attach_scan,
    serah_terima_create,
)

LIST_ROLES = (*READERS, Role.OPERATOR_DESA)
STATUS_LABELS = dict(Kartu.Status.choices)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _record_cards(
    request: HttpRequest,
    cards: list[Kartu],
    halaman: str,
    *,
    tindakan: str = AksesData.Tindakan.DAFTAR,
) -> None:
    """One access record for the cards shown (their holders' NIKs)."""
    record_access(
        by=request.user,
        tindakan=tindakan,
        halaman=halaman,
        subjek_tipe="kartu",
        ids=[card.pk for card in cards],
        niks=[card.anggota.nik for card in cards],
    )


# --- Lists ---------------------------------------------------------------------------


@role_required(*LIST_ROLES)
def kartu_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    scope = kartu_for_user(request.user)
    kartu_filter = KartuFilter(search_data(request), queryset=scope, user=request.user)
    qs = kartu_filter.qs if kartu_filter.is_bound else scope
    page = Paginator(qs.order_by("desa__nama", "anggota__nama", "pk"), 25).get_page(
        request.GET.get("page")
    )
    _record_cards(request, list(page.object_list), "Daftar kartu")
    return render(
        request,
        "distribusi/kartu_list.html",
        {
            "filter": kartu_filter,
            "page_obj": page,
            "counts": status_counts(scope),
            "status_labels": Kartu.Status.choices,
            "cutoff": overdue_cutoff(),
            "can_edit": is_staff(request.user),
            "is_operator": operator_desa_id(request.user) is not None,
        },
    )


def _export(request: HttpRequest, kind: str, filterset) -> HttpResponse:
    """A list as it is filtered on screen, as XLSX, built in the background."""
    allowed = set(filterset.base_filters)
    filters = {k: v for k, v in request.POST.items() if k in allowed and v}
    filters.pop("q", None)  # the search box's terms come from the session's token
    filters.update(search_terms(request, request.POST.get(TOKEN_PARAM)))
    job = job_start(kind=kind, by=request.user, params={"filters": filters})
    return redirect(job)


@require_POST
@role_required(*LIST_ROLES)
def kartu_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "kartu_export", KartuFilter)


@require_POST
@role_required(*LIST_ROLES)
def serah_terima_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "serah_terima_export", SerahTerimaFilter)


@role_required(*READERS)
def ringkasan(request: HttpRequest) -> HttpResponse:
    scope = kartu_for_user(request.user)
    return render(
        request,
        "distribusi/ringkasan.html",
        {
            "counts": status_counts(scope),
            "by_desa": counts_by_desa(scope),
            "by_batch": counts_by_batch(scope),
            "status_labels": Kartu.Status.choices,
            "belum_dicetak": enrolled_without_card(
                anggota_for_user(request.user)
            ).count(),
            "cutoff": overdue_cutoff(),
        },
    )


# --- Receiving -----------------------------------------------------------------------


@role_required(*STAFF)
def terima(request: HttpRequest) -> HttpResponse:
    """Cards arriving from BPJS: scanned or typed NOKA, or a whole batch at once."""
    result = None
    form = forms.TerimaNokaForm()
    if request.method == "POST":
        form = forms.TerimaNokaForm(request.POST)
        if form.is_valid():
            try:
                result = kartu_receive_scanned(
                    text=form.cleaned_data["noka"],
                    tanggal=form.cleaned_data["tanggal"],
                    by=request.user,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                if result.received:
                    messages.success(
                        request, f"{len(result.received)} kartu dicatat diterima."
                    )
                # What is left to correct stays in the field; the rest is done.
                form = forms.TerimaNokaForm(
                    initial={
                        "noka": "\n".join(result.rejected_lines),
                        "tanggal": form.cleaned_data["tanggal"],
                    }
                )
    return render(
        request,
        "distribusi/terima.html",
        {
            "form": form,
            "result": result,
            "batches": batches_awaiting_cards(),
            "batch_form": forms.TerimaBatchForm(),
        },
    )


@require_POST
@role_required(*STAFF)
def terima_batch(request: HttpRequest) -> HttpResponse:
    form = forms.TerimaBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tanggal diterima tidak valid.")
        return redirect("distribusi:terima")
    periode = form.cleaned_data["periode"]
    try:
        cards = kartu_receive_batch(
            periode=periode, tanggal=form.cleaned_data["tanggal"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("distribusi:terima")
    messages.success(request, f"{len(cards)} kartu rekap {periode} dicatat diterima.")
    return redirect(
        f"{reverse('distribusi:list')}?batch={cards[0].batch_id or ''}&status=dinsos"
    )


# --- Hand-over -----------------------------------------------------------------------


@role_required(*STAFF)
def serah_terima_baru(request: HttpRequest) -> HttpResponse:
    """Choose a desa, tick its cards (all ready ones by default), name the collector."""
    desa_id = int_param(request.POST.get("desa") or request.GET.get("desa"))
    desa = None
    if desa_id:
        desa = get_desa_for_user_by_pk(request.user, desa_id)
    form = forms.PenerimaForm()
    cards = []
    selected: set[int] = set()
    if desa is not None:
        cards = list(
            kartu_for_user(request.user)
            .filter(desa=desa, status=Kartu.Status.DITERIMA_DINSOS)
            .select_related("anggota__usulan", "batch")
            .order_by("anggota__nama", "pk")
        )
        selected = {c.pk for c in cards}
    if request.method == "POST" and desa is not None:
        form = forms.PenerimaForm(request.POST)
        selected = {
            pk for pk in map(int_param, request.POST.getlist("kartu")) if pk is not None
        }
        if form.is_valid():
            data = form.cleaned_data
            try:
                serah = serah_terima_create(
                    kartu_ids=sorted(selected),
                    kanal=Kanal.DESA,
                    desa=desa,
                    penerima=Penerima(
                        nama=data["penerima_nama"],
                        jabatan=data["penerima_jabatan"],
                        telepon=data["penerima_telepon"],
                    ),
                    catatan=data["catatan"],
                    token=request.POST.get("token", "")[:64],
                    by=request.user,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{serah.jumlah} kartu diserahkan ke {desa.nama}: {serah.nomor}. "
                    "Cetak tanda terima untuk ditandatangani.",
                )
                return redirect(serah)
    if cards:
        _record_cards(request, cards, f"Serah terima baru: {desa.nama}")
    return render(
        request,
        "distribusi/serah_terima_form.html",
        {
            "desa": desa,
            "desa_list": desa_with_ready_cards(kartu_for_user(request.user)),
            "cards": cards,
            "selected": selected,
            "form": form,
            "token": secrets.token_urlsafe(24),
            "cutoff": overdue_cutoff(),
        },
    )


@role_required(*LIST_ROLES)
def serah_terima_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    scope = serah_terima_for_user(request.user)
    st_filter = SerahTerimaFilter(search_data(request), queryset=scope)
    qs = st_filter.qs if st_filter.is_bound else scope
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Daftar tanda terima kartu",
        subjek_tipe="serah_terima",
        ids=[serah.pk for serah in page.object_list],
    )
    return render(
        request,
        "distribusi/serah_terima_list.html",
        {
            "filter": st_filter,
            "page_obj": page,
            "can_edit": is_staff(request.user),
            "unsigned": scope.filter(scan="").count(),
        },
    )


@role_required(*LIST_ROLES)
def serah_terima_detail(request: HttpRequest, pk: int) -> HttpResponse:
    serah = get_serah_terima_for_user(request.user, pk)
    cards = list(
        serah.kartu_set.select_related("anggota").order_by("anggota__nama", "pk")
    )
    _record_cards(
        request, cards, f"Tanda terima {serah.nomor}", tindakan=AksesData.Tindakan.LIHAT
    )
    return render(
        request,
        "distribusi/serah_terima_detail.html",
        {
            "serah": serah,
            "cards": cards,
            "scan_form": forms.ScanForm(),
            "can_edit": is_staff(request.user),
            "events": history_for(serah),
        },
    )


@role_required(*LIST_ROLES)
def serah_terima_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    serah = get_serah_terima_for_user(request.user, pk)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=request.user,
        target=serah,
        reason="cetak tanda terima",
    )
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.CETAK,
        halaman=f"Tanda terima {serah.nomor} (PDF)",
        subjek_tipe="serah_terima",
        ids=[serah.pk],
        jumlah=serah.jumlah,
    )
    response = HttpResponse(
        tanda_terima_pdf(serah, for_user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="{tanda_terima_filename(serah)}"'
    )
    return sandboxed(private(response))


@role_required(*LIST_ROLES)
def serah_terima_scan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the signed scan; POST (staff): upload it."""
    serah = get_serah_terima_for_user(request.user, pk)
    if request.method == "POST":
        if not is_staff(request.user):
            raise Http404
        form = forms.ScanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                serah_terima_attach_scan(
                    serah_terima_id=serah.pk,
                    checked=check_upload(form.cleaned_data["scan"]),
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(
                    request, "Scan tanda terima bertanda tangan tersimpan."
                )
        else:
            messages.error(request, "Pilih berkas scan tanda terima.")
        return redirect(serah)
    if not serah.scan:
        raise Http404
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.UNDUH,
        halaman=f"Scan tanda terima {serah.nomor}",
        subjek_tipe="serah_terima",
        ids=[serah.pk],
        jumlah=serah.jumlah,
    )
    ext = "pdf" if serah.scan_content_type == "application/pdf" else "jpg"
    return stored_file(
        serah.scan.open("rb"),
        inline=request.GET.get("lihat") == "1",
        filename=f"{tanda_terima_filename(serah)[:-4]}-ttd.{ext}",
        content_type=serah.scan_content_type,
    )


# --- One card ------------------------------------------------------------------------


@role_required(*LIST_ROLES)
def kartu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kartu = get_kartu_for_user(request.user, pk)
    _record_cards(request, [kartu], "Detail kartu", tindakan=AksesData.Tindakan.LIHAT)
    return render(
        request,
        "distribusi/kartu_detail.html",
        {
            "kartu": kartu,
            "can_edit": is_staff(request.user),
            "is_operator": operator_desa_id(request.user) is not None,
            "serah_form": forms.SerahLainForm(),
            "warga_form": forms.DiterimaWargaForm(),
            "events": history_for(kartu, labels=STATUS_LABELS),
            "terlambat": kartu_terlambat(
                status=kartu.status, diterima_tanggal=kartu.diterima_tanggal
            ),
        },
    )


@require_POST
@role_required(*STAFF)
def kartu_serahkan(request: HttpRequest, pk: int) -> HttpResponse:
    """Other channels (PKH, PSM, TKSK, staff, kelurahan) or the citizen at the office."""
    kartu = get_kartu_for_user(request.user, pk)
    form = forms.SerahLainForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Lengkapi saluran dan nama penerima.")
        return redirect(kartu)
    data = form.cleaned_data
    try:
        serah = serah_terima_create(
            kartu_ids=[kartu.pk],
            kanal=data["kanal"],
            penerima=Penerima(
                nama=data["penerima_nama"],
                jabatan=data["penerima_jabatan"],
                telepon=data["penerima_telepon"],
            ),
            catatan=data["catatan"],
            token=request.POST.get("token", "")[:64],
            langsung_warga=data["kanal"] == Kanal.KANTOR,
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(kartu)
    messages.success(request, f"Kartu diserahkan: tanda terima {serah.nomor}.")
    return redirect(serah)


@require_POST
@role_required(Role.OPERATOR_DESA, *STAFF)
def kartu_diterima(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen has received the card (from the desa page or the card page)."""
    kartu = get_kartu_for_user(request.user, pk)
    form = forms.DiterimaWargaForm(request.POST, request.FILES)
    back = request.POST.get("next") == "desa"
    target = reverse("distribusi:desa") if back else kartu.get_absolute_url()
    if not form.is_valid():
        messages.error(request, "Tanggal diterima warga tidak valid.")
        return redirect(target)
    try:
        foto = form.cleaned_data["foto"]
        kartu_confirm_received(
            kartu_id=kartu.pk,
            tanggal=form.cleaned_data["tanggal"],
            foto=check_upload(foto, allowed={"image/jpeg", "image/png"})
            if foto
            else None,
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"{kartu.anggota.nama}: {_errors(exc)}")
    except Kartu.DoesNotExist as exc:
        raise Http404 from exc
    else:
        messages.success(request, f"Kartu {kartu.anggota.nama} diterima warga.")
    return redirect(target)


@role_required(Role.OPERATOR_DESA, *STAFF)
def kartu_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for the reason and confirmation; POST returns the card (final)."""
    kartu = get_kartu_for_user(request.user, pk)
    form = forms.KembalikanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kartu_return(
                kartu_id=kartu.pk, alasan=form.cleaned_data["alasan"], by=request.user
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except Kartu.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, f"Kartu {kartu.noka} dicatat dikembalikan.")
            return redirect(kartu)
    _record_cards(
        request, [kartu], "Kembalikan kartu", tindakan=AksesData.Tindakan.LIHAT
    )
    return render(
        request, "distribusi/kartu_kembalikan.html", {"kartu": kartu, "form": form}
    )


@role_required(*LIST_ROLES)
def kartu_foto(request: HttpRequest, pk: int) -> FileResponse:
    kartu = get_kartu_for_user(request.user, pk)
    if not kartu.warga_foto:
        raise Http404
    _record_cards(
        request, [kartu], "Foto penyerahan kartu", tindakan=AksesData.Tindakan.UNDUH
    )
    return stored_file(
        kartu.warga_foto.open("rb"),
        inline=True,
        filename=f"foto-kartu-{kartu.noka}.jpg",
        content_type="image/jpeg",
    )


# --- The desa's page -------------------------------------------------------------------


@role_required(Role.OPERATOR_DESA)
def desa_page(request: HttpRequest) -> HttpResponse:
    """desa1's view: cards to give out, and what has not reached its citizens yet."""
    scope = kartu_for_user(request.user)
    # Cards handed to the desa itself; those given to a PKH companion or another
    # channel reach the citizen without the desa.
    ready = scope.filter(
        status=Kartu.Status.DISERAHKAN, serah_terima__kanal=Kanal.DESA
    ).order_by("anggota__nama", "pk")
    page = Paginator(ready, 30).get_page(request.GET.get("page"))
    _record_cards(request, list(page.object_list), "Kartu warga desa")
    return render(
        request,
        "distribusi/desa.html",
        {
            "ready": page,
            "ready_count": ready.count(),
            "at_office": scope.filter(status=Kartu.Status.DITERIMA_DINSOS).count(),
            "not_printed": enrolled_without_card(
                anggota_for_user(request.user)
            ).count(),
            "counts": status_counts(scope),
            "warga_form": forms.DiterimaWargaForm(),
        },
    )
