from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kis_portal.audit import selectors
from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.selectors import audit_events
from kis_portal.audit.services import record_access
from kis_portal.http import form_add_errors, private
from kis_portal.jobs.services import job_start
from kis_portal.pdf import render_pdf, tanggal_indonesia
from kis_portal.roles import Role, role_required
from kis_portal.search import search_data, search_redirect
from usulan.services import anggota_correct

from .access import (
    akses_data_for_user,
    audit_event_for_user,
    get_subjek_anggota_for_user,
)
from .forms import AksesFilterForm, KoreksiForm, SubjekForm
from .subjek import data_subjek


@role_required(Role.ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    params = search_data(request) or {}
    q = params.get("q", "").strip()
    action = params.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    events = audit_event_for_user(request.user)
    page = Paginator(audit_events(q=q, action=action, events=events), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "privasi/audit_list.html",
        {
            "page_obj": page,
            "q": q,
            "action": action,
            "actions": AuditEvent.Action.choices,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    job = job_start(
        kind="audit_export",
        by=request.user,
        params={
            "q": request.POST.get("q", "").strip()[:100],
            "action": action if action in AuditEvent.Action.values else "",
        },
    )
    messages.success(request, "Ekspor jejak audit sedang disiapkan.")
    return redirect(job)


# --- Access records and data-subject requests (UU 27/2022) -------------------------

# A NIK travels by POST and stays in the session, never in a URL: URLs end up in
# proxy logs and browser history.
SUBJEK_SESSION_KEY = "audit_subjek_nik"
AKSES_FILTER_SESSION_KEY = "audit_akses_filter"


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def akses_list(request: HttpRequest) -> HttpResponse:
    """Who saw, exported or printed whose data: filter by user, NIK, dates, action.

    The filter is posted and kept in the session (it may hold a NIK); the page
    number is the only thing in the URL.
    """
    status = 200
    if request.method == "POST":
        if request.POST.get("reset") == "1":
            request.session.pop(AKSES_FILTER_SESSION_KEY, None)
            return redirect("audit:akses")
        form = AksesFilterForm(request.POST)
        if form.is_valid():
            request.session[AKSES_FILTER_SESSION_KEY] = {
                name: request.POST.get(name, "") for name in form.fields
            }
            return redirect("audit:akses")
        filters, status = {}, 400
    else:
        stored = request.session.get(AKSES_FILTER_SESSION_KEY)
        form = AksesFilterForm(stored)
        filters = form.cleaned_data if stored and form.is_valid() else {}
    records = akses_data_for_user(request.user)
    page = Paginator(selectors.akses_list(**filters, records=records), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "privasi/akses_list.html",
        {"form": form, "page_obj": page, "filtered": any(filters.values())},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def subjek(request: HttpRequest) -> HttpResponse:
    """Enter a NIK (posted, kept in the session), see everything held about them."""
    form = SubjekForm(data=request.POST if "nik" in request.POST else None)
    if request.method == "POST":
        if request.POST.get("selesai") == "1":
            request.session.pop(SUBJEK_SESSION_KEY, None)
            return redirect("audit:subjek")
        if form.is_valid():
            request.session[SUBJEK_SESSION_KEY] = form.cleaned_data["nik"]
            return redirect("audit:subjek")
    nik = request.session.get(SUBJEK_SESSION_KEY, "")
    return _subjek_page(request, nik, form)


def _subjek_page(
    request: HttpRequest, nik: str, form: SubjekForm, *, bound: dict | None = None
) -> HttpResponse:
    data = data_subjek(nik) if nik else None
    if data is not None:
        record_access(
            by=request.user,
            tindakan=AksesData.Tindakan.LIHAT,
            halaman="Data subjek",
            tujuan="permintaan subjek data",
            subjek_tipe="anggota",
            ids=[a.pk for a in data.anggota],
            niks=[nik],
        )
    bound = bound or {}
    koreksi = [
        (a, bound.get(a.pk) or KoreksiForm.for_anggota(a))
        for a in (data.anggota if data else [])
    ]
    return render(
        request,
        "privasi/subjek.html",
        {
            "form": form,
            "nik": nik,
            "data": data,
            "koreksi": koreksi,
        },
        status=400 if bound else 200,
    )


@role_required(Role.ADMIN)
def subjek_pdf(request: HttpRequest) -> HttpResponse:
    nik = request.session.get(SUBJEK_SESSION_KEY, "")
    if not nik:
        raise Http404
    data = data_subjek(nik)
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.CETAK,
        halaman="Data subjek (PDF)",
        tujuan="permintaan subjek data",
        subjek_tipe="anggota",
        ids=[a.pk for a in data.anggota],
        niks=[nik],
    )
    pdf = render_pdf(
        "privasi/pdf/subjek.html",
        {"data": data, "tanggal": tanggal_indonesia(timezone.localdate())},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="data-subjek-{stamp}.pdf"'
    return private(response)


@require_POST
@role_required(Role.ADMIN)
def subjek_koreksi(request: HttpRequest, anggota_id: int) -> HttpResponse:
    """Correct one member record of the person on the data-subject page."""
    nik = request.session.get(SUBJEK_SESSION_KEY, "")
    # Only a record of the person being looked at can be corrected.
    anggota = get_subjek_anggota_for_user(request.user, nik, anggota_id)
    form = KoreksiForm.for_anggota(anggota, data=request.POST)
    if form.is_valid():
        cleaned = dict(form.cleaned_data)
        alasan = cleaned.pop("alasan")
        try:
            changes = anggota_correct(
                anggota_id=anggota.pk, data=cleaned, alasan=alasan, by=request.user
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if changes:
                messages.success(request, f"Data dikoreksi: {len(changes)} isian.")
            else:
                messages.info(request, "Tidak ada isian yang berubah.")
            return redirect("audit:subjek")
    return _subjek_page(request, nik, SubjekForm(), bound={anggota.pk: form})
