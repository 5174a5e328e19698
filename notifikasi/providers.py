"""What notifikasi lends the base layer: sending an account's one-time password.

Registered in kis_portal.accounts.registry when the app is ready. The message
goes through the same outgoing queue, backend and retries as every other; once
it is sent, its stored copy has the password blanked (tasks.py).
"""

from django.conf import settings
from django.utils import timezone

from kis_portal.accounts.registry import password_sender
from kis_portal.identifiers import phone_international

from .models import Jenis, PesanKeluar
from .services import pesan_keluar_schedule


@password_sender
def account_password_send(*, user, phone: str, text: str) -> bool:
    """Queue the one-time password message; False when the number is unusable."""
    tujuan = phone_international(phone)
    if not tujuan:
        return False
    row = PesanKeluar.objects.create(
        jenis=Jenis.AKUN,
        kanal=getattr(settings, "KIS_NOTIF_KANAL", PesanKeluar.Kanal.WHATSAPP),
        tujuan=tujuan,
        isi=text,
        next_attempt_at=timezone.now(),
    )
    pesan_keluar_schedule([row.pk])
    return True
