"""Audit finding 6 (issue 21): a stranger cannot lock a citizen out of the public
status check by trying wrong birth dates for the citizen's registration number."""

import datetime

import pytest

from tests.notifikasi.conftest import submitted

pytestmark = pytest.mark.django_db

URL = "/cek-status/"
BORN = datetime.date(1980, 5, 12)  # the first member's birth date in the builders


def check(client, nomor, born, ip):
    return client.post(
        URL, {"nomor": nomor, "tanggal_lahir": born.isoformat()}, REMOTE_ADDR=ip
    )


def test_wrong_dates_from_anywhere_do_not_lock_out_the_citizen(
    client, operator_a, settings
):
    settings.KIS_CEK_STATUS_MAKS_NOMOR = 5
    usulan = submitted(operator_a)
    for day in range(1, 8):  # more wrong dates than the limit, several addresses
        wrong = BORN + datetime.timedelta(days=day)
        check(client, usulan.nomor, wrong, ip=f"10.6.6.{day % 3}")

    citizen = check(client, usulan.nomor, BORN, ip="10.1.2.3")

    assert citizen.status_code == 200
    assert "Sedang diperiksa" in citizen.content.decode()


def test_one_address_guesses_a_number_only_a_few_times(client, operator_a, settings):
    settings.KIS_CEK_STATUS_MAKS_NOMOR = 5
    usulan = submitted(operator_a)
    for day in range(1, 6):
        wrong = BORN + datetime.timedelta(days=day)
        assert check(client, usulan.nomor, wrong, ip="10.6.6.6").status_code == 200

    # The sixth guess from there is refused, even when it is right.
    guessed = check(client, usulan.nomor, BORN, ip="10.6.6.6")

    assert guessed.status_code == 429
    assert "Sedang diperiksa" not in guessed.content.decode()


def test_right_answers_do_not_use_up_the_numbers_allowance(
    client, operator_a, settings
):
    settings.KIS_CEK_STATUS_MAKS_NOMOR = 2
    usulan = submitted(operator_a)
    for _ in range(4):  # a family checking again and again from home
        assert check(client, usulan.nomor, BORN, ip="10.1.2.3").status_code == 200
