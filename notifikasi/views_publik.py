"""The citizen's status check: no login, rate limited, nothing personal shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from kis_portal.http import client_ip

from . import services
from .forms import CekStatusForm


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def cek_status(request: HttpRequest) -> HttpResponse:
    form = CekStatusForm(request.POST or None)
    hasil = None
    status = 200
    if request.method == "POST" and form.is_valid():
        hasil = services.cek_status(
            nomor=form.cleaned_data["nomor"],
            tanggal_lahir=form.cleaned_data["tanggal_lahir"],
            ip=client_ip(request),
        )
        if hasil.hasil == "dibatasi":
            status = 429
        # A fresh form: the birth date is not echoed back, the number is.
        form = CekStatusForm(initial={"nomor": form.cleaned_data["nomor"]})
    response = render(
        request,
        "notifikasi/cek_status.html",
        {"form": form, "hasil": hasil},
        status=status,
    )
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
    response["X-Robots-Tag"] = "noindex"
    return response
