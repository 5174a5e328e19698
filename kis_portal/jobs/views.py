from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.http import private

from .access import get_job_for_user, jobs_for_user

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
    page = Paginator(jobs_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page_obj": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/job_detail.html", {"job": job})


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
