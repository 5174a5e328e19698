"""A desa's new secretary: one step deactivates the old account and issues a slip
for the new one, and the desa's usulan stay with the desa."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kis_portal.accounts.models import UserProfile
from kis_portal.audit.models import AuditEvent
from kis_portal.roles import Role
from notifikasi.models import PesanKeluar
from tests.accounts.factories import download_slips, last_job, slip_credentials
from tests.factories import PASSWORD
from tests.usulan.factories import make_usulan

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kopi-Pagi-Singaraja-27"  # noqa: S105


@pytest.fixture(autouse=True)
def office_profile(db):
    call_command("load_profile", "buleleng", verbosity=0)


def test_replacing_the_operator_keeps_the_desas_usulan_with_the_desa(
    login, admin_user, operator_a, desa_a
):
    usulan = make_usulan(operator_a)
    admin = login(admin_user)
    form = admin.get(reverse("accounts:user_edit", args=[operator_a.pk])).content
    assert "Ganti operator" in form.decode()

    response = admin.post(
        reverse("accounts:operator_replace", args=[operator_a.pk]),
        {"first_name": "Made", "last_name": "Sekdes Baru", "telepon": "0812 3456 7890"},
    )

    job = last_job(admin_user)
    assert response.url == reverse("accounts:slip", args=[job.pk])
    operator_a.refresh_from_db()
    assert not operator_a.is_active
    old_profile = UserProfile.objects.get(user=operator_a)
    assert old_profile.deactivation_reason == UserProfile.Deactivation.REPLACED
    new = get_user_model().objects.get(first_name="Made")
    assert new.username == "desa.kalibukbuk"
    assert new.profile.desa == desa_a and new.profile.telepon == "081234567890"
    assert list(new.groups.values_list("name", flat=True)) == [Role.OPERATOR_DESA]
    assert AuditEvent.objects.filter(
        object_id=str(operator_a.pk), reason="operator diganti oleh desa.kalibukbuk"
    ).exists()
    assert not PesanKeluar.objects.exists()  # no message unless asked for

    password = slip_credentials(download_slips(admin, job))["desa.kalibukbuk"]
    assert not Client().login(username=operator_a.username, password=PASSWORD)
    client = Client()
    assert client.login(username="desa.kalibukbuk", password=password)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.url == "/"
    # The desa's usulan, made by the old operator, are the new operator's work now.
    assert usulan.nomor in client.get(reverse("usulan:list")).content.decode()
    assert client.get(reverse("usulan:detail", args=[usulan.pk])).status_code == 200
    usulan.refresh_from_db()
    assert usulan.desa == desa_a


def test_the_new_operators_password_can_go_by_sms(
    login, admin_user, operator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).post(
            reverse("accounts:operator_replace", args=[operator_a.pk]),
            {"first_name": "Made", "telepon": "081234567890", "kirim": "on"},
        )
    sent = PesanKeluar.objects.get()
    assert sent.jenis == "akun" and sent.tujuan == "6281234567890"
    assert sent.status == PesanKeluar.Status.TERKIRIM  # the test backend logs it
    assert "Nama pengguna: desa.kalibukbuk" in sent.isi
    assert "Kata sandi sekali pakai: ******" in sent.isi  # blanked once sent
    assert "Ganti kata sandi saat pertama masuk" in sent.isi and "gratis" in sent.isi


def test_only_an_active_operator_can_be_replaced(
    login, admin_user, operator_a, verifikator
):
    admin = login(admin_user)
    url = reverse("accounts:operator_replace", args=[verifikator.pk])
    assert admin.get(url).status_code == 404
    get_user_model().objects.filter(pk=operator_a.pk).update(is_active=False)
    response = admin.post(
        reverse("accounts:operator_replace", args=[operator_a.pk]),
        {"first_name": "Made"},
    )
    assert "sudah nonaktif" in response.content.decode()
    assert not get_user_model().objects.filter(first_name="Made").exists()


def test_others_cannot_replace_an_operator(login, operator_a, operator_b, verifikator):
    url = reverse("accounts:operator_replace", args=[operator_a.pk])
    for user in (operator_b, verifikator):
        assert login(user).post(url, {"first_name": "Made"}).status_code == 403
    operator_a.refresh_from_db()
    assert operator_a.is_active


def test_the_outbox_never_shows_a_waiting_password(
    login, admin_user, operator_a, settings
):
    # Short enough that the list's 120 characters reach the password.
    settings.KIS_OFFICE_NAME, settings.KIS_ALAMAT_PORTAL = "D", "https://k.id"
    login(admin_user).post(
        reverse("accounts:operator_replace", args=[operator_a.pk]),
        {"first_name": "Made", "telepon": "081234567890", "kirim": "on"},
    )
    waiting = PesanKeluar.objects.get()  # not sent: the transaction never commits
    assert waiting.status == PesanKeluar.Status.MENUNGGU
    password = waiting.isi.split("Kata sandi sekali pakai: ")[1].split()[0]
    page = login(admin_user).get(reverse("notifikasi:keluar")).content.decode()
    assert "Kata sandi akun portal" in page
    assert "Kata sandi sekali pakai: ******" in page
    assert password not in page
