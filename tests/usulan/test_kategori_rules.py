"""A priority category must fit the person (issue 20 point 10)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.usulan.factories import form_post, household, member
from usulan.models import Anggota, Usulan


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def test_a_man_cannot_be_recorded_as_ibu_hamil(login, operator_a, desa_a):
    man = member(desa_a, kategori="hamil")
    response = login(operator_a).post(
        reverse("usulan:create"), form_post(household(desa_a), [man])
    )
    assert not Usulan.objects.exists()
    assert "Kategori ibu hamil hanya untuk perempuan" in response.content.decode()


def test_ibu_hamil_of_seventy_asks_to_check_the_category_or_birth_date(
    login, operator_a, desa_a
):
    old = member(desa_a, sex="P", birth=datetime.date(1950, 3, 7), kategori="hamil")
    response = login(operator_a).post(
        reverse("usulan:create"), form_post(household(desa_a), [old])
    )
    assert not Usulan.objects.exists()
    assert "Kategori ibu hamil untuk umur" in response.content.decode()


def test_a_young_woman_may_be_ibu_hamil(login, operator_a, desa_a):
    mother = member(desa_a, sex="P", birth=datetime.date(1995, 8, 1), kategori="hamil")
    login(operator_a).post(
        reverse("usulan:create"), form_post(household(desa_a), [mother])
    )
    assert Usulan.objects.get().anggota_set.get().kategori == "hamil"


def test_the_demo_gives_ibu_hamil_only_to_women(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    hamil = list(
        Anggota.objects.filter(kategori="hamil").values_list("jenis_kelamin", flat=True)
    )
    assert hamil and set(hamil) == {"P"}
