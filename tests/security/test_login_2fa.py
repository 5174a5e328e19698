"""Two-factor login (TOTP) for kepala dinas, verifikator, staf rekap and admin."""

from base64 import b32encode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kis_portal.audit.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/"
ENROL = "/accounts/2fa/daftar/"


@pytest.fixture
def two_factor(settings):
    settings.KIS_2FA = True
    return settings


def code(device, steps_ahead=0) -> str:
    """What the user's app shows now (or `steps_ahead` 30-second steps later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        device.step,
        device.t0,
        device.digits,
        device.drift + steps_ahead,
    )
    return f"{value:06d}"


def password_step(client, user, next_url=""):
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, name="Aplikasi autentikator", confirmed=True
    )


def verified_client(user) -> Client:
    client = Client()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or device_for(
        user
    )
    password_step(client, user)
    assert client.post(VERIFY, {"code": code(device)}).status_code == 302
    return client


@pytest.mark.django_db
def test_off_by_default_the_password_is_enough(client, verifikator, settings):
    assert settings.KIS_2FA is False
    password_step(client, verifikator)
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_first_login_enrols_an_app_with_a_qr_code_and_the_secret(
    two_factor, client, verifikator
):
    password_step(client, verifikator, next_url="/usulan/")
    landing = client.get("/usulan/")
    assert landing.status_code == 302
    assert landing["Location"] == f"{ENROL}?next=%2Fusulan%2F"

    page = client.get(landing["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=verifikator, confirmed=False)
    assert "Aktifkan verifikasi dua langkah" in html
    assert '<svg width="' in html and 'class="qr-otp"' in html
    secret = html.split('id="kunci-rahasia">')[1].split("<")[0]
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # Reloading keeps the same secret (the app may already hold it).
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=verifikator).count() == 1

    wrong = client.post(
        ENROL + "?next=/usulan/", {"code": "000000", "next": "/usulan/"}
    )
    assert wrong.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in wrong.content.decode()

    device.throttle_reset()
    done = client.post(ENROL, {"code": code(device), "next": "/usulan/"})
    assert done.status_code == 302
    assert done["Location"] == "/usulan/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/usulan/").status_code == 200
    assert AuditEvent.objects.filter(
        reason="verifikasi dua langkah diaktifkan", object_id=str(verifikator.pk)
    ).exists()


@pytest.mark.django_db
def test_until_the_code_is_given_every_page_leads_to_the_code_step_but_logout(
    two_factor, client, kadis
):
    device = device_for(kadis)
    password_step(client, kadis)
    for url in [
        "/",
        "/usulan/",
        "/verifikasi/persetujuan/",
        "/accounts/password/",
        "/tugas/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
    assert client.post("/laporan/unduh/bulanan/", {}).url == VERIFY
    # The enrolment page is not a way around an existing device.
    assert client.get(ENROL)["Location"] == VERIFY

    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").url.startswith(LOGIN)
    assert device.confirmed


@pytest.mark.django_db
def test_the_code_step_accepts_the_apps_code_and_rejects_others(
    two_factor, client, rekap
):
    device = device_for(rekap)
    password_step(client, rekap, next_url="/rekap/")
    key_before = client.session.session_key
    page = client.get(VERIFY + "?next=/rekap/")
    assert "Verifikasi dua langkah" in page.content.decode()

    wrong = client.post(VERIFY, {"code": "12345", "next": "/rekap/"})
    assert "Kode terdiri dari 6 angka" in wrong.content.decode()
    wrong = client.post(VERIFY, {"code": "000000", "next": "/rekap/"})
    assert "Kode salah atau sudah kedaluwarsa" in wrong.content.decode()
    # Straight after a wrong code the device makes the user wait.
    hurried = client.post(VERIFY, {"code": code(device), "next": "/rekap/"})
    assert "Terlalu banyak kode salah" in hurried.content.decode()
    assert client.get("/rekap/").status_code == 302

    device.throttle_reset()
    used = code(device)
    ok = client.post(VERIFY, {"code": used, "next": "/rekap/"})
    assert ok["Location"] == "/rekap/"
    assert client.get("/rekap/").status_code == 200
    assert client.session.session_key != key_before
    # A code is good once: replaying it in another session fails (the same code,
    # not the app's next one, which a new 30-second step would bring).
    other = Client()
    password_step(other, rekap)
    again = other.post(VERIFY, {"code": used})
    assert again.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in again.content.decode()


@pytest.mark.django_db
def test_the_code_step_only_sends_on_to_this_site(two_factor, client, admin_user):
    device = device_for(admin_user)
    password_step(client, admin_user)
    response = client.post(
        VERIFY, {"code": code(device), "next": "https://jahat.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["operator_a", "loket", "lapangan", "distribusi"])
def test_other_roles_need_no_code(two_factor, client, role_user, request):
    user = request.getfixturevalue(role_user)
    password_step(client, user)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["kadis", "verifikator", "rekap", "admin_user"])
def test_the_four_roles_need_a_code(two_factor, client, role_user, request):
    user = request.getfixturevalue(role_user)
    password_step(client, user)
    assert client.get("/").url.startswith(ENROL)


@pytest.mark.django_db
def test_admin_resets_a_lost_phone_and_the_user_enrols_again(
    two_factor, admin_user, verifikator
):
    user_client = verified_client(verifikator)
    assert user_client.get("/").status_code == 200
    admin = verified_client(admin_user)
    edit = reverse("accounts:user_edit", args=[verifikator.pk])
    assert "aplikasi autentikator terdaftar" in admin.get(edit).content.decode()

    response = admin.post(reverse("accounts:user_reset_2fa", args=[verifikator.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=verifikator).exists()
    assert "belum ada aplikasi autentikator" in admin.get(edit).content.decode()
    assert AuditEvent.objects.filter(
        reason="verifikasi dua langkah direset", actor=admin_user
    ).exists()
    # The user's session that was verified with the old phone must enrol again.
    assert user_client.get("/").url.startswith(ENROL)


@pytest.mark.django_db
def test_only_admin_resets_devices(two_factor, verifikator, operator_a):
    device_for(verifikator)
    operator = Client()
    operator.force_login(operator_a)
    response = operator.post(reverse("accounts:user_reset_2fa", args=[verifikator.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=verifikator).exists()


@pytest.mark.django_db
def test_reset_from_the_command_line(verifikator):
    device_for(verifikator)
    call_command("reset_2fa", verifikator.username, verbosity=0)
    assert not TOTPDevice.objects.filter(user=verifikator).exists()
