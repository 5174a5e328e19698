"""The counter (loket): register a walk-in household fast, print its receipt."""

import logging
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import inlineformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.services import audit_record, record_access
from kis_portal.offices.selectors import get_active_profile
from kis_portal.pdf import render_pdf, tanggal_indonesia
from kis_portal.privacy import mask_identifier
from kis_portal.roles import Role, role_required

from ..access import RECEIPT_ROLES, can_edit, get_usulan_for_user, usulan_for_user
from ..forms import (
    AnggotaForm,
    BaseAnggotaFormSet,
    LoketForm,
    UsulanForm,
    counter_requirements,
)
from ..models import Anggota, Usulan
from ..receipts import status_address
from ..selectors import review_usulan, usulan_members
from ..services import (
    IncompleteUsulan,
    loket_register,
    usulan_set_berkas_diterima,
    usulan_submit,
)
from .outcome import forget_device_copy
from .rows import refill, refill_formset, rows_to_add

logger = logging.getLogger(__name__)

DEFAULT_ROWS = 3
MAX_ROWS = 20


def _rows_wanted(request: HttpRequest) -> int:
    try:
        rows = int(request.GET.get("baris", DEFAULT_ROWS))
    except ValueError:
        return DEFAULT_ROWS
    return min(max(rows, 1), MAX_ROWS)


def _formset_class(rows: int):
    # Several blank rows: a family is typed in one go, untouched rows are ignored.
    return inlineformset_factory(
        Usulan,
        Anggota,
        form=AnggotaForm,
        formset=BaseAnggotaFormSet,
        extra=rows,
        can_delete=False,
        max_num=MAX_ROWS,
        validate_max=True,
    )


def _parse_token(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


# --- Views ---------------------------------------------------------------------


@role_required(Role.LOKET)
def loket_create(request: HttpRequest) -> HttpResponse:
    token = _parse_token(request.POST.get("client_token"))
    if request.method == "POST" and (
        done := usulan_for_user(request.user).filter(client_token=token).first()
    ):
        # Second click or resent form: the first request already registered it.
        messages.info(request, f"Usulan {done.nomor} sudah terdaftar dari isian ini.")
        return redirect(done)

    profile = get_active_profile()
    requirements = counter_requirements(profile)
    data = request.POST or None
    if data is not None and rows_to_add(data):
        # More rows asked for without JavaScript: the same page, nothing lost.
        data, adding = None, request.POST
    else:
        adding = None
    loket_form = LoketForm(data=data, user=request.user, requirements=requirements)
    form = UsulanForm(data=data, initial={"jenis": "MIG34"})
    formset = _formset_class(_rows_wanted(request))(
        data=data, instance=Usulan(), user=request.user
    )
    if adding is not None:
        refill(loket_form, adding)
        refill(form, adding)
        refill_formset(formset, adding)
    if data is not None:
        valid = [loket_form.is_valid(), form.is_valid(), formset.is_valid()]
        if all(valid):
            try:
                usulan = loket_register(
                    household=form.cleaned_data,
                    members=formset.member_rows(),
                    berkas=loket_form.cleaned_data["berkas"],
                    desa=loket_form.cleaned_data["desa"],
                    by=request.user,
                    client_token=token,
                )
            except forms.ValidationError as exc:
                # Flattened: the service may key errors by member row, not by field.
                form.add_error(None, exc.messages)
            else:
                _submit_and_report(request, usulan)
                forget_device_copy(request, request.path, usulan)
                return redirect(usulan)
    return render(
        request,
        "usulan/loket_form.html",
        {
            "loket_form": loket_form,
            "form": form,
            "formset": formset,
            "client_token": token,
        },
    )


def _submit_and_report(request: HttpRequest, usulan: Usulan) -> None:
    """Submit at once when complete; otherwise keep the draft and say what is missing."""
    receipt = reverse("usulan:loket_receipt", args=[usulan.pk])
    try:
        usulan_submit(usulan_id=usulan.pk, by=request.user)
    except IncompleteUsulan as exc:
        messages.success(
            request,
            format_html(
                'Usulan {} tersimpan sebagai draf. <a class="alert-link" href="{}">'
                "Cetak tanda terima berkas (PDF)</a>",
                usulan.nomor,
                receipt,
            ),
        )
        messages.warning(
            request,
            format_html(
                "Belum dapat diajukan ke verifikasi, masih kurang:<ul class='mb-0'>{}</ul>",
                format_html_join("", "<li>{}</li>", ((item,) for item in exc.missing)),
            ),
        )
        return
    messages.success(
        request,
        format_html(
            'Usulan {} terdaftar dan diajukan ke verifikasi. <a class="alert-link" '
            'href="{}">Cetak tanda terima berkas (PDF)</a>',
            usulan.nomor,
            receipt,
        ),
    )


def _received_documents(usulan: Usulan, members: list[Anggota]) -> tuple[list, list]:
    """(documents received, on paper or uploaded; documents still missing)."""
    docs = review_usulan(usulan).docs
    received = [
        {
            "nama": doc.label,
            "bentuk": "Berkas kertas" if doc.received_on_paper else "Berkas unggahan",
        }
        for doc in docs
        if not doc.missing
    ]
    # Paper ticked for a requirement that does not apply now is still in hand.
    listed = {doc.requirement.kode for doc in docs}
    profile = get_active_profile()
    names = (
        {req.kode: req.nama for req in profile.requirements.all()} if profile else {}
    )
    received.extend(
        {"nama": names.get(kode, kode), "bentuk": "Berkas kertas"}
        for kode in usulan.berkas_diterima or []
        if kode not in listed
    )
    missing = [doc.label for doc in docs if doc.missing]
    return received, missing


@role_required(*RECEIPT_ROLES)
def loket_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    members = usulan_members(usulan)
    received, missing = _received_documents(usulan, members)
    kepala = next((m for m in members if m.shdk == Anggota.Shdk.KEPALA), None)
    petugas = usulan.created_by
    profile = get_active_profile()
    received_on = timezone.localdate(usulan.created_at)
    today = timezone.localdate()
    context = {
        "usulan": usulan,
        "tanggal": tanggal_indonesia(received_on),
        "dicetak": tanggal_indonesia(today) if today != received_on else "",
        "pemohon": kepala or (members[0] if members else None),
        "kepala": kepala,
        "anggota": [
            {
                "nik": mask_identifier(m.nik),
                "nama": m.nama,
                "hubungan": m.get_shdk_display(),
            }
            for m in members
        ],
        "received": received,
        "missing": missing,
        "diajukan": usulan.status == Usulan.Status.DIAJUKAN,
        "status_lain": (
            usulan.get_status_display()
            if usulan.status not in (Usulan.Status.DRAFT, Usulan.Status.DIAJUKAN)
            else ""
        ),
        "petugas": petugas.get_full_name() or petugas.username,
        "verification_days": profile.verification_days if profile else None,
        "lewat_loket": usulan.sumber == Usulan.Sumber.LOKET,
        "alamat_cek_status": status_address(),
    }
    pdf = render_pdf(
        "usulan/pdf/tanda_terima_berkas.html",
        context,
        request=request,
        nomor=usulan.nomor,
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        by=request.user,
        target=usulan,
        reason="cetak tanda terima berkas",
    )
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.CETAK,
        halaman="Tanda terima berkas (PDF)",
        subjek_tipe="usulan",
        ids=[usulan.pk],
        niks=[m.nik for m in members],
    )
    logger.info("user=%s printed receipt usulan=%s", request.user.pk, usulan.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tanda-terima-{usulan.nomor}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(Role.LOKET)
def loket_berkas(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick more paper documents on a walk-in draft (the citizen came back)."""
    usulan = get_usulan_for_user(request.user, pk)
    if not can_edit(request.user, usulan) or usulan.sumber != Usulan.Sumber.LOKET:
        raise PermissionDenied
    allowed = {req.kode for req in counter_requirements(get_active_profile())}
    kodes = [kode for kode in request.POST.getlist("berkas") if kode in allowed]
    try:
        usulan_set_berkas_diterima(usulan_id=usulan.pk, kodes=kodes, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Daftar berkas yang diterima diperbarui.")
    return redirect(f"{usulan.get_absolute_url()}#dokumen")
