"""Demo usulan for desa1 and desa2 in draft, submitted and returned states."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kis_portal.offices.choices import Kategori
from usulan.checks import kategori_error
from usulan.models import Usulan
from usulan.selectors import documents_for
from usulan.services import (
    dokumen_upload,
    pengajuan_create,
    usulan_return,
    usulan_save,
    usulan_submit,
)

from .people import PeopleFactory


def demo_pdf(title: str) -> bytes:
    """A tiny valid one-page PDF standing in for a scanned document."""
    text = title.replace("(", "").replace(")", "")[:60]
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def upload_all_documents(usulan: Usulan, by) -> None:
    """Upload a stand-in PDF for every document the usulan still misses."""
    for doc in documents_for(usulan):
        if not doc.missing:
            continue
        kwargs = (
            {"pengajuan": usulan.pengajuan}
            if doc.level == "pengajuan"
            else ({"anggota": doc.anggota} if doc.anggota else {"usulan": usulan})
        )
        dokumen_upload(
            requirement_kode=doc.requirement.kode,
            requirement_nama=doc.requirement.nama,
            level=doc.level,
            upload=SimpleUploadedFile(
                f"{doc.requirement.kode}.pdf", demo_pdf(doc.label)
            ),
            by=by,
            **kwargs,
        )


def _household(
    factory: PeopleFactory, size: int, kategori: str
) -> tuple[dict, list[dict]]:
    home = factory.household(size)
    household = {
        "jenis": "MIG34",
        "no_kk": home.no_kk,
        "alamat": home.alamat,
        "rt": home.rt,
        "rw": home.rw,
        "telepon": "081234567890",
        "noka_lama": "",
        "segmen_asal": "",
    }
    # The category goes to the first member it can hold for (a pregnant woman,
    # not the father who heads the family).
    holder = next(
        (
            index
            for index, p in enumerate(home.members)
            if not kategori_error(kategori, sex=p.jenis_kelamin, birth=p.tanggal_lahir)
        ),
        None,
    )
    members = [
        {
            "nik": p.nik,
            "nama": p.nama,
            "tempat_lahir": p.tempat_lahir,
            "tanggal_lahir": p.tanggal_lahir,
            "jenis_kelamin": p.jenis_kelamin,
            "shdk": p.shdk,
            "status_kawin": p.status_kawin,
            "kode_faskes": "09020107",
            "nama_faskes": "PUSKESMAS BULELENG I",
            "kategori": kategori if index == holder else Kategori.MISKIN,
            "telepon": "",
            "catatan": "",
        }
        for index, p in enumerate(home.members)
    ]
    return household, members


# (state, household size, first member's category)
PLAN = [
    ("draft", 3, Kategori.MISKIN),
    ("draft_incomplete", 2, Kategori.KRONIS),
    ("diajukan", 4, Kategori.MISKIN),
    ("diajukan", 2, Kategori.DISABILITAS),
    ("dikembalikan", 3, Kategori.KRONIS),
]


ROMAN_MONTHS = "I II III IV V VI VII VIII IX X XI XII".split()


def _nomor_surat(seed: int, today: datetime.date) -> str:
    """A desa letter number as offices write it: 400/001/XII/2026."""
    return f"400/{seed:03d}/{ROMAN_MONTHS[today.month - 1]}/{today.year}"


def seed_usulan() -> int:
    """Create the demo usulan once; return how many were created."""
    users = get_user_model().objects.select_related("profile__desa__kecamatan")
    verifikator = users.get(username="verifikator")
    created = 0
    for seed, username in enumerate(["desa1", "desa2"], start=1):
        operator = users.get(username=username)
        if Usulan.objects.filter(created_by=operator).exists():
            continue
        desa = operator.profile.desa
        factory = PeopleFactory(desa.kecamatan.nik_prefix, seed=seed)
        pengajuan = pengajuan_create(
            desa=desa,
            by=operator,
            nomor_surat=_nomor_surat(seed, timezone.localdate()),
            keterangan="Usulan demo",
        )
        plan = PLAN if seed == 1 else PLAN[:1] + PLAN[2:3] + PLAN[4:]
        for state, size, kategori in plan:
            household, members = _household(factory, size, kategori)
            usulan = usulan_save(
                usulan=None,
                household=household,
                members=members,
                by=operator,
                desa=desa,
                pengajuan=pengajuan,
            )
            created += 1
            if state == "draft_incomplete":
                continue
            upload_all_documents(usulan, operator)
            if state == "draft":
                continue
            usulan_submit(usulan_id=usulan.pk, by=operator)
            if state == "dikembalikan":
                usulan_return(
                    usulan_id=usulan.pk,
                    by=verifikator,
                    notes=[
                        {
                            "item": "sktm",
                            "item_label": "Surat Keterangan Tidak Mampu",
                            "pesan": "SKTM belum bermeterai",
                        }
                    ],
                )
    return created
