"""What a citizen takes home for an usulan, whatever its channel: the public
status address and the short text an operator sends by WhatsApp."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kis_portal.pdf import tanggal_indonesia

from .models import Usulan


def status_address() -> str:
    """The public status page's full address, from KIS_ALAMAT_PORTAL."""
    base = settings.KIS_ALAMAT_PORTAL.rstrip("/")
    if not base:
        return "portal KIS Dinas Sosial (tanyakan alamatnya ke Dinas Sosial)"
    return f"{base}{reverse('publik:cek_status')}"


def whatsapp_text(usulan: Usulan) -> str:
    """Short enough for one message; no NIK, no names: it may be forwarded."""
    tanggal = tanggal_indonesia(timezone.localdate(usulan.created_at))
    return (
        f"Usulan JKN-KIS Anda tercatat. Nomor registrasi: {usulan.nomor} "
        f"({tanggal}, {usulan.desa.nama}). Cek status di {status_address()} "
        "dengan nomor registrasi dan tanggal lahir. Layanan ini gratis."
    )


def whatsapp_link(usulan: Usulan) -> str:
    """wa.me link with the text; WhatsApp asks whom to send it to.

    The household's phone is never put in the link (a phone number stays out of
    every URL, hence browser history and logs): the page shows it beside the button.
    """
    return f"https://wa.me/?text={quote(whatsapp_text(usulan))}"
