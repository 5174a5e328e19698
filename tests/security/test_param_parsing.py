"""The 5xx the parameter fuzz test found (issue 21): each parameter parsed safely."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from kis_portal.roles import Role

pytestmark = pytest.mark.django_db

HUGE = "9" * 40


@pytest.mark.parametrize("value", ["abc", "-1", "index"])
def test_a_next_that_is_no_path_goes_home_after_the_code_step(
    login, verifikator, value
):
    # Two-factor login is off in the suite: the step sends the user on at once.
    response = login(verifikator).get(reverse("two_factor:verify"), {"next": value})
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_a_next_path_is_still_followed(login, verifikator):
    response = login(verifikator).get(
        reverse("two_factor:verify"), {"next": "/usulan/"}
    )
    assert response["Location"] == "/usulan/"


@pytest.mark.parametrize("value", [HUGE, "-1", "abc"])
def test_the_queue_refuses_an_age_filter_it_cannot_count(login, verifikator, value):
    response = login(verifikator).get(reverse("verifikasi:queue"), {"umur": value})
    assert response.status_code == 200


def test_a_huge_kecamatan_id_is_a_form_error_not_a_crash(login, admin_user):
    response = login(admin_user).post(
        reverse("accounts:user_create"),
        {"username": "baru", "role": Role.VERIFIKATOR, "kecamatan": [HUGE, f"-{HUGE}"]},
    )
    assert response.status_code == 200
    assert "kecamatan" in response.context["form"].errors
