"""The one readable rule for usernames the portal makes up."""

import pytest

from kis_portal.accounts.usernames import (
    username_base,
    username_for,
    username_unique,
)
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa
from tests.factories import DesaFactory, make_user


@pytest.mark.parametrize(
    ("nama", "jenis", "expected"),
    [
        ("Kalibukbuk", Desa.Jenis.DESA, "desa.kalibukbuk"),
        ("Tinga-tinga", Desa.Jenis.DESA, "desa.tingatinga"),
        ("Munduk Bestala", Desa.Jenis.DESA, "desa.mundukbestala"),
        ("Banyuasri", Desa.Jenis.KELURAHAN, "kel.banyuasri"),
        ("Pénarukan", Desa.Jenis.KELURAHAN, "kel.penarukan"),
    ],
)
def test_an_operators_username_comes_from_its_desa(nama, jenis, expected):
    assert username_base(desa=Desa(nama=nama, jenis=jenis)) == expected


@pytest.mark.parametrize(
    ("nama", "expected"),
    [
        ("I Made Suarjana", "made.suarjana"),
        ("Ni Luh Putu Ariani", "luh.ariani"),
        ("Komang", "komang"),
        ("5108061205808001", "pengguna"),  # a NIK typed as a name: never the NIK
        ("Kadek 0812345678 Widi", "kadek.widi"),
        ("", "pengguna"),
    ],
)
def test_anyone_elses_comes_from_their_name_without_digits(nama, expected):
    assert username_base(nama=nama) == expected


def test_a_taken_username_gets_the_next_number():
    taken = {"desa.kalibukbuk", "desa.kalibukbuk2"}
    assert username_unique("desa.kalibukbuk", taken) == "desa.kalibukbuk3"
    assert "desa.kalibukbuk3" in taken
    assert username_unique("Desa.Kalibukbuk", taken) == "Desa.Kalibukbuk4"


@pytest.mark.django_db
def test_the_database_decides_what_is_taken_whatever_the_case():
    desa = DesaFactory(nama="Panji")
    make_user(Role.OPERATOR_DESA, username="DESA.PANJI", desa=desa)
    make_user(Role.OPERATOR_DESA, username="desa.panjianom", desa=DesaFactory())
    assert username_for(desa=desa) == "desa.panji2"
