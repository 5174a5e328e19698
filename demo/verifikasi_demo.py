"""Demo DTKS extract and usulan at every verification stage (desa1)."""

import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dtks.imports import import_dtks
from dtks.models import DtksPeriode
from kis_portal.offices.choices import Kategori
from usulan.models import Usulan
from usulan.services import pengajuan_current, usulan_save, usulan_submit
from verifikasi.approval import cek_lapangan_record, persetujuan_decide
from verifikasi.checklist import build_checklist
from verifikasi.services import keputusan_save

from .people import PeopleFactory
from .usulan_demo import _household, upload_all_documents


def demo_periode(today: datetime.date) -> str:
    """The last full quarter before today's, as SIKS-NG names it (2026-Q3)."""
    quarter = (today.month - 1) // 3  # 0-3: the previous quarter's number
    if quarter == 0:
        return f"{today.year - 1}-Q4"
    return f"{today.year}-Q{quarter}"


DTKS_HEADER = [
    "iddtks",
    "provinsi",
    "kabupaten_kota",
    "kecamatan",
    "desa_kelurahan",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "nomor_kk",
    "nomor_nik",
    "nama",
    "tanggal_lahir",
    "tempat_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "hubungan_keluarga",
    "desil",
]


def _dtks_rows(
    households: list[tuple[Usulan, str]], filler: int = 240
) -> list[list[str]]:
    rows = []
    serial = 0

    def add(kk, nik, nama, lahir, tempat, jk, kode_desa, desil):
        nonlocal serial
        serial += 1
        rows.append(
            [
                f"DTKS5108{serial:06d}",
                "BALI",
                "BULELENG",
                kode_desa[:8],
                kode_desa,
                "JL. RAYA",
                "BANJAR DINAS KAJA",
                "001",
                "001",
                kk,
                nik,
                nama,
                lahir.isoformat(),
                tempat,
                jk,
                "NI IBU",
                "ANAK",
                str(desil),
            ]
        )

    # The proposed households rank desil 6-10: APBN does not cover them, so the
    # APBD batch takes them (desil 1-5 would wait for SIKS-NG, docs/dtsen.md).
    for index, (usulan, kode_desa) in enumerate(households):
        for m in usulan.anggota_set.all():
            add(
                usulan.no_kk,
                m.nik,
                m.nama,
                m.tanggal_lahir,
                m.tempat_lahir,
                m.jenis_kelamin,
                kode_desa,
                6 + index % 5,
            )
    factory = PeopleFactory("510801", seed=90)
    while len(rows) < filler:
        home = factory.household(4)
        for p in home.members:
            add(
                home.no_kk,
                p.nik,
                p.nama,
                p.tanggal_lahir,
                p.tempat_lahir,
                p.jenis_kelamin,
                "51.08.01.2004",
                1 + serial % 6,
            )
    return rows


def _new_usulan(operator, factory, size, kategori=Kategori.MISKIN) -> Usulan:
    household, members = _household(factory, size, kategori)
    desa = operator.profile.desa
    usulan = usulan_save(
        usulan=None,
        household=household,
        members=members,
        by=operator,
        desa=desa,
        pengajuan=pengajuan_current(desa=desa, by=operator),
    )
    upload_all_documents(usulan, operator)
    usulan_submit(usulan_id=usulan.pk, by=operator)
    return usulan


def _accept(usulan: Usulan, verifikator) -> None:
    items = {
        item.key: {"ada": True, "valid": True, "bermeterai": True}
        for item in build_checklist(usulan).items
    }
    keputusan_save(usulan_id=usulan.pk, by=verifikator, keputusan="terima", items=items)


def _house_photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (170, 140, 110)).save(out, format="JPEG")
    return SimpleUploadedFile("rumah.jpg", out.getvalue(), content_type="image/jpeg")


def _field_check(usulan: Usulan, lapangan) -> None:
    cek_lapangan_record(
        usulan_id=usulan.pk,
        by=lapangan,
        tanggal_kunjungan=timezone.localdate(),
        temuan="Rumah semi permanen berlantai tanah; kepala keluarga buruh harian lepas.",
        rekomendasi="layak",
        photos=[_house_photo()],
    )


def seed_verifikasi() -> None:
    """Once: the DTKS extract, then households at every verification stage."""
    if DtksPeriode.objects.exists():
        return
    users = {
        u.username: u for u in get_user_model().objects.select_related("profile__desa")
    }
    desa1, verifikator = users["desa1"], users["verifikator"]
    lapangan, kadis = users["lapangan"], users["kadis"]
    factory = PeopleFactory(desa1.profile.desa.kecamatan.nik_prefix, seed=3)

    in_dtks = _new_usulan(desa1, factory, 3)
    queued_in_dtks = (
        Usulan.objects.filter(created_by=desa1, status=Usulan.Status.DIAJUKAN)
        .order_by("pk")
        .first()
    )
    kode_desa = desa1.profile.desa.kode
    rows = _dtks_rows([(in_dtks, kode_desa), (queued_in_dtks, kode_desa)])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(DTKS_HEADER)
    writer.writerows(rows)
    import_dtks(
        io.BytesIO(buffer.getvalue().encode()),
        periode=demo_periode(timezone.localdate()),
    )

    _accept(in_dtks, verifikator)  # in DTKS: ready at once

    waiting_field = _new_usulan(desa1, factory, 2, Kategori.HAMIL)
    _accept(waiting_field, verifikator)  # not in DTKS: field check

    waiting_kadis = _new_usulan(desa1, factory, 3, Kategori.KRONIS)
    _accept(waiting_kadis, verifikator)
    _field_check(waiting_kadis, lapangan)  # then the head of office

    approved = _new_usulan(desa1, factory, 2, Kategori.DISABILITAS)
    _accept(approved, verifikator)
    _field_check(approved, lapangan)
    persetujuan_decide(usulan_ids=[approved.pk], by=kadis, keputusan="setuju")

    rejected = _new_usulan(desa1, factory, 1)
    keputusan_save(
        usulan_id=rejected.pk,
        by=verifikator,
        keputusan="tolak",
        items={},
        alasan="Keluarga tercatat sebagai peserta PPU (pekerja penerima upah).",
    )
