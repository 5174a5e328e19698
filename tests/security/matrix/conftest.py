"""The demo data, seeded once per module, and one logged-in client per role.

`seed_demo` leaves objects in almost every state. A few objects it does not make
are added here through the apps' own services, so every URL that takes an object
has one to point at: a walk-in (loket) usulan, an SK penetapan, the BPJS files of
the demo batch, a complaint attachment, a card photo, a signed receipt scan and an
export job of desa1, an admin's slip job.

The package seeds once inside an outer transaction that is rolled back when its
last test is done; each test runs in a savepoint inside it (pytest-django's `db`).
"""

import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from demo.services import seed_demo
from demo.usulan_demo import demo_pdf
from distribusi.models import Kanal, Kartu, SerahTerima
from distribusi.services import kartu_confirm_received, serah_terima_attach_scan
from kis_portal.accounts.services import user_create
from kis_portal.jobs.models import Job
from kis_portal.jobs.services import job_start
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role
from kis_portal.uploads import check_upload
from notifikasi.models import Pesan, PesanKeluar
from pengaduan.models import Pengaduan
from pengaduan.services import lampiran_add
from rekap_bpjs.models import Batch
from tests.usulan.factories import household, member
from usulan.models import Usulan
from usulan.services import loket_register
from verifikasi.approval import sk_issue

# Who is asked, in the order of the expectation table's columns.
SUBJECTS = (
    "anon",
    Role.OPERATOR_DESA,
    Role.LOKET,
    Role.VERIFIKATOR,
    Role.LAPANGAN,
    Role.KADIS,
    Role.REKAP,
    Role.DISTRIBUSI,
    Role.ADMIN,
    Role.FASKES,
)
# The demo account of each role (README, "Akun demo").
DEMO_USERNAMES = {
    Role.OPERATOR_DESA: "desa1",
    Role.LOKET: "loket",
    Role.VERIFIKATOR: "verifikator",
    Role.LAPANGAN: "lapangan",
    Role.KADIS: "kadis",
    Role.REKAP: "rekap",
    Role.DISTRIBUSI: "distribusi",
    Role.ADMIN: "admin",
    Role.FASKES: "faskes",
}
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# What the tests checked, printed at the end of the run ("URLs x roles checked").
FIGURES: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter):
    for name, line in FIGURES.items():
        terminalreporter.write_line(f"{name}: {line}")


@dataclass
class Demo:
    media: Path
    users: dict[str, object]  # by username
    objects: dict[str, object] = field(default_factory=dict)

    def user(self, subject: str):
        return self.users[DEMO_USERNAMES[subject]] if subject != "anon" else None


def jpeg_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, format="JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("scan"), content_type="application/pdf")


def _result_file(batch) -> bytes:
    """A BPJS result for the demo batch (every member enrolled), not applied yet."""

    wb = Workbook()
    ws = wb.active
    ws.append(["DATA UMPAN BALIK PENDAFTARAN PESERTA PBPU PEMDA (ULANG)"])
    ws.append(["NO", "NIK", "NAMA", "NO KARTU", "STATUS", "KETERANGAN", "TMT"])
    items = batch.items.filter(diambil=True).select_related("anggota")
    tmt = timezone.localdate().replace(day=1).strftime("%d-%m-%Y")
    for number, item in enumerate(items.order_by("urutan"), start=1):
        noka = f"0002{item.nik[-9:]}"
        ws.append([number, item.nik, item.anggota.nama, noka, "BERHASIL", "", tmt])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _extras(users: dict) -> dict:
    """The objects seed_demo does not make, through the apps' services."""

    desa1, loket = users["desa1"], users["loket"]
    desa = desa1.profile.desa
    walk_in = loket_register(
        household=household(desa),
        members=[member(desa)],
        berkas=["kk"],
        desa=desa,
        by=loket,
        client_token=uuid.uuid4(),
    )
    assert walk_in.sumber == Usulan.Sumber.LOKET and walk_in.status == "draft"

    profile = get_active_profile()
    profile.sk_penetapan = True
    profile.save(update_fields=["sk_penetapan"])
    today = timezone.localdate()
    sk = sk_issue(periode=f"{today:%Y-%m}", by=users["kadis"])
    profile.sk_penetapan = False
    profile.save(update_fields=["sk_penetapan"])

    batch = Batch.objects.get(status=Batch.Status.HASIL)
    job_start(kind="batch_export", by=users["rekap"], params={"periode": batch.periode})
    assert batch.files.filter(kind="ekspor").exists()

    complaint = Pengaduan.objects.filter(desa=desa, created_by=desa1).first()
    lampiran_add(
        pengaduan_id=complaint.pk, checked=check_upload(pdf_upload()), by=desa1
    )

    handed = list(
        Kartu.objects.filter(
            desa=desa,
            status=Kartu.Status.DISERAHKAN,
            serah_terima__kanal=Kanal.DESA,
        ).order_by("pk")
    )
    assert len(handed) >= 2
    kartu_confirm_received(
        kartu_id=handed[-1].pk,
        tanggal=timezone.localdate(),
        foto=check_upload(jpeg_upload(), allowed={"image/jpeg", "image/png"}),
        by=desa1,
    )
    receipt = SerahTerima.objects.filter(desa=desa, kanal=Kanal.DESA).first()
    serah_terima_attach_scan(
        serah_terima_id=receipt.pk,
        checked=check_upload(pdf_upload()),
        by=users["distribusi"],
    )
    pesan = Pesan.objects.filter(desa=desa).order_by("pk").first()
    keluar = PesanKeluar.objects.create(
        pesan=pesan,
        jenis=pesan.jenis,
        kanal=PesanKeluar.Kanal.WHATSAPP,
        tujuan="6281234567890",
        isi="Pesan uji",
        status=PesanKeluar.Status.GAGAL,
        percobaan=5,
    )
    job_start(kind="kartu_export", by=desa1, params={"filters": {}})
    export = Job.objects.filter(created_by=desa1).latest("pk")
    assert export.result_file, export.message
    # The admin's slip job: a new field officer's one-time password, not downloaded.
    newcomer = user_create(username="lapangan.baru", role=Role.LAPANGAN)
    slip = job_start(
        kind="akun_sandi",
        by=users["admin"],
        params={"user_ids": [newcomer.pk], "alasan": "akun baru"},
    )
    slip.refresh_from_db()
    assert slip.params.get("slip"), slip.message
    return {
        "walk_in": walk_in,
        "sk": sk,
        "batch": batch,
        "complaint": complaint,
        "kartu": handed[0],
        "kartu_foto": handed[-1],
        "serah_terima": receipt,
        "job": export,
        "slip_job": slip,
        "keluar": keluar,
        "result_file": _result_file(batch),
    }


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data with its extras, rolled back when the package is done."""

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        seed_demo()
        users = {u.username: u for u in get_user_model().objects.all()}
        data = Demo(media=media, users=users)
        data.objects = _extras(users)
        yield data
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_media(_test_settings, settings, request):
    """Tests of these modules read the demo's files: point MEDIA_ROOT at them."""
    if "demo" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo").media


@pytest.fixture
def session_keys(demo, db) -> dict[str, str]:
    """A session per role (in this test's savepoint), to build clients from."""
    keys = {}
    for subject in SUBJECTS[1:]:
        client = Client()
        client.force_login(demo.user(subject))
        keys[subject] = client.session.session_key
    return keys


def client_for(session_key: str | None) -> Client:
    """A fresh client carrying a session cookie (or none): nothing else carries over."""

    client = Client(raise_request_exception=False)
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client
