from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.http import private

from .access import get_job_for_user, jobs_for_user
from .registry import job_back_link
from .services import job_retry, jobs_fail_stale

# Why each kind of export is downloaded (other kinds: the purpose of the role).
EXPORT_PURPOSE = {
    "batch_export": "ekspor BPJS",
    "payment_recommendation": "rekomendasi pembayaran iuran",
    "payment_annex": "rekomendasi pembayaran iuran",
    "recon_diff": "rekonsiliasi peserta BPJS",
    "kartu_export": "distribusi kartu",
    "serah_terima_export": "distribusi kartu",
    "laporan_bulanan": "laporan bulanan",
    "laporan_peserta": "laporan daftar peserta",
    "audit_export": "pengawasan (jejak audit)",
}


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs_fail_stale()
    page = Paginator(jobs_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page_obj": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jobs_fail_stale()
    job = get_job_for_user(request.user, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "back": job_back_link(job.kind, job.params)},
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request.user, pk)
    if not job.result_file:
        raise Http404
    # Exports are built in the background; the download is when data leaves.
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.EKSPOR,
        halaman=f"Unduh hasil tugas: {job.label}"[:100],
        tujuan=EXPORT_PURPOSE.get(job.kind, ""),
        subjek_tipe="tugas",
        ids=[job.pk],
        keterangan=job.result_name,
    )
    response = FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_name
    )
    return private(response)


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Coba lagi": the failed job started again with the same parameters."""
    job = get_job_for_user(request.user, pk)
    try:
        retry = job_retry(job_id=job.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(job)
    messages.success(request, "Tugas dijalankan lagi.")
    return redirect(retry)
