"""How an outgoing SMS/WhatsApp message leaves the portal.

Pick one with the setting KIS_NOTIF_BACKEND (a dotted path). A backend's `send`
returns the gateway's reference for the message, or raises `KirimGagal`.
"""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from kis_portal.privacy import mask_identifier

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifikasi.backends.DatabaseLogBackend"


class KirimGagal(Exception):
    """The message did not leave; the text (Indonesian) is shown to staff."""


class BaseBackend:
    def send(self, pesan) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class DatabaseLogBackend(BaseBackend):
    """Sends nothing: the outgoing row is the record (the default, and the demo)."""

    def send(self, pesan) -> str:
        logger.info(
            "notifikasi=%s kanal=%s to=%s logged (database backend)",
            pesan.pk,
            pesan.kanal,
            mask_identifier(pesan.tujuan),
        )
        return f"log-{pesan.pk}"


class HttpGatewayBackend(BaseBackend):
    """POSTs JSON to an SMS/WhatsApp gateway with a token header.

    Body: {"to": "62812...", "message": "...", "channel": "whatsapp",
    "reference": "<id>"}. Any 2xx answer counts as sent unless its JSON says
    {"status": false} (or "error"/"failed"); its "id" or "message_id" is kept.
    """

    def __init__(self) -> None:
        self.url = getattr(settings, "KIS_NOTIF_GATEWAY_URL", "")
        self.token = getattr(settings, "KIS_NOTIF_GATEWAY_TOKEN", "")
        self.header = getattr(settings, "KIS_NOTIF_GATEWAY_HEADER", "Authorization")
        self.timeout = float(getattr(settings, "KIS_NOTIF_GATEWAY_TIMEOUT", 10))

    def send(self, pesan) -> str:
        if urlsplit(self.url).scheme not in ("http", "https"):
            raise KirimGagal("Alamat gateway (KIS_NOTIF_GATEWAY_URL) belum diatur.")
        body = json.dumps(
            {
                "to": pesan.tujuan,
                "message": pesan.isi,
                "channel": pesan.kanal,
                "reference": str(pesan.pk),
            }
        ).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers[self.header] = self.token
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310  # scheme checked (http, https) above
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            detail = _snippet(exc.read(2000) if exc.fp else b"")
            raise KirimGagal(
                f"Gateway menjawab HTTP {exc.code}{': ' + detail if detail else ''}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise KirimGagal(f"Gateway tidak dapat dihubungi: {reason}") from exc
        return _reference(raw)


def _snippet(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())[:200]


def _reference(raw: bytes) -> str:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    status = data.get("status")
    if status is False or str(status).lower() in {"false", "error", "failed", "gagal"}:
        detail = data.get("reason") or data.get("message") or data.get("detail") or ""
        raise KirimGagal(f"Gateway menolak pesan: {str(detail)[:200]}".rstrip(": "))
    reference = data.get("id") or data.get("message_id") or ""
    if isinstance(reference, list):
        reference = reference[0] if reference else ""
    return str(reference)[:100]


def backend_path() -> str:
    return getattr(settings, "KIS_NOTIF_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND


def get_backend() -> BaseBackend:
    return import_string(backend_path())()
