"""One-time passwords: made by the portal, replaced at first login, expiring unused."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kis_portal.accounts.models import UserProfile
from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.models import Job
from kis_portal.roles import Role
from kis_portal.staging.models import StagedFile
from notifikasi.models import PesanKeluar
from tests.accounts.factories import download_slips, last_job, slip_credentials
from tests.clock import frozen, wita
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Sekdes-Kalibukbuk-2027!"  # noqa: S105


def create_operator(client, desa, **extra) -> dict:
    """The admin's 'Pengguna baru' form for an operator; returns its slip's login."""
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "ketut.kalibukbuk",
            "first_name": "Ketut",
            "last_name": "Sutama",
            "role": Role.OPERATOR_DESA,
            "desa": desa.pk,
            "is_active": "on",
            **extra,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.latest("pk")
    assert response.url == reverse("accounts:slip", args=[job.pk])
    password = slip_credentials(download_slips(client, job))["ketut.kalibukbuk"]
    return {"username": "ketut.kalibukbuk", "password": password}


def test_the_admin_never_chooses_the_password(login, admin_user, desa_a):
    client = login(admin_user)
    form = client.get(reverse("accounts:user_create")).content.decode()
    assert 'type="password"' not in form
    credentials = create_operator(client, desa_a, password="Pilihan-Admin-123")
    user = get_user_model().objects.get(username="ketut.kalibukbuk")
    assert not user.check_password("Pilihan-Admin-123")
    assert user.check_password(credentials["password"])
    assert user.profile.password_temporary
    edit = client.get(reverse("accounts:user_edit", args=[user.pk])).content.decode()
    assert 'type="password"' not in edit and "Buat kata sandi sementara" in edit


def test_first_login_is_forced_through_the_change_then_lands_on_the_desa_home(
    login, admin_user, desa_a
):
    credentials = create_operator(login(admin_user), desa_a)
    operator = Client()
    response = operator.post(LOGIN, credentials)
    assert response.status_code == 302

    # Every page leads to the change first.
    for path in ("/", "/usulan/", reverse("wilayah:my_desa")):
        response = operator.get(path)
        assert response.status_code == 302 and response.url == reverse(
            "password_change"
        )
    page = operator.get(reverse("password_change")).content.decode()
    assert "kata sandi sementara dari slip" in page

    # The one-time password cannot be kept.
    response = operator.post(
        reverse("password_change"),
        {
            "old_password": credentials["password"],
            "new_password1": credentials["password"],
            "new_password2": credentials["password"],
        },
    )
    assert "harus berbeda" in response.content.decode()

    response = operator.post(
        reverse("password_change"),
        {
            "old_password": credentials["password"],
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert "Selamat datang, Ketut Sutama" in page and desa_a.nama in page
    user = get_user_model().objects.get(username="ketut.kalibukbuk")
    assert not user.profile.password_temporary
    assert user.profile.password_expires_at is None
    assert operator.get("/usulan/").status_code == 200

    # The slip's password is spent; the user's own works.
    assert not Client().login(**credentials)
    assert Client().login(username="ketut.kalibukbuk", password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        actor=user, reason="kata sandi diganti oleh pengguna"
    ).exists()


def test_the_lasting_password_is_nowhere_but_its_hash(
    login, admin_user, desa_a, caplog
):
    credentials = create_operator(login(admin_user), desa_a, kirim="on", telepon="")
    operator = Client()
    operator.post(LOGIN, credentials)
    operator.post(
        reverse("password_change"),
        {
            "old_password": credentials["password"],
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    user = get_user_model().objects.get(username="ketut.kalibukbuk")
    assert user.check_password(NEW_PASSWORD)
    stored = [
        *(f"{e.reason} {e.data}" for e in AuditEvent.objects.all()),
        *(f"{j.params} {j.message}" for j in Job.objects.all()),
        *PesanKeluar.objects.values_list("isi", flat=True),
        str(list(UserProfile.objects.values())),
    ]
    for text in stored:
        assert NEW_PASSWORD not in text
        assert credentials["password"] not in text
    assert NEW_PASSWORD not in caplog.text
    assert credentials["password"] not in caplog.text
    assert not StagedFile.objects.exists()  # the slip went with its download


def test_an_expired_one_time_password_is_refused(login, admin_user, desa_a, settings):
    settings.KIS_SANDI_SEMENTARA_HARI = 7
    with frozen(wita(2027, 1, 4, 9)):
        credentials = create_operator(login(admin_user), desa_a)
    user = get_user_model().objects.get(username="ketut.kalibukbuk")
    assert user.profile.password_expires_at == wita(2027, 1, 11, 9)

    with frozen(wita(2027, 1, 11, 8, 59)):
        assert Client().login(**credentials)  # still within its seven days

    with frozen(wita(2027, 1, 11, 9)):
        assert not Client().login(**credentials)
        response = Client().post(LOGIN, credentials)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kata sandi sementara ini sudah kedaluwarsa (berlaku 7 hari)" in page
    assert AuditEvent.objects.filter(
        action="login_failed", reason="kata sandi sementara kedaluwarsa"
    ).exists()
    # A wrong password is still just wrong.
    response = Client().post(LOGIN, {**credentials, "password": "salah-sekali-1"})
    assert "kedaluwarsa" not in response.content.decode()

    # The admin's reset gives a fresh one, forced through the change again.
    with frozen(wita(2027, 1, 12, 9)):
        admin = login(admin_user)
        admin.post(reverse("accounts:user_password_reset", args=[user.pk]))
        fresh = slip_credentials(download_slips(admin, last_job(admin_user)))
        client = Client()
        assert client.login(username=user.username, password=fresh[user.username])
        assert client.get("/").url == reverse("password_change")


def test_a_reset_by_the_admin_forces_the_change_again(login, admin_user, operator_a):
    operator = Client()
    assert operator.login(username=operator_a.username, password=PASSWORD)
    assert operator.get("/").status_code == 200
    admin = login(admin_user)

    response = admin.post(reverse("accounts:user_password_reset", args=[operator_a.pk]))

    job = last_job(admin_user)
    assert response.url == reverse("accounts:slip", args=[job.pk])
    assert operator.get("/").status_code == 302  # its session ended
    assert not Client().login(username=operator_a.username, password=PASSWORD)
    password = slip_credentials(download_slips(admin, job))[operator_a.username]
    again = Client()
    assert again.login(username=operator_a.username, password=password)
    assert again.get("/").url == reverse("password_change")
    assert (
        AuditEvent.objects.filter(
            object_id=str(operator_a.pk),
            reason__startswith="kata sandi sementara dibuat",
        )
        .get()
        .actor
        == admin_user
    )


def test_a_password_typed_in_the_django_admin_is_a_one_time_one_too(
    login, admin_user, verifikator
):
    admin = login(admin_user)
    response = admin.post(
        f"/admin/auth/user/{verifikator.pk}/password/",
        {
            "password1": "sandi-dari-admin-99",
            "password2": "sandi-dari-admin-99",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    verifikator.refresh_from_db()
    assert verifikator.profile.password_temporary
    client = Client()
    assert client.login(username=verifikator.username, password="sandi-dari-admin-99")
    assert client.get("/").url == reverse("password_change")


def test_reset_and_create_pages_refuse_others(login, verifikator, operator_a, desa_b):
    url = reverse("accounts:user_password_reset", args=[operator_a.pk])
    assert login(verifikator).post(url).status_code == 403
    assert login(operator_a).post(url).status_code == 403
    assert login(verifikator).get(url).status_code == 405
    assert not Job.objects.exists()


def test_expiry_counts_in_days_from_the_setting(
    settings, login, admin_user, operator_a
):
    settings.KIS_SANDI_SEMENTARA_HARI = 3
    with frozen(wita(2027, 3, 1, 23, 30)):
        login(admin_user).post(
            reverse("accounts:user_password_reset", args=[operator_a.pk])
        )
    profile = UserProfile.objects.get(user=operator_a)
    assert profile.password_expires_at - wita(2027, 3, 1, 23, 30) == datetime.timedelta(
        days=3
    )
