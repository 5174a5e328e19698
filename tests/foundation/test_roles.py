"""Each role lands on its own home page and reaches only what its role allows."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kis_portal.audit.models import AuditEvent
from kis_portal.roles import Role
from tests.factories import PASSWORD, DesaFactory, make_user

HOME_TEXT = {
    Role.OPERATOR_DESA: "Operator desa: mengajukan usulan",
    Role.LOKET: "Petugas loket: mendaftarkan warga",
    Role.VERIFIKATOR: "Verifikator: memeriksa kelengkapan",
    Role.LAPANGAN: "Petugas lapangan: mencatat hasil cek lokasi",
    Role.KADIS: "Kepala Dinas: menyetujui daftar tunggu",
    Role.REKAP: "Staf rekap BPJS: menyusun rekap bulanan",
    Role.DISTRIBUSI: "Petugas distribusi: mencatat kartu",
    Role.ADMIN: "Admin: pengguna, wilayah, profil kantor",
    Role.FASKES: "Petugas faskes RSUD UJI: mengajukan pasien darurat",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_login_lands_each_role_on_its_home_page(client, role):
    user = make_user(role)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert HOME_TEXT[role] in page
    assert "Menunggu tindakan Anda" in page
    assert "tidak dipungut biaya" in page


def test_wrong_password_stays_on_login_with_indonesian_message(client, verifikator):
    response = client.post(
        "/accounts/login/", {"username": verifikator.username, "password": "salah"}
    )
    assert response.status_code == 200
    assert "nama pengguna dan sandi yang benar" in response.content.decode().lower()


def test_user_without_role_is_told_to_ask_the_admin(client, db):
    get_user_model().objects.create_user(username="tanpa", password=PASSWORD)
    client.login(username="tanpa", password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 403
    assert "belum memiliki peran" in response.content.decode()


def test_navigation_follows_the_role(login, operator_a, admin_user):
    operator_page = login(operator_a).get("/").content.decode()
    assert "Desa saya" in operator_page
    assert 'href="/audit/"' not in operator_page and "/admin/" not in operator_page
    login(admin_user)
    admin_page = login(admin_user).get("/").content.decode()
    assert 'href="/audit/"' in admin_page and "/admin/" in admin_page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_django_admin_is_for_the_admin_role_only(client, role):
    user = make_user(role)
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_admin_role_uses_the_django_admin_in_indonesian(login, admin_user):
    client = login(admin_user)
    response = client.get("/admin/offices/officeprofile/")
    assert response.status_code == 200
    assert "profil kantor" in response.content.decode().lower()
    assert "Pilih" in client.get("/admin/wilayah/desa/").content.decode()


@pytest.mark.parametrize(
    "url", ["/pengguna/", "/pengguna/baru/", "/audit/"], ids=["users", "new", "audit"]
)
def test_admin_screens_refuse_other_roles(login, verifikator, url):
    assert login(verifikator).get(url).status_code == 403


def test_admin_creates_an_operator_bound_to_a_desa(login, admin_user, desa_a):
    client = login(admin_user)
    response = client.post(
        "/pengguna/baru/",
        {
            "username": "operator-baru",
            "first_name": "Ni Made",
            "role": Role.OPERATOR_DESA,
            "desa": desa_a.pk,
            "password": "Kalibukbuk-2026!",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="operator-baru")
    assert user.profile.desa == desa_a
    assert list(user.groups.values_list("name", flat=True)) == [Role.OPERATOR_DESA]


def test_operator_without_desa_is_refused_on_the_form(login, admin_user):
    response = login(admin_user).post(
        "/pengguna/baru/",
        {
            "username": "tanpa-desa",
            "role": Role.OPERATOR_DESA,
            "password": "Xyz-12345678",
        },
    )
    assert response.status_code == 200
    assert "harus terikat pada satu desa" in response.content.decode()
    assert not get_user_model().objects.filter(username="tanpa-desa").exists()


def test_admin_changes_a_role_and_the_change_is_audited(login, admin_user, verifikator):
    desa = DesaFactory()
    response = login(admin_user).post(
        f"/pengguna/{verifikator.pk}/ubah/",
        {"username": verifikator.username, "role": Role.OPERATOR_DESA, "desa": desa.pk},
    )
    assert response.status_code == 302
    verifikator.refresh_from_db()
    assert list(verifikator.groups.values_list("name", flat=True)) == [
        Role.OPERATOR_DESA
    ]
    assert verifikator.is_active is False  # the box was unticked
    event = AuditEvent.objects.filter(
        action="update", object_id=str(verifikator.pk)
    ).get()
    assert event.actor == admin_user
    assert event.data["roles"] == {
        "before": [Role.VERIFIKATOR],
        "after": [Role.OPERATOR_DESA],
    }


def test_admin_cannot_remove_own_admin_role(login, admin_user):
    response = login(admin_user).post(
        f"/pengguna/{admin_user.pk}/ubah/",
        {"username": admin_user.username, "role": Role.VERIFIKATOR, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "mencabut peran admin sendiri" in response.content.decode()


def test_user_list_searches_and_filters_by_role(
    login, admin_user, operator_a, verifikator
):
    client = login(admin_user)
    page = client.get("/pengguna/", {"role": Role.OPERATOR_DESA}).content.decode()
    assert "<td>desa_a</td>" in page and "<td>verif</td>" not in page
    page = client.post("/pengguna/", {"q": "verif"}, follow=True).content.decode()
    assert "<td>verif</td>" in page and "<td>desa_a</td>" not in page


def test_password_change_ends_the_users_other_sessions(client, verifikator):
    other_device = Client()
    other_device.login(username=verifikator.username, password=PASSWORD)
    client.login(username=verifikator.username, password=PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Sandi-Baru-2026!",
            "new_password2": "Sandi-Baru-2026!",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    assert other_device.get("/").status_code == 302  # the other one is logged out


def test_logout_needs_post(login, verifikator):
    client = login(verifikator)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
