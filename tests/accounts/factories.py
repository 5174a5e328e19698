"""Builders for account tests: the region list, slips read back from their PDF."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from kis_portal.jobs.models import Job
from kis_portal.wilayah.services import load_wilayah

BULELENG = "51.08"
SLIP_RE = re.compile(r"Nama pengguna:\s*(\S+)\s+Kata sandi sekali pakai:\s*(\S+)")


def buleleng() -> None:
    """The demo region list: Buleleng's 9 kecamatan and 148 desa/kelurahan."""
    load_wilayah(kode_kabupaten=BULELENG)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def slip_credentials(pdf: bytes) -> dict[str, str]:
    """username -> one-time password, as printed on each slip of the PDF."""
    found = SLIP_RE.findall(pdf_text(pdf))
    credentials = dict(found)
    assert len(credentials) == len(found), "a username printed on two slips"
    return credentials


def last_job(user) -> Job:
    return Job.objects.filter(created_by=user).latest("pk")


def download_slips(client, job: Job) -> bytes:
    """The job's slips PDF through the page's one download."""
    response = client.post(reverse("accounts:slip_download", args=[job.pk]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content
