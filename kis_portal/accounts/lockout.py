"""The page shown when failed logins have locked a username from an address."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: an Indonesian page, HTTP 429."""
    minutes = settings.KIS_LOGIN_JEDA_MENIT
    response = render(
        request,
        "registration/terkunci.html",
        {"jeda_menit": minutes, "maks_gagal": settings.KIS_LOGIN_MAKS_GAGAL},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
