"""Failed logins: a username is locked from one address after too many failures."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kis_portal.audit.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client, user, times, **extra):
    for _ in range(times):
        response = attempt(client, user.username, "salah-sandi", **extra)
    return response


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.mark.django_db
def test_fifth_failure_locks_with_an_indonesian_429_page_even_for_the_right_password(
    client, verifikator
):
    fourth = fail(client, verifikator, 4)
    assert fourth.status_code == 200
    assert "dan sandi yang benar" in fourth.content.decode()

    fifth = fail(client, verifikator, 1)
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "Terlalu banyak percobaan masuk" in page
    assert "coba lagi 15 menit lagi" in page
    assert "Traceback" not in page
    assert fifth["Retry-After"] == "900"

    right = attempt(client, verifikator.username, PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)


@pytest.mark.django_db
def test_the_lock_holds_one_username_from_one_address_only(verifikator, kadis):
    attacker = Client()
    fail(attacker, verifikator, 5, REMOTE_ADDR="198.51.100.7")
    assert (
        attempt(
            attacker, verifikator.username, PASSWORD, REMOTE_ADDR="198.51.100.7"
        ).status_code
        == 429
    )

    # The same user at the office, and another user from the attacker's address.
    office = Client()
    assert (
        attempt(
            office, verifikator.username, PASSWORD, REMOTE_ADDR="10.1.2.3"
        ).status_code
        == 302
    )
    assert logged_in(office)
    neighbour = Client()
    assert (
        attempt(
            neighbour, kadis.username, PASSWORD, REMOTE_ADDR="198.51.100.7"
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_saw_is_what_gets_locked(
    settings, verifikator
):
    settings.KIS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = "10.0.0.1"  # every request reaches Django from the proxy
    attacker = Client(REMOTE_ADDR=proxy)
    # The client may put anything in front; the proxy appends what it saw.
    fail(attacker, verifikator, 5, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    spoofed = attempt(
        attacker,
        verifikator.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.99, 203.0.113.5",
    )
    assert spoofed.status_code == 429

    colleague = Client(REMOTE_ADDR=proxy)
    ok = attempt(
        colleague, verifikator.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert ok.status_code == 302
    assert logged_in(colleague)


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, verifikator):
    fail(client, verifikator, 5)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC)
        - datetime.timedelta(minutes=16)
    )
    assert attempt(client, verifikator.username, PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_limit_and_cool_off_come_from_settings(settings, client, verifikator):
    settings.AXES_FAILURE_LIMIT = 2
    settings.KIS_LOGIN_JEDA_MENIT = 30
    assert fail(client, verifikator, 1).status_code == 200
    locked = fail(client, verifikator, 1)
    assert locked.status_code == 429
    assert "coba lagi 30 menit lagi" in locked.content.decode()


@pytest.mark.django_db
def test_a_successful_login_clears_earlier_failures(client, verifikator):
    fail(client, verifikator, 4)
    assert attempt(client, verifikator.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert fail(client, verifikator, 4).status_code == 200
    assert attempt(client, verifikator.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_admin_sees_the_lock_and_unlocks_it_from_the_user_page(
    client, login, admin_user, verifikator
):
    fail(client, verifikator, 5)
    admin = login(admin_user)
    edit = reverse("accounts:user_edit", args=[verifikator.pk])
    page = admin.get(edit).content.decode()
    assert "Terkunci" in page
    assert "Buka kunci masuk" in page

    response = admin.post(reverse("accounts:user_unlock", args=[verifikator.pk]))
    assert response.status_code == 302
    assert "Tidak ada percobaan masuk gagal" in admin.get(edit).content.decode()
    assert AuditEvent.objects.filter(
        action="config", object_id=str(verifikator.pk), reason="kunci masuk dibuka"
    ).exists()

    other = Client()
    assert attempt(other, verifikator.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_only_admin_may_unlock_and_only_by_post(verifikator, kadis, admin_user):
    url = reverse("accounts:user_unlock", args=[verifikator.pk])
    kadis_client, admin = Client(), Client()
    kadis_client.force_login(kadis)
    admin.force_login(admin_user)
    assert kadis_client.post(url).status_code == 403
    assert admin.get(url).status_code == 405


@pytest.mark.django_db
def test_unlock_from_the_command_line(client, verifikator):
    fail(client, verifikator, 5)
    call_command("axes_reset_username", verifikator.username, verbosity=0)
    assert attempt(client, verifikator.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_site_login_is_throttled_too(client, admin_user):
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": admin_user.username, "password": "salah"},
        )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_garbled_address_header_still_counts_failures_without_crashing(
    settings, verifikator
):
    settings.KIS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = Client(HTTP_X_REAL_IP="bukan-alamat")
    assert fail(client, verifikator, 4).status_code == 200
    assert AccessAttempt.objects.get().ip_address is None
    assert fail(client, verifikator, 1).status_code == 429
    assert attempt(Client(), verifikator.username, PASSWORD).status_code == 302
