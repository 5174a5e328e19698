"""The one PDF renderer: a Django template to PDF bytes, with WeasyPrint.

Rendered documents carry citizens' data typed by other people, so the renderer
fetches nothing but the project's own static files: no file://, no network, no
path outside the static folders. Everything else is refused before any I/O and
simply left out of the PDF.
"""

import base64
import datetime
import logging
import posixpath
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from kis_portal.offices.selectors import get_active_profile

logger = logging.getLogger(__name__)

# A made-up origin (.invalid never resolves): relative and /static/ URLs in a
# template resolve against it, and only URLs on it can name a static file.
PDF_ORIGIN = "https://kis-portal.invalid"
MAX_STATIC_BYTES = 5 * 1024 * 1024
MAX_DATA_URI_CHARS = 64 * 1024
CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


class RefusedURL(ValueError):
    """A resource the PDF may not load (WeasyPrint logs it and leaves it out)."""


def _static_prefix() -> str:
    path = urlsplit(settings.STATIC_URL).path or "/static/"
    return "/" + path.strip("/") + "/"


def pdf_base_url() -> str:
    return PDF_ORIGIN + _static_prefix()


def _static_file(relative: str) -> Path | None:
    """The file behind a static path, found the way collectstatic finds it."""
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or "\x00" in relative
        or ".." in relative.split("/")
        or posixpath.normpath(relative) != relative
    ):
        return None
    try:
        found = finders.find(relative)
        if not found and staticfiles_storage.exists(relative):
            # Production: hashed names from {% static %} live only in STATIC_ROOT.
            found = staticfiles_storage.path(relative)
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    if not found or isinstance(found, list):
        return None
    path = Path(found)
    return path if path.is_file() else None


def static_path_for(url: str) -> Path | None:
    """The local static file a URL names, or None when it names anything else."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}".lower() != PDF_ORIGIN:
        return None
    prefix = _static_prefix()
    if not parts.path.startswith(prefix):
        return None
    return _static_file(unquote(parts.path[len(prefix) :]))


def _data_uri(url: str) -> URLFetcherResponse:
    """A small inline image or font; the bytes are in the URL, nothing is fetched."""
    if len(url) > MAX_DATA_URI_CHARS:
        raise RefusedURL("data: URI too large")
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        raise RefusedURL("malformed data: URI")
    params = header.split(";")
    content_type = params[0].strip().lower() or "text/plain"
    if content_type not in CONTENT_TYPES.values():
        raise RefusedURL(f"data: URI of type {content_type}")
    try:
        body = (
            base64.b64decode(payload, validate=True)
            if "base64" in params[1:]
            else unquote_to_bytes(payload)
        )
    except ValueError as exc:
        raise RefusedURL("malformed data: URI") from exc
    return URLFetcherResponse(url, body, {"Content-Type": content_type})


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files; refuses every other URL without I/O."""

    def __init__(self) -> None:
        super().__init__(
            timeout=1, allowed_protocols=("https", "data"), allow_redirects=False
        )

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return _data_uri(url)
        path = static_path_for(url)
        content_type = CONTENT_TYPES.get(path.suffix.lower()) if path else None
        if path is None or content_type is None:
            # Only the scheme: a refused URL may carry someone's typed data.
            logger.warning("pdf refused a resource scheme=%s", urlsplit(url).scheme)
            raise RefusedURL("only the portal's static files are served to PDFs")
        if path.stat().st_size > MAX_STATIC_BYTES:
            raise RefusedURL("static file too large for a PDF")
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": content_type}
        )


def tanggal_indonesia(value: datetime.date) -> str:
    """2026-11-23 -> '23 November 2026', whatever language is active."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def css_string(value: str) -> SafeString:
    """`value` as a CSS string literal, every character but plain ones hex-escaped.

    Safe inside a <style> element whatever the value holds (no quote, no '<').
    """
    plain = " ./-_:,()"
    body = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in plain) else f"\\{ord(ch):06x}"
        for ch in value
    )
    return mark_safe(f'"{body}"')  # noqa: S308  # nosec B308 B703 - every other character is escaped


def letterhead() -> dict:
    """The office's letterhead for `pdf/base_letter.html`, from the active profile."""
    profile = get_active_profile()
    return {
        "pemerintah": profile.pemerintah if profile else "",
        "nama_dinas": profile.nama_dinas if profile else settings.KIS_OFFICE_NAME,
        "alamat": profile.alamat if profile else "",
        "telepon": profile.telepon if profile else "",
        "email": profile.email if profile else "",
        "website": profile.website if profile else "",
        "kota_surat": profile.kota_surat if profile else "",
        "logo_url": static(settings.KIS_OFFICE_LOGO),
        # The document number in every page's header (render_pdf's `nomor`).
        "nomor_css": "",
    }


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=pdf_base_url(), url_fetcher=StaticOnlyFetcher()
    ).write_pdf()


def render_pdf(
    template_name: str, context: dict, *, request=None, nomor: str = ""
) -> bytes:
    """Render a template (usually extending `pdf/base_letter.html`) to PDF bytes.

    `nomor`, the document's number, is printed at the top of every page.
    """
    head = letterhead()
    if nomor:
        head["nomor_css"] = css_string(f"Nomor: {nomor}")
    context = {"letterhead": head, **context}
    return html_to_pdf(render_to_string(template_name, context, request=request))
