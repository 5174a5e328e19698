"""Password slips: the one place a one-time password is shown, as a PDF to cut out.

One slip per account, grouped by kecamatan (each starts on a new page, so the
office hands a kecamatan its own sheets), with the portal's address, the
username, the one-time password and its expiry, "ganti kata sandi saat pertama
masuk" and "layanan gratis". The same words go in the optional SMS/WhatsApp,
whose stored copy has the password blanked once it is sent (`redact`).
"""

import datetime
import re
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from kis_portal.pdf import html_to_pdf, letterhead, tanggal_indonesia
from kis_portal.roles import Role, primary_role
from kis_portal.staging.services import staged_delete, staged_get, staged_read

# What kis_portal.staging holds a finished slip PDF as, until it is downloaded once.
STAGING_PURPOSE = "slip_akun"
# The jobs (accounts.jobs) whose result is a slips PDF.
SLIP_KINDS = ("akun_wilayah", "akun_berkas", "akun_sandi")
NO_KECAMATAN = "Kantor Dinas"
PASSWORD_LABEL = "Kata sandi sekali pakai"
CHANGE_NOTICE = "Ganti kata sandi saat pertama masuk."
FREE_NOTICE = "Layanan gratis: tidak dipungut biaya."
_PASSWORD_IN_TEXT = re.compile(rf"({PASSWORD_LABEL}: )\S+")


@dataclass(frozen=True)
class Slip:
    nama: str
    peran: str
    desa: str  # "Desa Kalibukbuk", or "" for office staff
    kecamatan: str  # "Banjar", or NO_KECAMATAN
    username: str
    password: str
    expires_at: datetime.datetime

    @property
    def berlaku_sampai(self) -> str:
        return tanggal_indonesia(timezone.localtime(self.expires_at).date())


def portal_address() -> str:
    return settings.KIS_ALAMAT_PORTAL or "(tanyakan alamat portal ke Dinas Sosial)"


def slip_for(issued) -> Slip:
    """The slip of an account just given a one-time password (services.Issued)."""
    user = issued.user
    profile = getattr(user, "profile", None)
    desa = profile.desa if profile is not None else None
    role = primary_role(user)
    return Slip(
        nama=user.get_full_name() or user.username,
        peran=Role(role).label if role else "",
        desa=str(desa) if desa else "",
        kecamatan=desa.kecamatan.nama if desa else NO_KECAMATAN,
        username=user.username,
        password=issued.password,
        expires_at=issued.expires_at,
    )


def _order(slip: Slip) -> tuple:
    return (slip.kecamatan == NO_KECAMATAN, slip.kecamatan, slip.desa, slip.username)


def slips_pdf(slips: list[Slip]) -> bytes:
    """The slips as a PDF: one section per kecamatan, eight slips to an A4 page."""
    ordered = sorted(slips, key=_order)
    sections = [
        {"kecamatan": kecamatan, "slips": list(group)}
        for kecamatan, group in groupby(ordered, key=lambda slip: slip.kecamatan)
    ]
    html = render_to_string(
        "accounts/pdf/slip_akun.html",
        {
            "letterhead": letterhead(),
            "sections": sections,
            "alamat": portal_address(),
            "dibuat": tanggal_indonesia(timezone.localdate()),
            "password_label": PASSWORD_LABEL,
            "change_notice": CHANGE_NOTICE,
            "free_notice": FREE_NOTICE,
            "no_kecamatan": NO_KECAMATAN,
        },
    )
    return html_to_pdf(html)


def sms_text(slip: Slip) -> str:
    """The slip's words as one SMS/WhatsApp message."""
    return (
        f"{settings.KIS_OFFICE_NAME}: akun KIS Portal Anda. "
        f"Alamat: {portal_address()} Nama pengguna: {slip.username} "
        f"{PASSWORD_LABEL}: {slip.password} (berlaku s.d. {slip.berlaku_sampai}). "
        f"{CHANGE_NOTICE} {FREE_NOTICE}"
    )


def redact(text: str) -> str:
    """A sent message's stored copy, without the password in it."""
    return _PASSWORD_IN_TEXT.sub(r"\1******", text)


def _token(job) -> str:
    if job.kind not in SLIP_KINDS:
        return ""
    return str((job.params or {}).get("slip", ""))


def slip_waiting(job, *, by) -> bool:
    """Whether the job's slips PDF still waits for its one download."""
    token = _token(job)
    return bool(token) and staged_get(token, purpose=STAGING_PURPOSE, by=by) is not None


def slip_take(job, *, by) -> bytes | None:
    """The job's slips PDF, once: it is deleted as it is handed out."""
    token = _token(job)
    if not token:
        return None
    content = staged_read(token, purpose=STAGING_PURPOSE, by=by)
    staged_delete(token, by=by)
    return content
