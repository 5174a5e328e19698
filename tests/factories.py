"""Factories for test data. Personas live in conftest.py."""

import factory
from django.contrib.auth import get_user_model

from kis_portal.accounts.services import user_create
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan

PASSWORD = "rahasia-uji-123"  # noqa: S105


class KecamatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kecamatan
        django_get_or_create = ("kode",)

    kode = factory.Sequence(lambda n: f"51.08.{n % 90 + 10:02d}")
    nama = factory.Sequence(lambda n: f"Kecamatan {n}")


class DesaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desa
        django_get_or_create = ("kode",)

    kecamatan = factory.SubFactory(KecamatanFactory)
    kode = factory.LazyAttributeSequence(lambda o, n: f"{o.kecamatan.kode}.{2001 + n}")
    nama = factory.Sequence(lambda n: f"Desa Uji {n}")
    jenis = Desa.Jenis.DESA


def make_user(role: str = Role.VERIFIKATOR, *, username: str = "", desa=None, **extra):
    """A user with one role (an operator gets a desa of its own unless given one, a
    faskes user a faskes)."""
    if role == Role.OPERATOR_DESA and desa is None:
        desa = DesaFactory()
    if role == Role.FASKES and not extra.get("kode_faskes"):
        extra = {"kode_faskes": "0902R001", "nama_faskes": "RSUD UJI", **extra}
    count = get_user_model().objects.count()
    return user_create(
        username=username or f"{role}-{count + 1}",
        password=PASSWORD,
        role=role,
        desa=desa,
        **extra,
    )
