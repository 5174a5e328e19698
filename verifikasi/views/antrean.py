"""The verifier's day: the queue, claiming an usulan, the checklist and the decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import record_access
from kis_portal.http import pk_url
from kis_portal.offices.selectors import active_profile_for
from kis_portal.pagination import PAGE_SIZES, RowsPaginator, page_size
from kis_portal.roles import Role, role_required
from kis_portal.search import search_data, search_redirect
from usulan.darurat import DEFAULT_TARGET_JAM, urgent_waiting
from usulan.models import Usulan

from ..access import get_usulan_for_user, usulan_for_user
from ..checklist import COMMON_REASONS, build_checklist
from ..filters import QueueFilter
from ..models import Pemeriksaan
from ..selectors import current_klaim, queue_rows, round_start, verification_queue
from ..services import (
    AlreadyDecided,
    ClaimHeld,
    keputusan_save,
    klaim_release,
    klaim_take,
)


@role_required(Role.VERIFIKATOR)
def queue(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    scope = usulan_for_user(request.user)
    base = verification_queue(scope)
    queue_filter = QueueFilter(search_data(request), queryset=base)
    qs = queue_filter.qs if queue_filter.is_bound else base
    page = RowsPaginator(qs, page_size(request), rows=queue_rows).get_page(
        request.GET.get("page")
    )
    profile = active_profile_for(request)
    target = profile.verification_days if profile else 20
    # Urgent patients from a faskes: above the queue, in hours against their
    # target (one query, whatever the page).
    urgent_target = profile.darurat_target_jam if profile else DEFAULT_TARGET_JAM
    # From the scope, not `base`: the urgent rows need none of the queue's
    # annotations (its DTKS check per member is costly to build and to run).
    urgent = urgent_waiting(scope, target=urgent_target)
    today = timezone.localdate()
    now = timezone.now()
    detail_url, claim_url = pk_url("usulan:detail"), pk_url("verifikasi:claim")
    periksa_url = pk_url("verifikasi:periksa")
    for usulan in urgent:
        usulan.url, usulan.claim_url = detail_url(usulan.pk), claim_url(usulan.pk)
    for usulan in page.object_list:
        usulan.url, usulan.claim_url = detail_url(usulan.pk), claim_url(usulan.pk)
        usulan.periksa_url = periksa_url(usulan.pk)
        usulan.umur = (today - timezone.localdate(usulan.submitted_at)).days
        usulan.terlambat = usulan.umur > target
        klaim = getattr(usulan, "klaim", None) if usulan.klaim_aktif else None
        usulan.diklaim_oleh = (
            (klaim.verifikator.get_full_name() or klaim.verifikator.username)
            if klaim and klaim.expires_at > now
            else ""
        )
        usulan.klaim_saya = bool(klaim and klaim.verifikator_id == request.user.pk)
    return render(
        request,
        "verifikasi/queue.html",
        {
            "filter": queue_filter,
            "page_obj": page,
            "page_sizes": PAGE_SIZES,
            "target_days": target,
            "urgent": urgent,
            "urgent_target": urgent_target,
        },
    )


@require_POST
@role_required(Role.VERIFIKATOR)
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    try:
        klaim_take(usulan_id=usulan.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("verifikasi:queue")
    return redirect("verifikasi:periksa", pk=usulan.pk)


@require_POST
@role_required(Role.VERIFIKATOR)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    klaim_release(usulan_id=usulan.pk, by=request.user)
    messages.info(request, f"Usulan {usulan.nomor} dilepas kembali ke antrean.")
    return redirect("verifikasi:queue")


def _posted_items(request: HttpRequest, keys: list[str]) -> dict[str, dict]:
    post = request.POST
    items = {}
    for key in keys:
        typed = post.get(f"alasan-{key}", "").strip()
        picked = post.get(f"pilih-{key}", "").strip()
        items[key] = {
            "ada": post.get(f"ada-{key}") == "1",
            "valid": post.get(f"valid-{key}") == "1",
            "bermeterai": post.get(f"meterai-{key}") == "1",
            "alasan": "; ".join(part for part in (picked, typed) if part),
        }
    return items


@role_required(Role.VERIFIKATOR)
def periksa(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist beside the documents; POST records the round's decision."""
    usulan = get_usulan_for_user(request.user, pk)
    if usulan.status != Usulan.Status.DIAJUKAN:
        messages.info(request, "Usulan ini tidak sedang menunggu verifikasi.")
        return redirect(usulan)
    checklist = build_checklist(usulan)
    posted: dict[str, dict] = {}
    if request.method == "POST":
        posted = _posted_items(request, [item.key for item in checklist.items])
        try:
            keputusan_save(
                usulan_id=usulan.pk,
                by=request.user,
                keputusan=request.POST.get("keputusan", ""),
                items=posted,
                alasan=request.POST.get("alasan", ""),
            )
        except (AlreadyDecided, ClaimHeld) as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("verifikasi:queue")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            usulan.refresh_from_db()
            messages.success(
                request, f"Usulan {usulan.nomor}: {usulan.get_status_display()}."
            )
            return redirect("verifikasi:queue")
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman="Periksa usulan",
        tujuan="verifikasi",
        subjek_tipe="usulan",
        ids=[usulan.pk],
        niks=[m.nik for m in checklist.review.members],
    )
    klaim = current_klaim(usulan)
    start = round_start(usulan, checklist)
    if posted:  # a refused decision: the ticks as the verifier sent them
        for row in start.rows:
            row["sent"] = posted.get(row["item"].key, row["sent"])
    return render(
        request,
        "verifikasi/periksa.html",
        {
            "usulan": usulan,
            "checklist": checklist,
            "rows": start.rows,
            "start": start,
            "reasons": COMMON_REASONS,
            "klaim": klaim,
            "klaim_saya": bool(klaim and klaim.verifikator_id == request.user.pk),
            "keputusan": Pemeriksaan.Keputusan,
            "events": history_for(usulan, labels=dict(Usulan.Status.choices)),
        },
    )
