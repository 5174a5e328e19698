"""Audit finding 9 (issue 21): the shared office PCs' browsers must not offer the last
person's NIK or phone number, and a password the admin sets is never autofilled."""

import re

import pytest
from django.urls import reverse

from dtks.models import DtksPeriode

pytestmark = pytest.mark.django_db


def input_tag(html: str, name: str) -> str:
    tags = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tags, f"no input {name}"
    return tags[0]


PAGES = [
    ("dtks:search", "verifikator", ["nik", "nama"]),
    ("usulan:loket_create", "loket", ["telepon", "anggota_set-0-telepon"]),
    ("usulan:create", "operator_a", ["telepon", "anggota_set-0-telepon"]),
    ("pengaduan:create", "loket", ["pelapor_telepon"]),
    ("pengaduan:buku_tamu", "loket", ["telepon"]),
]


@pytest.mark.parametrize(
    ("name", "persona", "fields"), PAGES, ids=[p[0] for p in PAGES]
)
def test_nik_and_phone_fields_are_not_remembered(name, persona, fields, login, request):
    DtksPeriode.objects.create(kode="2026-Q3")  # the DTKS search shows its form
    html = login(request.getfixturevalue(persona)).get(reverse(name)).content.decode()
    for field in fields:
        assert 'autocomplete="off"' in input_tag(html, field), field


def test_the_admins_new_user_password_is_a_new_password(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    html = client.get(reverse("admin:auth_user_add")).content.decode()
    for field in ("password1", "password2"):
        assert 'autocomplete="new-password"' in input_tag(html, field)
