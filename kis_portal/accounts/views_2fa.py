"""The code step after the password, for roles that must use two-factor login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from kis_portal.audit.services import audit_record

from .forms import OtpCodeForm
from .twofactor import (
    ENROLMENT_MINUTES,
    confirm_device,
    confirmed_device,
    enrolment_device,
    qr_svg,
    requires_two_factor,
    secret_text,
    session_enrolment_device,
    verify_code,
)


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() would take a bare word for a URL pattern's name.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


def _step_url(name: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def _verified(request: HttpRequest, device) -> HttpResponse:
    # A new session key for the now fully signed-in session.
    request.session.cycle_key()
    otp_login(request, device)
    return redirect(_next_url(request))


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if not requires_two_factor(request.user) or request.user.is_verified():
        return redirect(_next_url(request))
    device = confirmed_device(request.user)
    if device is None:
        return redirect(_step_url("two_factor:enrol", request))
    form = OtpCodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, wait = verify_code(device, form.cleaned_data["code"])
        if ok:
            return _verified(request, device)
        if wait:
            form.add_error(
                "code",
                f"Terlalu banyak kode salah. Tunggu {wait} detik lalu coba lagi.",
            )
        else:
            audit_record(
                action="login_failed",
                by=request.user,
                target=request.user,
                reason="kode verifikasi dua langkah salah",
            )
            form.add_error("code", "Kode salah atau sudah kedaluwarsa.")
    return render(
        request,
        "registration/2fa_kode.html",
        {"form": form, "next": _next_url(request)},
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    if not requires_two_factor(request.user) or request.user.is_verified():
        return redirect(_next_url(request))
    if confirmed_device(request.user) is not None:
        return redirect(_step_url("two_factor:verify", request))
    attempt = session_enrolment_device(request.user, request.session)
    device = attempt or enrolment_device(request.user, request.session)
    form = OtpCodeForm(data=request.POST or None)
    if request.method == "POST" and attempt is None:
        # The code was read from a QR code this session no longer holds.
        form.is_valid()
        form.add_error(
            None,
            f"Waktu pendaftaran ({ENROLMENT_MINUTES} menit) habis atau kode QR sudah "
            "diganti. Hapus entri lama di aplikasi, pindai kode QR baru di bawah, lalu "
            "masukkan kodenya.",
        )
    elif request.method == "POST" and form.is_valid():
        if confirm_device(device, form.cleaned_data["code"], request.session):
            messages.success(
                request,
                "Verifikasi dua langkah aktif. Mulai sekarang, setiap kali masuk "
                "Anda diminta kode dari aplikasi ini.",
            )
            return _verified(request, device)
        form.add_error(
            "code",
            "Kode salah atau sudah kedaluwarsa. Pastikan jam ponsel tepat, "
            "lalu masukkan kode yang sedang tampil.",
        )
    return render(
        request,
        "registration/2fa_daftar.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": qr_svg(device),
            "secret": secret_text(device),
            "menit": ENROLMENT_MINUTES,
        },
    )
