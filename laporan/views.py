"""Dashboard and reports for the head of office and staff (not the desa operators)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.jobs.services import job_start
from kis_portal.roles import role_required

from . import charts
from .access import READERS
from .forms import LingkupForm, default_range
from .selectors import dashboard


def _filter_form(request: HttpRequest, *, period_required: bool = True) -> LingkupForm:
    """The GET filter; without one, the last twelve months of the whole regency."""
    data = request.GET.copy()
    if not data.get("bulan_dari") and not data.get("bulan_sampai") and period_required:
        data["bulan_dari"], data["bulan_sampai"] = default_range()
    return LingkupForm(data, period_required=period_required)


def _fallback() -> LingkupForm:
    form = LingkupForm(
        dict(zip(("bulan_dari", "bulan_sampai"), default_range(), strict=True))
    )
    form.is_valid()
    return form


@role_required(*READERS)
def dasbor(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    lingkup = form.lingkup() if form.is_valid() else _fallback().lingkup()
    data = dashboard(lingkup)
    return render(
        request,
        "laporan/dasbor.html",
        {
            "form": form,
            "lingkup": lingkup,
            "data": data,
            "query": request.GET.urlencode(),
            "charts": _charts(data),
            "kpi": {
                "usulan": sum(row["jumlah"] for row in data["status"]),
                "terdaftar": next(
                    row["jumlah"]
                    for row in data["status"]
                    if row["status"] == "terdaftar"
                ),
            },
        },
    )


def _charts(data: dict) -> dict:
    durasi = [
        {
            "stage": stage,
            "chart": charts.horizontal(
                [(row["label"], row["jumlah"]) for row in stage["rows"]],
                title=f"Lama tahap {stage['tahap'].nama} (usulan/KK)",
                highlight={len(stage["rows"]) - 1},
                width=520,
                label_width=110,
            ),
        }
        for stage in data["durasi"]
    ]
    return {
        "status": charts.horizontal(
            [(row["label"], row["jumlah"]) for row in data["status"]],
            title="Usulan menurut tahap (KK)",
            label_width=280,
        ),
        "bulan": charts.columns(
            [(row["label"], row["kk"]) for row in data["bulan"]],
            title="Usulan masuk per bulan (KK)",
            # The year under the first month and under every January.
            sublabels=[
                str(row["bulan"].year) if i == 0 or row["bulan"].month == 1 else ""
                for i, row in enumerate(data["bulan"])
            ],
        ),
        "kategori": charts.horizontal(
            [(row["label"], row["jiwa"]) for row in data["kategori"]],
            title="Anggota menurut kategori prioritas (jiwa)",
            label_width=250,
        ),
        "wilayah": charts.horizontal(
            [(row["nama"], row["jumlah"]) for row in data["wilayah"]["rows"]],
            title=f"Usulan per {data['wilayah']['per']} (KK)",
            label_width=200,
        ),
        "durasi": durasi,
    }


@role_required(*READERS)
def unduh(request: HttpRequest) -> HttpResponse:
    """The report page: the monthly progress report and the register, as jobs."""
    return _unduh_page(request)


def _unduh_page(
    request: HttpRequest,
    *,
    bulanan: LingkupForm | None = None,
    peserta: LingkupForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if bulanan is None:
        this_month = default_range(1)
        initial = request.GET.copy()
        if not initial.get("bulan_dari"):
            initial["bulan_dari"], initial["bulan_sampai"] = this_month
        bulanan = LingkupForm(initial=initial.dict(), prefix="bulanan")
    if peserta is None:
        peserta = LingkupForm(
            initial={
                k: v for k, v in request.GET.items() if k in ("kecamatan", "desa")
            },
            prefix="peserta",
            period_required=False,
        )
    return render(
        request,
        "laporan/unduh.html",
        {"bulanan": bulanan, "peserta": peserta},
        status=status,
    )


@require_POST
@role_required(*READERS)
def bulanan(request: HttpRequest) -> HttpResponse:
    form = LingkupForm(request.POST, prefix="bulanan")
    fmt = request.POST.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf") or not form.is_valid():
        if fmt not in ("xlsx", "pdf"):
            messages.error(request, "Format laporan tidak dikenal.")
        return _unduh_page(request, bulanan=form, status=400)
    job = job_start(
        kind="laporan_bulanan",
        by=request.user,
        params={"filters": form.params(), "format": fmt},
        label=f"Laporan perkembangan bulanan ({fmt.upper()})",
    )
    return redirect(job)


@require_POST
@role_required(*READERS)
def peserta(request: HttpRequest) -> HttpResponse:
    form = LingkupForm(request.POST, prefix="peserta", period_required=False)
    if not form.is_valid():
        return _unduh_page(request, peserta=form, status=400)
    job = job_start(
        kind="laporan_peserta", by=request.user, params={"filters": form.params()}
    )
    return redirect(job)
