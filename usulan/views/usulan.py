"""Desa operator's and staff's usulan screens: list, create/edit, detail, submit."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import record_access
from kis_portal.form_errors import error_entries
from kis_portal.http import int_param, pk_url
from kis_portal.pagination import PAGE_SIZES, RowsPaginator, page_size
from kis_portal.roles import Role, has_role, operator_desa_id, role_required
from kis_portal.search import search_data, search_redirect
from kis_portal.uploads import max_upload_bytes
from kis_portal.wilayah.access import desa_for_user

from ..access import (
    READ_ALL_ROLES,
    RECEIPT_ROLES,
    can_edit,
    get_usulan_for_user,
    usulan_for_user,
)
from ..checks import nik_region_warning
from ..filters import UsulanFilter
from ..forms import (
    AnggotaFormSet,
    DokumenForm,
    NewAnggotaFormSet,
    UsulanForm,
    counter_requirements,
)
from ..models import Usulan
from ..receipts import whatsapp_link, whatsapp_text
from ..registry import member_lines
from ..selectors import (
    changes_since_return,
    reaktivasi_window,
    review_usulan,
    status_counts_and_total,
    usulan_label,
)
from ..selectors import usulan_list as annotate_list
from ..services import (
    IncompleteUsulan,
    StaleEdit,
    pengajuan_current,
    usulan_delete_draft,
    usulan_reply,
    usulan_save,
    usulan_submit,
)
from .outcome import (
    FORGET_DEVICE_COPY,
    flash_submit,
    forget_device_copy,
    submit_outcome,
    upload_outcome,
)
from .rows import refill, refill_formset, rows_to_add
from .siksng import can_record_siksng, siksng_form

LIST_ROLES = (Role.OPERATOR_DESA, *READ_ALL_ROLES)


@role_required(*LIST_ROLES)
def usulan_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    is_operator = operator_desa_id(request.user) is not None
    scope = usulan_for_user(request.user)
    usulan_filter = UsulanFilter(
        search_data(request), queryset=scope, for_operator=is_operator
    )
    qs = usulan_filter.qs if usulan_filter.is_bound else scope
    counts, total = status_counts_and_total(scope)
    page = RowsPaginator(
        qs.order_by("-created_at", "-pk"),
        page_size(request),
        rows=annotate_list,
        # Unfiltered, the list is the whole scope: its count is the counts' sum.
        count=None if usulan_filter.narrows else total,
    ).get_page(request.GET.get("page"))
    detail_url = pk_url("usulan:detail")
    for usulan in page.object_list:
        usulan.url = detail_url(usulan.pk)
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Daftar usulan",
        subjek_tipe="usulan",
        ids=[u.pk for u in page.object_list],
    )
    return render(
        request,
        "usulan/usulan_list.html",
        {
            "filter": usulan_filter,
            "page_obj": page,
            "page_sizes": PAGE_SIZES,
            "counts": counts,
            "can_create": is_operator,
        },
    )


def _form_context(request, usulan, form, formset, *, token=None) -> dict:
    return {
        "usulan": usulan,
        "form": form,
        "formset": formset,
        "client_token": token,
        "catatan": list(usulan.catatan_set.filter(selesai=False)) if usulan else [],
    }


def _member_ids(formset, usulan: Usulan) -> list[int | None]:
    """The saved member id of each form, in form order, for the autosave script."""
    known = {form.instance.pk for form in formset.forms if form.instance.pk}
    new_ids = iter(
        usulan.anggota_set.exclude(pk__in=known)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    still_there = set(usulan.anggota_set.values_list("pk", flat=True))
    out: list[int | None] = []
    for form in formset.forms:
        if form.instance.pk:
            out.append(form.instance.pk if form.instance.pk in still_there else None)
        elif form.has_changed():
            out.append(next(new_ids, None))
        else:
            out.append(None)
    return out


def _saved_json(formset, usulan: Usulan, url: str) -> JsonResponse:
    return JsonResponse(
        {
            "saved": True,
            "url": url,
            "version": usulan.version,
            "member_ids": _member_ids(formset, usulan),
        }
    )


def _wants_json(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _errors_json(form, formset) -> JsonResponse:
    errors = {**form.errors}
    for index, sub in enumerate(formset.forms):
        for field, messages_ in sub.errors.items():
            errors[f"anggota-{index}-{field}"] = messages_
    errors.update({"anggota": formset.non_form_errors()})
    summary = [entry["text"] for entry in error_entries(form, formset)]
    return JsonResponse(
        {"saved": False, "errors": errors, "summary": summary}, status=200
    )


def _valid_token(raw: str) -> str:
    """The form's one-time token, or a fresh one if it is missing or forged."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid4())


def _already_created(user, token: str) -> Usulan | None:
    return usulan_for_user(user).filter(client_token=token, created_by=user).first()


@role_required(Role.OPERATOR_DESA)
def usulan_create(request: HttpRequest) -> HttpResponse:
    desa = desa_for_user(request.user).first()
    if desa is None:  # an operator account not bound to a desa
        raise PermissionDenied
    form = UsulanForm(data=request.POST or None, initial={"jenis": "MIG34"})
    formset = NewAnggotaFormSet(
        data=request.POST or None, instance=Usulan(), user=request.user
    )
    token = _valid_token(request.POST.get("client_token", ""))
    if request.method == "POST" and rows_to_add(request.POST):
        form = UsulanForm(initial={"jenis": "MIG34"})
        refill(form, request.POST)
        formset = NewAnggotaFormSet(instance=Usulan(), user=request.user)
        refill_formset(formset, request.POST)
        return render(
            request,
            "usulan/usulan_form.html",
            _form_context(request, None, form, formset, token=token),
        )
    if request.method == "POST":
        done = _already_created(request.user, token)
        if done is not None:
            # A double click or a second tab: the first request created it.
            if _wants_json(request):
                return _saved_json(
                    formset, done, reverse("usulan:edit", args=[done.pk])
                )
            messages.info(request, f"Usulan {done.nomor} sudah tersimpan.")
            return redirect(done)
        if form.is_valid() and formset.is_valid():
            try:
                usulan = usulan_save(
                    usulan=None,
                    household=form.cleaned_data,
                    members=formset.member_rows(),
                    by=request.user,
                    desa=desa,
                    pengajuan=pengajuan_current(desa=desa, by=request.user),
                    client_token=uuid.UUID(token),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if _wants_json(request):
                    return _saved_json(
                        formset, usulan, reverse("usulan:edit", args=[usulan.pk])
                    )
                messages.success(
                    request,
                    f"Draf {usulan_label(usulan)} tersimpan. Lengkapi dokumen lalu ajukan.",
                )
                forget_device_copy(request, request.path, usulan)
                return redirect(usulan)
        if _wants_json(request):
            return _errors_json(form, formset)
    return render(
        request,
        "usulan/usulan_form.html",
        _form_context(request, None, form, formset, token=token),
    )


@role_required(Role.OPERATOR_DESA, Role.LOKET)
def usulan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    if not can_edit(request.user, usulan):
        messages.warning(request, "Usulan ini tidak dapat diubah pada status sekarang.")
        return redirect(usulan)
    if request.method == "POST" and rows_to_add(request.POST):
        form = UsulanForm(instance=usulan)
        refill(form, request.POST)
        formset = AnggotaFormSet(instance=usulan, user=request.user)
        refill_formset(formset, request.POST)
        return render(
            request,
            "usulan/usulan_form.html",
            _form_context(request, usulan, form, formset),
        )
    form = UsulanForm(data=request.POST or None, instance=usulan)
    formset = AnggotaFormSet(
        data=request.POST or None, instance=usulan, user=request.user
    )
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                saved = usulan_save(
                    usulan=usulan,
                    household=form.cleaned_data,
                    members=formset.member_rows(),
                    by=request.user,
                    version=int_param(request.POST.get("version")) or None,
                )
            except StaleEdit as exc:
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "saved": False,
                            "stale": True,
                            "errors": {"__all__": exc.messages},
                        },
                        status=409,
                    )
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if _wants_json(request):
                    return _saved_json(formset, saved, request.path)
                messages.success(request, "Perubahan tersimpan.")
                forget_device_copy(request, request.path, saved)
                return redirect(saved)
        if _wants_json(request):
            return _errors_json(form, formset)
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman="Ubah usulan",
        subjek_tipe="usulan",
        ids=[usulan.pk],
        niks=[f.instance.nik for f in formset.forms if f.instance.pk],
    )
    return render(
        request,
        "usulan/usulan_form.html",
        _form_context(request, usulan, form, formset),
    )


@role_required(*LIST_ROLES)
def usulan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    review = review_usulan(usulan)
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman="Detail usulan",
        subjek_tipe="usulan",
        ids=[usulan.pk],
        niks=[m.nik for m in review.members],
    )
    editable = can_edit(request.user, usulan)
    catatan = list(usulan.catatan_set.order_by("-putaran", "pk"))
    open_notes = {(c.item, c.anggota_id): c.pesan for c in catatan if not c.selesai}
    returned = usulan.status == Usulan.Status.DIKEMBALIKAN
    changes = changes_since_return(usulan, review) if returned else None
    later = member_lines(review.members)
    rows = [
        {
            "anggota": m,
            "later": later.get(m.pk, []),
            "dtks": review.dtks[m.nik],
            "warning": nik_region_warning(m.nik, usulan.desa),
            "note": open_notes.get(("data", m.pk), ""),
            "fixed": bool(changes and m.pk in changes.anggota_diubah),
        }
        for m in review.members
    ]
    recorder = can_record_siksng(request.user, usulan)
    desil = review.desil_rows()
    desil_rows = [
        {
            "anggota": m,
            "desil": desil[m.pk],
            "siksng_form": siksng_form(m, desil[m.pk].siksng)
            if recorder and desil[m.pk].aturan.siks_ng
            else None,
        }
        for m in review.members
    ]
    docs = review.docs
    outcome = upload_outcome(request, usulan)
    device_copies = request.session.pop(FORGET_DEVICE_COPY, [])
    for doc in docs:
        doc.note = open_notes.get(
            (doc.requirement.kode, doc.anggota.pk if doc.anggota else None), ""
        )
        doc.outcome = outcome if outcome and outcome["key"] == doc.key else None
        doc.fixed = bool(changes and doc.key in changes.dokumen_diganti)
    return render(
        request,
        "usulan/usulan_detail.html",
        {
            "usulan": usulan,
            "rows": rows,
            "desil_rows": desil_rows,
            "docs": docs,
            "missing": review.missing if editable else [],
            "changes": changes,
            "submit_refused": submit_outcome(request, usulan),
            "catatan": catatan,
            "household_note": open_notes.get(("data", None), ""),
            "household_fixed": bool(changes and changes.keluarga),
            "reaktivasi": reaktivasi_window(usulan),
            "events": history_for(usulan, labels=dict(Usulan.Status.choices)),
            "can_edit": editable,
            "can_print_receipt": has_role(request.user, *RECEIPT_ROLES),
            "forget_device_copies": device_copies,
            "whatsapp_text": whatsapp_text(usulan),
            "whatsapp_link": whatsapp_link(usulan),
            "upload_form": DokumenForm(),
            "upload_max_bytes": max_upload_bytes(),
            "counter_checklist": (
                [
                    (req.kode, req.nama, req.kode in (usulan.berkas_diterima or []))
                    for req in counter_requirements(review.profile)
                ]
                if editable and usulan.sumber == Usulan.Sumber.LOKET
                else []
            ),
        },
    )


@require_POST
@role_required(Role.OPERATOR_DESA, Role.LOKET)
def usulan_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    if not can_edit(request.user, usulan) and usulan.status != Usulan.Status.DIAJUKAN:
        raise PermissionDenied
    try:
        # The answer is kept even when the submit below is refused: nothing typed is lost.
        usulan_reply(
            usulan_id=usulan.pk, by=request.user, balasan=request.POST.get("balasan")
        )
        submitted = usulan_submit(usulan_id=usulan.pk, by=request.user)
    except IncompleteUsulan as exc:
        flash_submit(request, usulan, exc.missing)
        return redirect(f"{usulan.get_absolute_url()}#ajukan")
    except ValidationError as exc:
        flash_submit(request, usulan, exc.messages)
        return redirect(f"{usulan.get_absolute_url()}#ajukan")
    if submitted:
        messages.success(
            request, f"Usulan {usulan_label(usulan)} diajukan ke Dinas Sosial."
        )
    else:
        messages.info(
            request, f"Usulan {usulan_label(usulan)} sudah diajukan sebelumnya."
        )
    return redirect(usulan)


@require_POST
@role_required(Role.OPERATOR_DESA, Role.LOKET)
def usulan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    if not can_edit(request.user, usulan):
        raise PermissionDenied
    label = usulan_label(usulan)
    try:
        usulan_delete_draft(usulan=usulan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(usulan)
    messages.success(request, f"Draf {label} dihapus.")
    return redirect("usulan:list")
