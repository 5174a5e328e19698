"""The batch screen: build, preview, adjust, lock, export, import BPJS's result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import record_access
from kis_portal.http import private
from kis_portal.jobs.services import job_start
from kis_portal.offices.choices import Kategori
from kis_portal.roles import role_required
from kis_portal.search import search_data, search_redirect
from kis_portal.staging.services import staged_create, staged_delete

from .access import (
    READERS,
    STAFF,
    batch_for_user,
    can_download,
    get_batch_file_for_user,
    get_batch_for_user,
    get_batch_item_for_user,
    is_staff,
)
from .imports import parse_result, preview_result
from .jobs_lock import (
    APPLY_KIND,
    BUILD_KIND,
    LOCK_KIND,
    active_batch_job,
    batch_job_start,
)
from .jobs_recon import save_recon_upload
from .jobs_result import RESULT_STAGING
from .models import Batch, BatchFile, periode_validator
from .reconciliation import MAX_BYTES as RECON_MAX_BYTES
from .results import get_result_batch
from .selectors import (
    batch_items,
    batch_summary,
    batch_unanswered,
    batch_without_faskes,
    batch_without_faskes_count,
    batches_with_counts,
    held_for_siksng_count,
)
from .services import MSG_NO_FASKES, batch_close, batch_set_member

MAX_RESULT_BYTES = 20 * 1024 * 1024
# The preview lists at most this many enrolled and recovered rows (all are counted
# and applied); failed, unmatched and malformed rows are always listed in full.
PREVIEW_ROWS = 200


def _next_periode() -> str:
    today = timezone.localdate()
    return f"{today.year}-{today.month:02d}"


@role_required(*READERS)
def batch_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(batches_with_counts(batch_for_user(request.user)), 24).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "rekap_bpjs/batch_list.html",
        {
            "page_obj": page,
            "periode": _next_periode(),
            "can_build": is_staff(request.user),
        },
    )


@require_POST
@role_required(*STAFF)
def batch_build_view(request: HttpRequest) -> HttpResponse:
    """Start building the draft batch in the background (a peak month: 40,000)."""
    periode = request.POST.get("periode", "").strip()
    try:
        periode_validator(periode)
        batch = batch_for_user(request.user).filter(periode=periode).first()
        if batch is not None and batch.status != Batch.Status.DRAFT:
            raise ValidationError(
                f"Rekap {periode} sudah dikunci; tidak dapat disusun ulang."
            )
        job = batch_job_start(
            kind=BUILD_KIND, periode=periode, by=request.user, params={}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rekap_bpjs:list")
    return redirect(job)


@role_required(*READERS)
def batch_detail(request: HttpRequest, periode: str) -> HttpResponse:
    batch = get_batch_for_user(request.user, periode)
    if hidden := search_redirect(request):
        return hidden
    diambil = request.GET.get("diambil", "")
    q = (search_data(request) or {}).get("q", "")
    page = Paginator(batch_items(batch, diambil=diambil, q=q), 50).get_page(
        request.GET.get("page")
    )
    summary = batch_summary(batch)
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman=f"Rekap BPJS {batch.periode}",
        subjek_tipe="anggota",
        ids=[item.anggota_id for item in page.object_list],
        niks=[item.nik for item in page.object_list],
    )
    return render(
        request,
        "rekap_bpjs/batch_detail.html",
        {
            "batch": batch,
            "page_obj": page,
            "diambil": diambil,
            "q": q,
            "summary": summary,
            "kategori_rows": [
                (label, summary["by_kategori"].get(value, 0))
                for value, label in Kategori.choices
            ],
            "files": _files(request, batch),
            "is_draft": batch.status == Batch.Status.DRAFT,
            "ditahan_siksng": held_for_siksng_count()
            if batch.status == Batch.Status.DRAFT
            else 0,
            "can_edit": is_staff(request.user),
            "events": history_for(batch, labels=dict(Batch.Status.choices)),
        },
    )


@require_POST
@role_required(*STAFF)
def batch_member(request: HttpRequest, periode: str, item_id: int) -> HttpResponse:
    item = get_batch_item_for_user(request.user, periode, item_id)
    try:
        batch_set_member(
            periode=periode,
            anggota_id=item.anggota_id,
            ambil=request.POST.get("ambil") == "1",
            alasan=request.POST.get("alasan", ""),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Perubahan rekap tersimpan.")
    return redirect("rekap_bpjs:detail", periode=periode)


@role_required(*STAFF)
def batch_lock_view(request: HttpRequest, periode: str) -> HttpResponse:
    """GET asks for confirmation; POST starts the lock job (irreversible)."""
    batch = get_batch_for_user(request.user, periode)
    if request.method == "POST" and batch.status != Batch.Status.DRAFT:
        # Locking is one way: a locked, answered or closed batch stays as it is.
        messages.warning(
            request,
            f"Rekap {periode} sudah dikunci ({batch.get_status_display()}); "
            "tidak ada yang berubah.",
        )
        return redirect("rekap_bpjs:detail", periode=periode)
    if request.method == "POST":
        tanpa_faskes = request.POST.get("tanpa_faskes") == "1"
        missing = batch_without_faskes_count(batch)
        if missing and not tanpa_faskes:
            messages.error(request, MSG_NO_FASKES.format(n=missing))
            return redirect("rekap_bpjs:lock", periode=periode)
        try:
            job = batch_job_start(
                kind=LOCK_KIND,
                periode=periode,
                by=request.user,
                params={"tanpa_faskes": tanpa_faskes},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("rekap_bpjs:detail", periode=periode)
        return redirect(job)
    return render(
        request,
        "rekap_bpjs/batch_lock.html",
        {
            "batch": batch,
            "jumlah": batch.items.filter(diambil=True).count(),
            "tanpa_faskes": batch_without_faskes(batch),
            "sibuk": active_batch_job(periode),
        },
    )


@role_required(*STAFF)
def batch_close_view(request: HttpRequest, periode: str) -> HttpResponse:
    """GET asks for confirmation (and a reason when results are missing); POST closes."""
    batch = get_batch_for_user(request.user, periode)
    error = ""
    if request.method == "POST":
        try:
            batch_close(
                periode=periode, by=request.user, alasan=request.POST.get("alasan", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Rekap {periode} ditutup.")
            return redirect("rekap_bpjs:detail", periode=periode)
    return render(
        request,
        "rekap_bpjs/batch_close.html",
        {"batch": batch, "tanpa_hasil": batch_unanswered(batch), "error": error},
    )


@require_POST
@role_required(*STAFF)
def batch_export(request: HttpRequest, periode: str) -> HttpResponse:
    batch = get_batch_for_user(request.user, periode)
    if batch.status == Batch.Status.DRAFT:
        messages.error(request, "Kunci rekap dahulu sebelum membuat berkas BPJS.")
        return redirect("rekap_bpjs:detail", periode=periode)
    job = job_start(kind="batch_export", by=request.user, params={"periode": periode})
    return redirect(job)


def _files(request: HttpRequest, batch: Batch) -> list[BatchFile]:
    files = list(batch.files.select_related("created_by"))
    for f in files:
        f.can_download = can_download(request.user, f)
    return files


@role_required(*READERS)
def batch_file(request: HttpRequest, periode: str, file_id: int) -> FileResponse:
    batch_file = get_batch_file_for_user(request.user, periode, file_id)
    if not batch_file.file:
        raise Http404
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.UNDUH,
        halaman=f"Berkas rekap {periode}: {batch_file.get_kind_display()}",
        tujuan="ekspor BPJS" if batch_file.kind == BatchFile.Kind.EKSPOR else "",
        subjek_tipe="batch",
        ids=[batch_file.batch_id],
        keterangan=batch_file.name,
    )
    response = FileResponse(
        batch_file.file.open("rb"), as_attachment=True, filename=batch_file.name
    )
    return private(response)


def _result_key(periode: str) -> str:
    return f"bpjs_result:{periode}"


@role_required(*STAFF)
def result_upload(request: HttpRequest, periode: str) -> HttpResponse:
    """Upload BPJS's result file and see what it would do before applying it."""
    batch = get_batch_for_user(request.user, periode)
    try:
        get_result_batch(periode)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rekap_bpjs:detail", periode=periode)
    preview = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = "Pilih berkas hasil dari BPJS."
        elif upload.size > MAX_RESULT_BYTES:
            error = "Berkas hasil terlalu besar (paling besar 20 MB)."
        else:
            content = upload.read()
            try:
                preview = preview_result(batch, parse_result(content, upload.name))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                # What the page shows (the long lists cut at PREVIEW_ROWS): a
                # peak month's file holds 40,000 rows.
                matched = [
                    *preview.failed,
                    *preview.enrolled[:PREVIEW_ROWS],
                    *preview.recovered[:PREVIEW_ROWS],
                ]
                record_access(
                    by=request.user,
                    tindakan=AksesData.Tindakan.DAFTAR,
                    halaman=f"Pratinjau hasil BPJS {periode}",
                    tujuan="impor hasil BPJS",
                    subjek_tipe="batch",
                    ids=[batch.pk],
                    niks=list(dict.fromkeys(row.nik for row in matched)),
                )
                key = _result_key(periode)
                if previous := request.session.pop(key, None):
                    staged_delete(previous.get("token", ""), by=request.user)
                token = staged_create(
                    content=content,
                    purpose=RESULT_STAGING,
                    name=upload.name[-150:],
                    by=request.user,
                )
                request.session[key] = {"token": token}
    return render(
        request,
        "rekap_bpjs/result_upload.html",
        {
            "batch": batch,
            "preview": preview,
            "counts": preview.counts if preview else {},
            "error": error,
            "preview_rows": PREVIEW_ROWS,
            "preview_slice": f":{PREVIEW_ROWS}",
        },
    )


@require_POST
@role_required(*STAFF)
def result_apply_view(request: HttpRequest, periode: str) -> HttpResponse:
    """Apply the previewed file in the background; a second click finds nothing."""
    get_batch_for_user(request.user, periode)
    key = _result_key(periode)
    stored = request.session.get(key)
    if not stored:
        messages.info(
            request, "Berkas hasil ini sudah diproses. Unggah lagi bila perlu."
        )
        return redirect("rekap_bpjs:detail", periode=periode)
    try:
        job = batch_job_start(
            kind=APPLY_KIND,
            periode=periode,
            by=request.user,
            params={"token": stored.get("token", "")},
        )
    except ValidationError as exc:
        # The previewed file stays held: apply it once the other job is done.
        messages.error(request, " ".join(exc.messages))
        return redirect("rekap_bpjs:detail", periode=periode)
    request.session.pop(key, None)
    return redirect(job)


@role_required(*STAFF)
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Upload BPJS's list of active participants; the differences come back as XLSX."""
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = "Pilih berkas daftar peserta aktif dari BPJS."
        elif upload.size > RECON_MAX_BYTES:
            error = (
                f"Berkas terlalu besar (paling besar {RECON_MAX_BYTES // 2**20} MB)."
            )
        else:
            token = save_recon_upload(upload, by=request.user)
            job = job_start(
                kind="recon_diff",
                by=request.user,
                params={"token": token, "filename": upload.name[-150:]},
            )
            return redirect(job)
    return render(request, "rekap_bpjs/reconciliation.html", {"error": error})


@require_POST
@role_required(*STAFF)
def payment(request: HttpRequest) -> HttpResponse:
    """The premium payment recommendation for Dinas Kesehatan (PDF or XLSX annex)."""
    periode = request.POST.get("periode", "").strip()
    try:
        periode_validator(periode)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rekap_bpjs:list")
    kind = (
        "payment_annex"
        if request.POST.get("lampiran") == "1"
        else "payment_recommendation"
    )
    job = job_start(kind=kind, by=request.user, params={"periode": periode})
    return redirect(job)
