"""Audit finding 8 (issue 21): an id or count in a query or form is parsed safely;
text, a superscript digit or a 40-digit number is no 500."""

import pytest
from django.urls import reverse

from kis_portal.http import int_param
from tests.usulan.factories import make_usulan

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "²", "١٢", "-1", "1.5", " ", "9" * 40, "1e3", "0x10"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_hand_over_page_answers_a_bad_desa_without_a_500(login, distribusi, value):
    response = login(distribusi).get(
        reverse("distribusi:serah_terima_baru"), {"desa": value}
    )
    assert response.status_code in (200, 404)


def test_the_audits_exact_request_shows_the_form(login, distribusi):
    response = login(distribusi).get("/distribusi/serah-terima/baru/?desa=abc")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 40])
def test_page_size_ignores_what_is_not_one_of_its_choices(login, operator_a, value):
    assert login(operator_a).get("/usulan/", {"per": value}).status_code == 200


def test_a_forged_version_on_the_usulan_form_is_no_500(login, operator_a):
    usulan = make_usulan(operator_a)
    response = login(operator_a).post(
        reverse("usulan:edit", args=[usulan.pk]), {"version": "abc"}
    )
    assert response.status_code == 200  # the form comes back with its errors


def test_int_param_reads_plain_ascii_digits_only():
    assert [int_param(v) for v in ("7", " 12 ", "000123")] == [7, 12, 123]
    assert {int_param(v) for v in [*HOSTILE, None, ""]} == {None}
