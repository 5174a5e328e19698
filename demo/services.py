"""Demo data: the Buleleng region, the office profiles and one account per role.

Each stage's demo households and cases are a step of `seed_demo`, in pipeline order.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kis_portal.accounts.services import user_create
from kis_portal.offices.services import available_profiles, profile_load_named
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa
from kis_portal.wilayah.services import load_wilayah

from .darurat_demo import seed_darurat
from .distribusi_demo import seed_distribusi
from .pengaduan_demo import seed_pengaduan
from .reaktivasi_demo import seed_reaktivasi
from .rekap_demo import seed_rekap
from .usulan_demo import seed_usulan
from .verifikasi_demo import seed_verifikasi

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo password, DEBUG only
DEMO_KABUPATEN = "51.08"
DEMO_PROFILE = "buleleng"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    first_name: str
    last_name: str
    desa_kode: str = ""
    jabatan: str = ""
    kode_faskes: str = ""
    nama_faskes: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "Admin", "Portal", jabatan="Pengelola sistem"),
    DemoAccount(
        "kadis", Role.KADIS, "I Gede", "Sudarma", jabatan="Kepala Dinas Sosial"
    ),
    DemoAccount(
        "verifikator", Role.VERIFIKATOR, "Ni Luh", "Ariani", jabatan="Verifikator"
    ),
    DemoAccount("lapangan", Role.LAPANGAN, "Made", "Suarjana", jabatan="TKSK"),
    DemoAccount("rekap", Role.REKAP, "Komang", "Astawa", jabatan="Operator BPJS"),
    DemoAccount(
        "distribusi", Role.DISTRIBUSI, "Kadek", "Widiastuti", jabatan="Staf distribusi"
    ),
    DemoAccount("loket", Role.LOKET, "Putu", "Yuliani", jabatan="Petugas loket"),
    DemoAccount(
        "desa1",
        Role.OPERATOR_DESA,
        "Ketut",
        "Sutama",
        "51.08.06.2001",
        "Operator Desa Kalibukbuk",
    ),
    DemoAccount(
        "desa2",
        Role.OPERATOR_DESA,
        "Wayan",
        "Kariasa",
        "51.08.02.2001",
        "Operator Desa Unggahan",
    ),
    DemoAccount(
        "faskes",
        Role.FASKES,
        "Gusti Ayu",
        "Pratiwi",
        jabatan="Petugas admisi RSUD",
        kode_faskes="1708R001",
        nama_faskes="RSUD KABUPATEN BULELENG",
    ),
]


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    """Create or refresh the demo data; running it twice changes nothing."""
    load_wilayah(kode_kabupaten=DEMO_KABUPATEN)
    for name in available_profiles():
        if name != DEMO_PROFILE:
            profile_load_named(name=name, activate=False)
    profile_load_named(name=DEMO_PROFILE, activate=True)
    existing = set(
        get_user_model()
        .objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        .values_list("username", flat=True)
    )
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        user_create(
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            desa=Desa.objects.get(kode=account.desa_kode)
            if account.desa_kode
            else None,
            first_name=account.first_name,
            last_name=account.last_name,
            jabatan=account.jabatan,
            kode_faskes=account.kode_faskes,
            nama_faskes=account.nama_faskes,
        )

    seed_usulan()
    seed_verifikasi()
    seed_rekap()
    seed_reaktivasi()
    seed_distribusi()
    seed_pengaduan()
    seed_darurat()
    return DEMO_ACCOUNTS
