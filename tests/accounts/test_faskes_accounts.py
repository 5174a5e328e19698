"""The admin binds a faskes user to its faskes where users are managed."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from kis_portal.accounts.services import user_create
from kis_portal.roles import Role, faskes_kode, user_roles

pytestmark = pytest.mark.django_db


def form(**extra) -> dict:
    data = {
        "username": "admisi.rsud",
        "first_name": "Ayu",
        "role": Role.FASKES,
        "kode_faskes": "0902r001",
        "nama_faskes": "RSUD UJI",
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_admin_creates_a_faskes_user_bound_to_its_faskes(login, admin_user):
    client = login(admin_user)
    response = client.post(reverse("accounts:user_create"), form())
    assert response.status_code == 302
    user = get_user_model().objects.get(username="admisi.rsud")
    assert user_roles(user) == {Role.FASKES}
    assert (user.profile.kode_faskes, user.profile.nama_faskes) == (
        "0902R001",
        "RSUD UJI",
    )
    assert user.profile.desa is None and faskes_kode(user) == "0902R001"


def test_a_faskes_user_needs_its_faskes_and_nobody_else_gets_one(login, admin_user):
    client = login(admin_user)
    page = client.post(reverse("accounts:user_create"), form(kode_faskes=""))
    assert "Petugas faskes harus terikat pada satu faskes." in page.content.decode()
    page = client.post(
        reverse("accounts:user_create"),
        form(username="verif.lain", role=Role.VERIFIKATOR),
    )
    assert "Hanya petugas faskes yang terikat pada faskes." in page.content.decode()
    page = client.post(reverse("accounts:user_create"), form(kode_faskes="RS-1"))
    assert "8 karakter" in page.content.decode()
    assert not get_user_model().objects.filter(username="admisi.rsud").exists()
    with pytest.raises(ValidationError):
        user_create(username="x", role=Role.FASKES)


def test_admin_moves_a_faskes_user_to_another_faskes(login, admin_user):
    user = user_create(
        username="admisi.rsud",
        role=Role.FASKES,
        kode_faskes="0902R001",
        nama_faskes="RSUD UJI",
    )
    client = login(admin_user)
    edit = reverse("accounts:user_edit", args=[user.pk])
    assert 'value="0902R001"' in client.get(edit).content.decode()
    response = client.post(
        edit, form(kode_faskes="0902K002", nama_faskes="KLINIK BARU")
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.kode_faskes == "0902K002"
