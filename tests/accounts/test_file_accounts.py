"""Accounts from the office's own spreadsheet: read through kis_portal.incoming,
previewed row by row, created by a job with their slips (and SMS if asked)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kis_portal.jobs.models import Job
from kis_portal.roles import Role
from kis_portal.staging.models import StagedFile
from kis_portal.wilayah.models import Desa
from notifikasi.models import PesanKeluar
from tests.accounts.factories import (
    buleleng,
    download_slips,
    last_job,
    slip_credentials,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

KALIBUKBUK = "51.08.06.2001"
PEMUTERAN = "51.08.01.2004"


def xlsx(rows: list[list], *, header=("Nama Lengkap", "Kode Desa", "No HP", "Peran")):
    """A sheet as an office fills it: a title row, the header, then the people."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DAFTAR OPERATOR KIS 2027"])
    ws.append([*header, "Keterangan"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("operator.xlsx", out.getvalue())


@pytest.fixture
def region(db):
    buleleng()


def upload(client, rows):
    return client.post(reverse("accounts:bulk_upload"), {"berkas": xlsx(rows)})


def test_the_preview_shows_every_row_with_what_is_wrong(region, login, admin_user):
    make_user(
        Role.OPERATOR_DESA,
        username="putu.ada",
        desa=Desa.objects.get(kode=PEMUTERAN),
        first_name="Putu Ada",
    )
    rows = [
        ["Ni Made Sari", 5108062001, 81234567890, ""],  # numbers as Excel keeps them
        ["I Ketut Loket", None, "0812-1111-2222", "Petugas loket"],
        ["Salah Kode", "51.08.99.2999", None, "operator"],
        ["Admin Baru", None, None, "admin"],
        ["Nomor Salah", "51.08.01.2001", "12345", None],
        ["ni made  sari", KALIBUKBUK, None, "Operator desa/kelurahan"],
        ["Putu Ada", PEMUTERAN, None, None],
        ["Kadek Kedua", PEMUTERAN, None, None],
        ["Verif Berdesa", KALIBUKBUK, None, "verifikator"],
        ["Peran Aneh", KALIBUKBUK, None, "bendahara"],
        ["Admisi Rsud", None, None, "Petugas faskes"],
    ]
    response = upload(login(admin_user), rows)

    assert response.status_code == 200
    page = response.content.decode()
    assert "3 akun siap dibuat" in page
    assert "7 baris salah" in page and "1 sudah punya akun" in page
    assert "Akun petugas faskes tidak dibuat dari berkas" in page
    assert "KODE DESA 51.08.99.2999 tidak ada di daftar wilayah portal" in page
    assert "Akun admin tidak dibuat dari berkas" in page
    assert "TELEPON: Nomor HP tidak valid" in page
    assert "Orang yang sama sudah ada di baris 3" in page
    assert "sudah punya akun putu.ada" in page
    assert "sudah punya operator aktif (putu.ada)" in page  # Kadek: a second one
    assert "Hanya operator desa yang terikat pada desa" in page
    assert "PERAN &#x27;bendahara&#x27; tidak dikenal" in page
    assert "Kolom yang tidak dikenal dan diabaikan: Keterangan" in page
    assert "081234567890" in page  # the leading zero Excel dropped
    assert "desa.kalibukbuk" in page and "ketut.loket" in page
    assert StagedFile.objects.filter(purpose="akun_berkas").count() == 1
    assert get_user_model().objects.count() == 2  # nothing made yet


def test_confirming_creates_the_accounts_with_slips_and_messages(
    region, login, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    page = upload(
        client,
        [
            ["Ni Made Sari", KALIBUKBUK, "081234567890", ""],
            ["I Ketut Loket", None, None, "loket"],
            ["Salah Kode", "51.08.99.2999", None, None],
        ],
    ).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:bulk_confirm"), {"token": token, "kirim": "on"}
        )

    job = last_job(admin_user)
    assert response.url == reverse("accounts:slip", args=[job.pk])
    assert job.kind == "akun_berkas" and job.status == Job.Status.SUCCEEDED
    assert job.message.startswith("2 akun dibuat. 1 baris dilewati")
    assert "1 kata sandi dikirim lewat SMS/WhatsApp." in job.message
    sari = get_user_model().objects.get(username="desa.kalibukbuk")
    assert sari.get_full_name() == "Ni Made Sari"
    assert (
        sari.profile.desa.kode == KALIBUKBUK and sari.profile.telepon == "081234567890"
    )
    loket = get_user_model().objects.get(username="ketut.loket")
    assert list(loket.groups.values_list("name", flat=True)) == [Role.LOKET]
    assert loket.profile.desa is None

    credentials = slip_credentials(download_slips(client, job))
    assert set(credentials) == {"desa.kalibukbuk", "ketut.loket"}
    assert sari.check_password(credentials["desa.kalibukbuk"])
    sent = PesanKeluar.objects.get()
    assert sent.tujuan == "6281234567890" and sent.status == "terkirim"
    assert credentials["desa.kalibukbuk"] not in sent.isi  # blanked once sent
    # The upload went with its job; a second confirmation finds nothing.
    assert not StagedFile.objects.exists()
    again = client.post(reverse("accounts:bulk_confirm"), {"token": token})
    assert again.url == reverse("accounts:bulk")
    assert Job.objects.count() == 1


def test_uploading_the_same_file_again_creates_nobody(region, login, admin_user):
    client = login(admin_user)
    rows = [["Ni Made Sari", KALIBUKBUK, None, None]]
    page = upload(client, rows).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(reverse("accounts:bulk_confirm"), {"token": token})

    page = upload(client, rows).content.decode()
    assert "0 akun siap dibuat" in page and "sudah punya akun desa.kalibukbuk" in page
    assert 'name="token"' not in page


def test_a_file_that_cannot_be_read_is_refused_with_its_reason(
    region, login, admin_user
):
    client = login(admin_user)
    response = client.post(
        reverse("accounts:bulk_upload"),
        {"berkas": SimpleUploadedFile("akun.xlsx", b"PK\x03\x04 bukan zip")},
    )
    assert response.status_code == 200
    assert "alert" in response.content.decode() or "invalid-feedback" in (
        response.content.decode()
    )
    response = client.post(
        reverse("accounts:bulk_upload"),
        {"berkas": xlsx([["Nama saja"]], header=("Siapa", "Di mana"))},
    )
    assert "Baris judul kolom tidak ditemukan" in response.content.decode()
    assert not StagedFile.objects.exists()


def test_the_template_lists_the_columns_and_every_desa_code(region, login, admin_user):
    response = login(admin_user).get(reverse("accounts:bulk_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == ["Akun", "Petunjuk", "Kode desa"]
    header = next(wb["Akun"].iter_rows(values_only=True))
    assert header == ("NAMA", "KODE DESA", "TELEPON", "PERAN")
    codes = list(wb["Kode desa"].iter_rows(values_only=True))[1:]
    assert len(codes) == 148 and codes[0] == (
        "51.08.01.2001",
        "Desa Sumberklampok",
        "Gerokgak",
    )


def test_only_the_admin_uploads_accounts(region, login, verifikator):
    client = login(verifikator)
    assert client.post(reverse("accounts:bulk_upload"), {}).status_code == 403
    assert client.post(reverse("accounts:bulk_confirm"), {}).status_code == 403
    assert client.get(reverse("accounts:bulk_template")).status_code == 403
    assert client.get(reverse("accounts:bulk_upload")).status_code == 405
