"""Request helpers shared by the public (no login) pages."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, for rate limits.

    Behind a proxy, `KIS_CLIENT_IP_HEADER` names the request META key the proxy
    sets (X-Forwarded-For when BEHIND_PROXY is on); the proxy appends the address
    it saw, so the last entry is the one to trust. Otherwise REMOTE_ADDR.
    """
    header = getattr(settings, "KIS_CLIENT_IP_HEADER", "")
    if header:
        parts = [p.strip() for p in request.META.get(header, "").split(",")]
        parts = [p for p in parts if p]
        if parts:
            return parts[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
