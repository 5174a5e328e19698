"""The page shown when failed logins have locked a username from an address."""

import ipaddress

from django.conf import settings
from django.shortcuts import render

from kis_portal.http import client_ip


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


def client_address(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: `kis_portal.http.client_ip`, checked.

    Axes stores the address in an inet column on PostgreSQL, so anything that
    is not an IP address (no REMOTE_ADDR, as in the test client's login(), or
    a garbled proxy header) is None rather than a failed login request.
    """
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address
