"""Bulk operator accounts from the region list, and the slips PDF they print."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kis_portal.accounts.models import UserProfile
from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.models import Job
from kis_portal.roles import Role
from kis_portal.staging.models import StagedFile
from kis_portal.wilayah.models import Desa, Kecamatan
from tests.accounts.factories import (
    buleleng,
    download_slips,
    last_job,
    pdf_text,
    slip_credentials,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PORTAL = "https://kis.bulelengkab.example"


@pytest.fixture(autouse=True)
def _portal_address(settings):
    settings.KIS_ALAMAT_PORTAL = PORTAL


def operators():
    return get_user_model().objects.filter(groups__name=Role.OPERATOR_DESA)


def test_148_operator_accounts_for_buleleng_in_one_action_then_none(login, admin_user):
    buleleng()
    assert Desa.objects.count() == 148
    client = login(admin_user)

    response = client.post(reverse("accounts:bulk_region"), {"wilayah": "semua"})

    job = last_job(admin_user)
    assert response.url == reverse("accounts:slip", args=[job.pk])
    assert job.kind == "akun_wilayah" and job.status == Job.Status.SUCCEEDED
    assert job.message.startswith("148 akun operator dibuat.")
    assert operators().count() == 148
    # One active operator per desa/kelurahan, each waiting to change its password.
    profiles = UserProfile.objects.filter(user__in=operators())
    assert sorted(profiles.values_list("desa_id", flat=True)) == sorted(
        Desa.objects.values_list("pk", flat=True)
    )
    assert all(p.password_temporary and p.password_expires_at for p in profiles)
    usernames = set(operators().values_list("username", flat=True))
    assert {"desa.sumberklampok", "desa.tingatinga", "kel.banyuasri"} <= usernames
    assert not any(name[-16:].isdigit() for name in usernames)  # never a NIK
    assert AuditEvent.objects.filter(action="create", actor=admin_user).count() == 148

    page = client.get(response.url).content.decode()
    assert "Unduh slip (PDF)" in page and "desa.sumberklampok" in page

    again = client.post(reverse("accounts:bulk_region"), {"wilayah": "semua"})
    second = last_job(admin_user)
    assert second.pk != job.pk and operators().count() == 148
    assert second.message.startswith("Tidak ada akun yang dibuat")
    assert "slip" not in second.params
    assert "Unduh slip (PDF)" not in client.get(again.url).content.decode()


def test_the_slips_pdf_has_one_slip_per_account_and_no_lasting_password(
    login, admin_user
):
    buleleng()
    client = login(admin_user)
    client.post(reverse("accounts:bulk_region"), {"wilayah": "semua"})
    job = last_job(admin_user)

    pdf = download_slips(client, job)

    text = pdf_text(pdf)
    credentials = slip_credentials(pdf)
    assert set(credentials) == set(operators().values_list("username", flat=True))
    assert text.count("Nama pengguna:") == 148
    assert text.count("Ganti kata sandi saat pertama masuk.") == 148
    assert text.count("Layanan gratis") == 148
    assert text.count(PORTAL) == 148
    for kecamatan in Kecamatan.objects.all():
        assert f"Kecamatan {kecamatan.nama} · {kecamatan.desa_set.count()} akun" in text
    # Each printed password is the account's one-time password, and nothing else is.
    for username, password in list(credentials.items())[:5]:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password)
    assert "pbkdf2" not in text and "md5$" not in text
    assert len(set(credentials.values())) == 148

    # Shown once: the file is gone after the download, and said so.
    assert not StagedFile.objects.exists()
    response = client.post(reverse("accounts:slip_download", args=[job.pk]))
    assert response.status_code == 302
    assert "sudah diunduh" in client.get(response.url).content.decode()
    event = AuditEvent.objects.get(action="export", object_id=str(job.pk))
    assert event.actor == admin_user and event.data == {"akun": 148}


def test_one_kecamatan_skips_desa_that_have_an_operator(login, admin_user):
    buleleng()
    gerokgak = Kecamatan.objects.get(kode="51.08.01")
    existing = make_user(
        Role.OPERATOR_DESA,
        username="sekdes_pejarakan",
        desa=Desa.objects.get(kode="51.08.01.2002"),
    )
    client = login(admin_user)

    client.post(reverse("accounts:bulk_region"), {"wilayah": gerokgak.pk})

    job = last_job(admin_user)
    assert job.message.startswith("13 akun operator dibuat.")
    created = operators().exclude(pk=existing.pk)
    assert created.count() == 13
    assert set(created.values_list("profile__desa__kecamatan", flat=True)) == {
        gerokgak.pk
    }
    assert "desa.pejarakan" not in set(created.values_list("username", flat=True))


def test_lost_slips_are_made_again_for_operators_who_never_logged_in(login, admin_user):
    buleleng()
    gerokgak = Kecamatan.objects.get(kode="51.08.01")
    client = login(admin_user)
    client.post(reverse("accounts:bulk_region"), {"wilayah": gerokgak.pk})
    first = slip_credentials(download_slips(client, last_job(admin_user)))
    started = Client()
    assert started.login(username="desa.patas", password=first["desa.patas"])

    client.post(
        reverse("accounts:bulk_region"), {"wilayah": gerokgak.pk, "ulang": "on"}
    )

    job = last_job(admin_user)
    assert job.message.startswith("0 akun operator dibuat. 13 kata sandi sementara")
    second = slip_credentials(download_slips(client, job))
    assert set(second) == set(first) - {"desa.patas"}  # it has logged in
    assert all(second[name] != first[name] for name in second)
    user = get_user_model().objects.get(username="desa.sumberklampok")
    assert not user.check_password(first["desa.sumberklampok"])
    assert user.check_password(second["desa.sumberklampok"])


def test_the_region_page_counts_what_each_kecamatan_still_needs(
    login, admin_user, operator_a
):
    buleleng()
    page = login(admin_user).get(reverse("accounts:bulk")).content.decode()
    assert "148 desa/kelurahan belum punya operator aktif." in page
    assert "Gerokgak" in page and "Seluruh kabupaten" in page


def test_only_the_admin_makes_accounts_in_bulk(login, verifikator, operator_a):
    buleleng()
    for user in (verifikator, operator_a):
        client = login(user)
        assert client.get(reverse("accounts:bulk")).status_code == 403
        response = client.post(reverse("accounts:bulk_region"), {"wilayah": "semua"})
        assert response.status_code == 403
    assert operators().count() == 1
    assert login(verifikator).get(reverse("accounts:bulk_region")).status_code == 405


def test_another_admins_slips_are_not_found(login, admin_user):
    buleleng()
    login(admin_user).post(reverse("accounts:bulk_region"), {"wilayah": "semua"})
    job = last_job(admin_user)
    other = make_user(Role.ADMIN, username="admin_lain")
    client = login(other)
    assert client.get(reverse("accounts:slip", args=[job.pk])).status_code == 404
    response = client.post(reverse("accounts:slip_download", args=[job.pk]))
    assert response.status_code == 404
    assert StagedFile.objects.count() == 1  # still there for its own admin


def test_the_region_must_be_chosen_explicitly(login, admin_user):
    buleleng()
    response = login(admin_user).post(reverse("accounts:bulk_region"), {})
    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong" in response.content.decode()
    assert not Job.objects.exists() and operators().count() == 0
