"""The head of office's screens: the approval list with its confirm step, and SKs."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.services import audit_record, record_access
from kis_portal.http import int_param, private
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, has_role, role_required
from kis_portal.search import search_data, search_redirect
from usulan.models import Usulan

from ..access import (
    SK_READERS,
    get_sk_for_user,
    persetujuan_usulan_for_user,
    sk_for_user,
)
from ..approval import (
    approval_queue,
    involved_user_ids,
    periode_label,
    persetujuan_decide,
    sk_candidates,
    sk_issue,
)
from ..models import Persetujuan

SETUJU = Persetujuan.Keputusan.SETUJU
TOLAK = Persetujuan.Keputusan.TOLAK


class SkForm(forms.Form):
    periode = forms.RegexField(
        label="Periode (bulan siap diusulkan)",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={
            "invalid": "Periode harus berbentuk TAHUN-BULAN, misalnya 2026-05."
        },
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}),
    )


def _rows(usulan_list: list[Usulan], user) -> list[dict]:
    """One row per usulan: members, latest field check, and whether `user` may decide."""
    involved = involved_user_ids([u.pk for u in usulan_list])
    rows = []
    for usulan in usulan_list:
        checks = list(usulan.cek_lapangan_set.all())
        cek = checks[0] if checks else None
        rows.append(
            {
                "usulan": usulan,
                "members": list(usulan.anggota_set.all()),
                "cek": cek,
                "fotos": list(cek.foto_set.all()) if cek else [],
                "blocked": user.pk in involved[usulan.pk],
            }
        )
    return rows


def _selected_ids(request: HttpRequest) -> list[int]:
    return sorted(
        {pk for pk in map(int_param, request.POST.getlist("usulan")) if pk is not None}
    )


@role_required(Role.KADIS)
def approval_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    q = (search_data(request) or {}).get("q", "")
    queue = approval_queue(persetujuan_usulan_for_user(request.user), q=q)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list), request.user)
    _record_rows(request, rows, "Daftar persetujuan Kepala Dinas")
    return render(
        request,
        "verifikasi/approval_list.html",
        {"page_obj": page, "rows": rows, "q": q},
    )


def _record_rows(request: HttpRequest, rows: list[dict], halaman: str) -> None:
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman=halaman,
        tujuan="persetujuan Kepala Dinas",
        subjek_tipe="usulan",
        ids=[row["usulan"].pk for row in rows],
        niks=[m.nik for row in rows for m in row["members"]],
    )


@require_POST
@role_required(Role.KADIS)
def approval_confirm(request: HttpRequest) -> HttpResponse:
    """First POST shows what will be decided; the second, with confirm=1, decides."""
    ids = _selected_ids(request)
    keputusan = request.POST.get("keputusan", "")
    alasan = request.POST.get("alasan", "").strip()
    if keputusan not in (SETUJU, TOLAK):
        messages.error(request, "Pilih Setujui atau Tolak.")
        return redirect("verifikasi:approval_list")
    if not ids:
        messages.warning(request, "Pilih minimal satu usulan.")
        return redirect("verifikasi:approval_list")
    if keputusan == TOLAK and not alasan:
        messages.error(request, "Tuliskan alasan bila usulan tidak disetujui.")
        return redirect("verifikasi:approval_list")

    if request.POST.get("confirm") == "1":
        try:
            done = persetujuan_decide(
                usulan_ids=ids, by=request.user, keputusan=keputusan, alasan=alasan
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            messages.warning(request, "Tidak ada usulan yang diputuskan.")
        else:
            verb = "disetujui" if keputusan == SETUJU else "tidak disetujui"
            messages.success(request, f"{len(done)} usulan {verb}.")
        return redirect("verifikasi:approval_list")

    waiting = list(
        approval_queue(persetujuan_usulan_for_user(request.user)).filter(pk__in=ids)
    )
    if len(waiting) != len(ids):
        messages.warning(
            request,
            f"{len(ids) - len(waiting)} usulan yang dipilih tidak lagi menunggu "
            "persetujuan dan tidak ikut diputuskan.",
        )
    if not waiting:
        return redirect("verifikasi:approval_list")
    rows = _rows(waiting, request.user)
    _record_rows(request, rows, "Konfirmasi persetujuan")
    return render(
        request,
        "verifikasi/approval_confirm.html",
        {
            "rows": rows,
            "jumlah": len(rows),
            "keputusan": keputusan,
            "setuju": keputusan == SETUJU,
            "alasan": alasan,
            "blocked": any(row["blocked"] for row in rows),
        },
    )


@role_required(*SK_READERS)
def sk_list(request: HttpRequest) -> HttpResponse:
    profile = get_active_profile()
    enabled = bool(profile and profile.sk_penetapan)
    today = timezone.localdate()
    can_issue = enabled and has_role(request.user, Role.KADIS)
    page = Paginator(
        sk_for_user(request.user)
        .select_related("kadis")
        .annotate(jumlah=Count("anggota"))
        .order_by("-tahun", "-urut"),
        25,
    ).get_page(request.GET.get("page"))
    for sk in page.object_list:
        year, month = (int(part) for part in sk.periode.split("-"))
        sk.periode_label = periode_label(year, month)
    return render(
        request,
        "verifikasi/sk_list.html",
        {
            "page_obj": page,
            "enabled": enabled,
            "can_issue": can_issue,
            "form": SkForm(initial={"periode": f"{today:%Y-%m}"}),
            "siap_bulan_ini": (
                sk_candidates(today.year, today.month).count() if can_issue else 0
            ),
            "bulan_ini": periode_label(today.year, today.month),
        },
    )


@require_POST
@role_required(Role.KADIS)
def sk_issue_view(request: HttpRequest) -> HttpResponse:
    form = SkForm(data=request.POST)
    if not form.is_valid():
        for message in form.errors.get("periode", []):
            messages.error(request, message)
        return redirect("verifikasi:sk_list")
    try:
        sk = sk_issue(periode=form.cleaned_data["periode"], by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"SK {sk.nomor} diterbitkan untuk {sk.anggota.count()} orang."
        )
    return redirect("verifikasi:sk_list")


@role_required(*SK_READERS)
def sk_pdf(request: HttpRequest, pk: int) -> FileResponse:
    sk = get_sk_for_user(request.user, pk)
    if not sk.file:
        raise Http404
    audit_record(
        action=AuditEvent.Action.EXPORT, by=request.user, target=sk, reason="unduh SK"
    )
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.CETAK,
        halaman=f"SK penetapan {sk.nomor} (PDF)",
        tujuan="SK penetapan",
        subjek_tipe="sk",
        ids=[sk.pk],
        niks=sk.anggota.values_list("nik", flat=True),
    )
    response = FileResponse(
        sk.file.open("rb"),
        as_attachment=True,
        filename=f"{sk.nomor.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )
    return private(response)
