"""Builders for usulan test data: valid NIKs and KKs for a desa's kecamatan."""

import datetime
import itertools
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from demo.people import kk_for, nik_for
from demo.usulan_demo import demo_pdf, upload_all_documents
from usulan.models import Usulan
from usulan.services import pengajuan_current, usulan_save

_serial = itertools.count(1)


def new_nik(desa, *, birth=datetime.date(1980, 5, 12), sex="L") -> str:
    return nik_for(desa.kecamatan.nik_prefix, birth, sex, next(_serial))


def new_kk(desa) -> str:
    return kk_for(desa.kecamatan.nik_prefix, datetime.date(2019, 3, 4), next(_serial))


def member(
    desa, *, sex="L", birth=datetime.date(1980, 5, 12), kategori="miskin", **extra
):
    data = {
        "nik": new_nik(desa, birth=birth, sex=sex),
        "nama": "I MADE UJI" if sex == "L" else "NI LUH UJI",
        "tempat_lahir": "SINGARAJA",
        "tanggal_lahir": birth,
        "jenis_kelamin": sex,
        "shdk": "1" if sex == "L" else "3",
        "status_kawin": "2",
        "kode_faskes": "09020107",
        "nama_faskes": "PUSKESMAS UJI",
        "kategori": kategori,
        "telepon": "",
        "catatan": "",
    }
    data.update(extra)
    return data


def household(desa, **extra) -> dict:
    data = {
        "jenis": "MIG34",
        "no_kk": new_kk(desa),
        "alamat": "BANJAR DINAS KAJA",
        "rt": "003",
        "rw": "001",
        "telepon": "081234567890",
        "noka_lama": "",
        "segmen_asal": "",
    }
    data.update(extra)
    return data


def make_usulan(operator, *, members=None, household_data=None, upload=False) -> Usulan:
    desa = operator.profile.desa
    usulan = usulan_save(
        usulan=None,
        household=household_data or household(desa),
        members=members
        or [member(desa), member(desa, sex="P", birth=datetime.date(1985, 3, 7))],
        by=operator,
        desa=desa,
        pengajuan=pengajuan_current(desa=desa, by=operator),
    )
    if upload:
        upload_all(usulan, operator)
    return usulan


def pdf_file(name="scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("scan"), content_type="application/pdf")


def upload_all(usulan: Usulan, by) -> None:
    upload_all_documents(usulan, by)


def form_post(household_data: dict, members: list[dict], *, initial=0, **extra) -> dict:
    """The POST body of the usulan form with its member formset."""
    data = {k: v for k, v in household_data.items()}
    data.update(
        {
            "anggota_set-TOTAL_FORMS": str(len(members)),
            "anggota_set-INITIAL_FORMS": str(initial),
            "anggota_set-MIN_NUM_FORMS": "0",
            "anggota_set-MAX_NUM_FORMS": "20",
        }
    )
    for index, row in enumerate(members):
        for key, value in row.items():
            if isinstance(value, datetime.date):
                value = value.isoformat()
            if key == "DELETE":
                if value:
                    data[f"anggota_set-{index}-DELETE"] = "on"
                continue
            data[f"anggota_set-{index}-{key}"] = value if value is not None else ""
    data.update(extra)
    return data


HUSBAND_NIK = "5108061205800001"  # man born 12-05-1980


WIFE_NIK = "5108064703850002"  # woman born 07-03-1985 (day + 40)


def walk_in(desa, *, berkas=("sktm", "kk", "ktp"), token=None, **member_extra) -> dict:
    household = {
        "jenis": "MIG34",
        "no_kk": "5108060101200001",
        "alamat": "Jl. Mawar 5",
        "rt": "3",
        "rw": "1",
        "telepon": "081234567890",
        "noka_lama": "",
        "segmen_asal": "",
    }
    husband = {
        "nik": HUSBAND_NIK,
        "nama": "I Made Sukerta",
        "tempat_lahir": "Singaraja",
        "tanggal_lahir": "1980-05-12",
        "jenis_kelamin": "L",
        "shdk": "1",
        "status_kawin": "2",
        "kategori": "miskin",
        **member_extra,
    }
    wife = {
        "nik": WIFE_NIK,
        "nama": "Ni Luh Sari",
        "tempat_lahir": "Singaraja",
        "tanggal_lahir": "1985-03-07",
        "jenis_kelamin": "P",
        "shdk": "3",
        "status_kawin": "2",
        "kategori": "miskin",
    }
    # A third row left blank, as the counter form offers it.
    return form_post(
        household,
        [husband, wife, {}],
        desa=str(desa.pk),
        berkas=list(berkas),
        client_token=str(token or uuid.uuid4()),
    )
