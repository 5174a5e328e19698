"""More member rows without JavaScript: the form comes back with nothing lost."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.usulan.factories import (
    HUSBAND_NIK,
    form_post,
    household,
    make_usulan,
    member,
    walk_in,
)
from usulan.models import Usulan


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def _total(page: str) -> str:
    marker = 'name="anggota_set-TOTAL_FORMS" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_new_form_add_row_keeps_every_typed_value_and_saves_nothing(
    login, operator_a, desa_a
):
    data = household(desa_a)
    first = member(desa_a, nama="I WAYAN SATU")
    second = member(desa_a, sex="P", nama="NI KADEK DUA")
    body = form_post(data, [first, second], tambah_baris="1", client_token="x")

    page = login(operator_a).post(reverse("usulan:create"), body).content.decode()

    assert not Usulan.objects.exists()
    assert _total(page) == "3"
    for value in (data["no_kk"], data["alamat"], first["nik"], "NI KADEK DUA"):
        assert f'value="{value}"' in page
    assert "data-error-summary" not in page


def test_edit_form_add_row_keeps_changes_to_saved_members(login, operator_a):
    desa = operator_a.profile.desa
    usulan = make_usulan(operator_a, members=[member(desa)])
    saved = usulan.anggota_set.get()
    row = member(desa, nama="NAMA BARU DIKETIK", id=saved.pk)
    row["nik"] = saved.nik
    body = form_post(
        household(desa, no_kk=usulan.no_kk),
        [row],
        initial=1,
        tambah_baris="1",
        version=str(usulan.version),
    )

    page = login(operator_a).post(reverse("usulan:edit", args=[usulan.pk]), body)

    html = page.content.decode()
    assert 'value="NAMA BARU DIKETIK"' in html
    assert _total(html) == "2"
    saved.refresh_from_db()
    assert saved.nama != "NAMA BARU DIKETIK"  # shown, not saved


def test_counter_add_rows_keeps_the_desa_the_family_and_the_ticked_papers(
    login, loket, desa_a
):
    body = walk_in(desa_a, berkas=("kk",))
    body["tambah_baris"] = "3"

    page = login(loket).post(reverse("usulan:loket_create"), body).content.decode()

    assert not Usulan.objects.exists()
    assert f'value="{HUSBAND_NIK}"' in page
    assert _total(page) == str(int(body["anggota_set-TOTAL_FORMS"]) + 3)
    assert f'<option value="{desa_a.pk}" selected>' in page
    assert 'value="kk"  id="id_berkas_1" checked>' in page
    assert 'value="sktm"  id="id_berkas_0">' in page


def test_autosave_of_an_unfinished_new_form_names_the_field_to_fix(
    login, operator_a, desa_a
):
    first = member(desa_a)
    second = member(desa_a, sex="P", nik="123")
    body = form_post(household(desa_a), [first, second], client_token="x")

    response = login(operator_a).post(
        reverse("usulan:create"), body, headers={"X-Autosave": "1"}
    )

    data = response.json()
    assert data["saved"] is False
    assert data["summary"][0].startswith("Anggota 2 · NIK: ")
    assert not Usulan.objects.exists()
