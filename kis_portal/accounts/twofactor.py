"""Two-factor login with an authenticator app (TOTP, django-otp).

With KIS_2FA on, the roles that approve, verify, send to BPJS or administer
must give a code from their app after the password. A user without a confirmed
device enrols first (QR code or the secret typed by hand).
"""

from base64 import b32encode
from datetime import timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kis_portal.audit.services import audit_record
from kis_portal.roles import Role, has_role

TWO_FACTOR_ROLES = (Role.KADIS, Role.VERIFIKATOR, Role.REKAP, Role.ADMIN)
DEVICE_NAME = "Aplikasi autentikator"
# How long one enrolment attempt (its QR code and secret) stays good.
ENROLMENT_MINUTES = 15
ENROLMENT_SESSION_KEY = "kis_2fa_daftar"


def requires_two_factor(user) -> bool:
    """Whether this user must pass the code step before using the portal."""
    if not settings.KIS_2FA or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or has_role(user, *TWO_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_enrolment_device(user, session) -> TOTPDevice | None:
    """The unconfirmed device this session showed, while its time lasts."""
    pk = session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(pk, int):
        return None
    started_after = timezone.now() - timedelta(minutes=ENROLMENT_MINUTES)
    return TOTPDevice.objects.filter(
        pk=pk, user=user, confirmed=False, created_at__gte=started_after
    ).first()


@transaction.atomic
def enrolment_device(user, session) -> TOTPDevice:
    """This session's unconfirmed device, or a new one with a fresh secret.

    A secret belongs to one enrolment attempt: one session, for ENROLMENT_MINUTES.
    Starting an attempt removes every other unconfirmed device of the user, so a
    secret seen elsewhere (over a shoulder, on a shared PC) can never be confirmed.
    """
    device = session_enrolment_device(user, session)
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        session[ENROLMENT_SESSION_KEY] = device.pk
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no image request, no CDN)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=2,
        dark="#000",
        light="#fff",
        svgclass="qr-otp",
        title="Kode QR untuk aplikasi autentikator",
    )


@transaction.atomic
def confirm_device(device: TOTPDevice, code: str, session) -> bool:
    """Confirm this session's enrolment with the first code the app shows."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    session.pop(ENROLMENT_SESSION_KEY, None)
    audit_record(
        action="config",
        by=device.user,
        target=device.user,
        reason="verifikasi dua langkah diaktifkan",
    )
    return True


def verify_code(device: TOTPDevice, code: str) -> tuple[bool, int]:
    """Check a login code; returns (ok, seconds to wait when throttled)."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until") or timezone.now()
        return False, max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return device.verify_token(code), 0


@transaction.atomic
def reset_devices(user, *, by) -> int:
    """Remove a user's authenticator devices: they enrol again at next login."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        action="config",
        by=by,
        target=user,
        reason="verifikasi dua langkah direset",
        data={"perangkat_dihapus": count},
    )
    return count
