"""A demo urgent patient: RSUD's admission desk registered a Kalibukbuk resident."""

import hashlib
import uuid

from django.contrib.auth import get_user_model

from kis_portal.uploads import CheckedFile
from usulan.darurat import darurat_submit
from usulan.models import KasusDarurat

from .people import PeopleFactory
from .usulan_demo import demo_pdf

# A fixed token: seeding twice finds the first case.
DEMO_TOKEN = uuid.UUID("5e0d7a52-8f7b-4c1e-9a53-3f4f2a0c9d11")


def _letter() -> CheckedFile:
    content = demo_pdf("Surat keterangan rawat inap RSUD")
    return CheckedFile(
        content=content,
        content_type="application/pdf",
        original_name="surat-rsud.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
    )


def seed_darurat() -> None:
    """One urgent case from the demo faskes, waiting for the verifier."""
    users = get_user_model().objects.select_related("profile")
    faskes = users.get(username="faskes")
    if KasusDarurat.objects.filter(usulan__created_by=faskes).exists():
        return
    desa = users.get(username="desa1").profile.desa
    head = PeopleFactory(desa.kecamatan.nik_prefix, seed=7).household(size=1)
    person = head.members[0]
    darurat_submit(
        data={
            "nik": person.nik,
            "no_kk": head.no_kk,
            "nama": person.nama,
            "tempat_lahir": person.tempat_lahir,
            "tanggal_lahir": person.tanggal_lahir,
            "shdk": person.shdk,
            "status_kawin": person.status_kawin,
            "desa": desa,
            "alamat": head.alamat,
            "rt": head.rt,
            "alasan": "Stroke, dirawat di ICU sejak semalam; tanpa jaminan kesehatan.",
            "telepon": "",
        },
        surat=_letter(),
        by=faskes,
        client_token=DEMO_TOKEN,
    )
