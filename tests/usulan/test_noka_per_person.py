"""A NOKA is one person's (issue 19): per-member NOKA lama, unique in the register."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from tests.usulan.factories import household, member
from usulan.models import Anggota, Usulan
from usulan.services import usulan_save

pytestmark = pytest.mark.django_db

NOKA = "0001261832477"
migration = importlib.import_module("usulan.migrations.0006_anggota_noka_per_person")


def mig37(operator, members: list[dict], noka: str = NOKA) -> Usulan:
    desa = operator.profile.desa
    return usulan_save(
        usulan=None,
        household=household(desa, jenis="MIG37", noka_lama=noka, segmen_asal="mandiri"),
        members=members,
        by=operator,
        desa=desa,
    )


def test_the_households_one_noka_lama_goes_to_the_head_only(operator_a):
    desa = operator_a.profile.desa
    usulan = mig37(
        operator_a,
        [
            member(desa, sex="P", birth=datetime.date(1972, 5, 6)),
            member(desa, birth=datetime.date(1970, 1, 2)),  # SHDK 1
            member(desa, birth=datetime.date(2001, 7, 8), shdk="4"),
        ],
    )
    held = list(usulan.anggota_set.order_by("pk").values_list("shdk", "noka_lama"))
    assert held == [("3", ""), ("1", NOKA), ("4", "")]


def test_members_keep_their_own_noka_lama_when_given(operator_a, login):
    desa = operator_a.profile.desa
    usulan = mig37(
        operator_a,
        [
            member(desa, noka_lama=NOKA),
            member(desa, sex="P", noka_lama="0001261832478"),
        ],
    )
    assert sorted(usulan.anggota_set.values_list("noka_lama", flat=True)) == [
        NOKA,
        "0001261832478",
    ]
    page = login(operator_a).get(usulan.get_absolute_url()).content.decode()
    assert 'NOKA lama <span class="font-monospace">0001261832478</span>' in page


def test_the_database_refuses_one_noka_for_two_active_people(operator_a, operator_b):
    first = mig37(operator_a, [member(operator_a.profile.desa)])
    second = mig37(operator_b, [member(operator_b.profile.desa)], noka="0001261832478")
    a = first.anggota_set.get()
    b = second.anggota_set.get()
    Anggota.objects.filter(pk=a.pk).update(noka="0002000000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Anggota.objects.filter(pk=b.pk).update(noka="0002000000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Anggota.objects.filter(pk=b.pk).update(noka_lama=NOKA)
    # A closed usulan's member is history: the person may come back with it.
    Anggota.objects.filter(pk=a.pk).update(aktif=False)
    Anggota.objects.filter(pk=b.pk).update(noka="0002000000001")


def test_the_data_migration_moves_the_households_noka_to_one_member(operator_a):
    desa = operator_a.profile.desa
    usulan = mig37(
        operator_a,
        [member(desa, sex="P"), member(desa), member(desa, shdk="4")],
    )
    usulan.anggota_set.update(noka_lama="")  # as before the migration

    migration.noka_lama_to_its_holder(apps, None)

    assert list(
        usulan.anggota_set.order_by("pk").values_list("noka_lama", flat=True)
    ) == ["", NOKA, ""]
