import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kis_portal.accounts.services import user_create
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan
from kis_portal.wilayah.services import load_wilayah
from tests.factories import make_user


@pytest.mark.django_db
def test_load_wilayah_loads_buleleng_and_a_second_run_changes_nothing(capsys):
    call_command("load_wilayah", "51.08")
    assert Kecamatan.objects.count() == 9
    assert Desa.objects.count() == 148
    gerokgak = Desa.objects.get(kode="51.08.01.2001")
    assert (gerokgak.nama, gerokgak.jenis, gerokgak.kecamatan.nama) == (
        "Sumberklampok",
        Desa.Jenis.DESA,
        "Gerokgak",
    )
    assert Desa.objects.filter(jenis=Desa.Jenis.KELURAHAN).exists()
    before = list(
        Desa.objects.order_by("kode").values_list("pk", "kode", "nama", "jenis")
    )

    call_command("load_wilayah", "51.08")

    assert "tidak ada perubahan" in capsys.readouterr().out
    after = list(
        Desa.objects.order_by("kode").values_list("pk", "kode", "nama", "jenis")
    )
    assert after == before


@pytest.mark.django_db
def test_load_wilayah_repairs_a_renamed_desa():
    load_wilayah(kode_kabupaten="51.08")
    Desa.objects.filter(kode="51.08.01.2001").update(nama="Salah ketik")
    result = load_wilayah(kode_kabupaten="51.08")
    assert result.desa_updated == 1
    assert Desa.objects.get(kode="51.08.01.2001").nama == "Sumberklampok"


@pytest.mark.django_db
@pytest.mark.parametrize("kode", ["99.99", "5108", "51.08.01"])
def test_load_wilayah_rejects_unknown_or_malformed_codes(kode):
    with pytest.raises(CommandError):
        call_command("load_wilayah", kode)
    assert not Kecamatan.objects.exists()


def test_operator_sees_own_desa_and_gets_404_for_another(login, operator_a, desa_b):
    client = login(operator_a)
    own = client.get(operator_a.profile.desa.get_absolute_url())
    assert own.status_code == 200
    assert operator_a.profile.desa.nama in own.content.decode()

    other = client.get(desa_b.get_absolute_url())
    assert other.status_code == 404
    assert desa_b.nama not in other.content.decode()


def test_operator_my_desa_redirects_to_its_desa(login, operator_a):
    response = login(operator_a).get("/wilayah/desa-saya/")
    assert response.status_code == 302
    assert response.url == operator_a.profile.desa.get_absolute_url()


def test_staff_see_every_desa_and_search_it(login, verifikator, desa_a, desa_b):
    client = login(verifikator)
    assert client.get(desa_b.get_absolute_url()).status_code == 200
    page = client.post("/wilayah/", {"q": "Kalibuk"}, follow=True).content.decode()
    assert "Kalibukbuk" in page and "Unggahan" not in page


def test_region_list_is_for_staff_only(login, operator_a):
    assert login(operator_a).get("/wilayah/").status_code == 403


def test_desa_filter_by_kecamatan(login, verifikator, desa_a, desa_b):
    page = login(verifikator).get("/wilayah/", {"kecamatan": desa_b.kecamatan_id})
    html = page.content.decode()
    assert "Unggahan" in html and "Kalibukbuk" not in html


def test_anonymous_is_sent_to_login(client, desa_a):
    response = client.get(desa_a.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_operator_without_desa_cannot_be_created(db):
    with pytest.raises(ValidationError):
        user_create(username="tanpa-desa", password="x" * 12, role=Role.OPERATOR_DESA)
    assert not get_user_model().objects.filter(username="tanpa-desa").exists()


def test_staff_cannot_be_bound_to_a_desa(desa_a):
    with pytest.raises(ValidationError):
        make_user(Role.VERIFIKATOR, desa=desa_a)
