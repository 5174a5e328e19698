"""Request and response helpers shared by the apps' views."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse

# A pk no table reaches, marking where the pk goes in a reversed URL.
_PK_MARK = 9_081_726_354_453_627_189


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


def private(response: HttpResponse) -> HttpResponse:
    """A response carrying someone's data: never cached, never type-sniffed."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# What a page may show in place (a frame, a tab, an <img>): what check_upload keeps
# (a PDF by its signature, a re-encoded JPEG) and the PDFs the portal renders.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def stored_file(
    stream, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """A stored file, private. Shown in place only when it is a PDF or an image, and
    then sandboxed (CSP `sandbox`: no script, no form, no access to the portal's
    origin, whatever the file holds); anything else is downloaded."""
    inline = inline and content_type in INLINE_TYPES
    response = FileResponse(
        stream, as_attachment=not inline, filename=filename, content_type=content_type
    )
    return private(sandboxed(response) if inline else response)


def sandboxed(response: HttpResponse) -> HttpResponse:
    """Add CSP `sandbox` to the portal's policy (django-csp keeps the rest)."""
    response._csp_update = {
        **(getattr(response, "_csp_update", None) or {}),
        "sandbox": True,
    }
    return response


def form_add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def int_param(value: str | None) -> int | None:
    """An id or count from a query or form value; None for anything else.

    `str.isdigit()` alone accepts "²" or "١٢" (which `int()` refuses or reads as
    another number) and a 40-digit id overflows the database's integer: both were 500s.
    """
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def pk_url(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for a list's rows at the cost of one reverse.

    A reverse costs ~40 us; a page of 25 rows with two links each paid 2 ms.
    """
    head, _, tail = reverse(name, args=[_PK_MARK]).rpartition(str(_PK_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"
