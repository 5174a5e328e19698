"""Sessions: a new key at login, expiry when idle and at midnight, logout on new password."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kis_portal.accounts.middleware import LAST_SEEN_KEY, LOGIN_DAY_KEY
from tests.accounts.factories import download_slips, last_job, slip_credentials
from tests.factories import PASSWORD
from tests.usulan.factories import make_usulan
from usulan.models import Usulan

LOGIN = "/accounts/login/"


def form_login(client, user, password=PASSWORD):
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def shift_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def minutes_ago(minutes: int) -> int:
    return int(timezone.now().timestamp()) - minutes * 60


@pytest.mark.django_db
def test_login_gives_a_new_session_key_and_drops_the_old_one(client, verifikator):
    anonymous = client.session
    anonymous["dilihat"] = "halaman masuk"
    anonymous.save()
    before = anonymous.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    form_login(client, verifikator)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()


@pytest.mark.django_db
def test_thirty_idle_minutes_end_the_session_with_a_message_on_the_login_page(
    client, verifikator
):
    form_login(client, verifikator)
    assert client.get("/").status_code == 200
    shift_session(client, **{LAST_SEEN_KEY: minutes_ago(31)})

    response = client.get("/usulan/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/usulan/%3Fpage%3D2"
    page = client.get(response["Location"]).content.decode()
    assert "tidak ada aktivitas selama 30 menit" in page
    assert client.get("/").status_code == 302  # logged out for good


@pytest.mark.django_db
def test_activity_within_the_window_keeps_the_session_and_moves_the_clock(
    client, verifikator
):
    form_login(client, verifikator)
    shift_session(client, **{LAST_SEEN_KEY: minutes_ago(29)})
    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN_KEY] >= minutes_ago(1)


@pytest.mark.django_db
def test_idle_limit_comes_from_settings(settings, client, verifikator):
    settings.KIS_SESI_DIAM_MENIT = 5
    form_login(client, verifikator)
    shift_session(client, **{LAST_SEEN_KEY: minutes_ago(6)})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_session_from_yesterday_ends_at_local_midnight(settings, client, verifikator):
    settings.KIS_SESI_TENGAH_MALAM = True  # the default; tests/conftest.py turns it off
    form_login(client, verifikator)
    assert client.session[LOGIN_DAY_KEY] == timezone.localdate().isoformat()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    shift_session(client, **{LOGIN_DAY_KEY: yesterday.isoformat()})

    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "sudah berganti hari" in response.content.decode()


@pytest.mark.django_db
def test_an_office_that_turns_the_midnight_rule_off_keeps_yesterdays_session(
    settings, client, verifikator
):
    settings.KIS_SESI_TENGAH_MALAM = False
    form_login(client, verifikator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    shift_session(client, **{LOGIN_DAY_KEY: yesterday.isoformat()})
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_post_after_expiry_is_not_carried_out(client, operator_a):
    usulan = make_usulan(operator_a)
    form_login(client, operator_a)
    shift_session(client, **{LAST_SEEN_KEY: minutes_ago(45)})
    response = client.post(reverse("usulan:delete", args=[usulan.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert Usulan.objects.filter(pk=usulan.pk).exists()


@pytest.mark.django_db
def test_changing_the_password_logs_the_other_sessions_out(verifikator):
    office, phone = Client(), Client()
    form_login(office, verifikator)
    form_login(phone, verifikator)
    assert phone.get("/").status_code == 200

    response = office.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "sandi-baru-yang-panjang-77",
            "new_password2": "sandi-baru-yang-panjang-77",
        },
    )
    assert response.status_code == 302
    assert office.get("/").status_code == 200  # this session carries on
    assert phone.get("/").status_code == 302  # the other one is out
    assert phone.get("/").url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_one_time_password_from_the_admin_logs_the_user_out_everywhere(
    login, admin_user, verifikator
):
    office, phone = Client(), Client()
    form_login(office, verifikator)
    form_login(phone, verifikator)
    admin = login(admin_user)
    response = admin.post(
        reverse("accounts:user_password_reset", args=[verifikator.pk])
    )
    assert response.status_code == 302
    assert office.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    password = slip_credentials(download_slips(admin, last_job(admin_user)))[
        verifikator.username
    ]
    fresh = form_login(Client(), verifikator, password)
    assert fresh.get("/").url == reverse("password_change")  # first, a new password


@pytest.mark.django_db
def test_a_password_set_in_the_django_admin_logs_the_user_out_too(
    login, admin_user, verifikator
):
    phone = form_login(Client(), verifikator)
    admin = login(admin_user)
    response = admin.post(
        f"/admin/auth/user/{verifikator.pk}/password/",
        {
            "password1": "sandi-dari-admin-99",
            "password2": "sandi-dari-admin-99",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert phone.get("/").status_code == 302
