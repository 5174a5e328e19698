"""Audit finding 4 (issue 21): a member BPJS registered keeps its identity.

A household back from BPJS with some members failed is editable by its desa, but the
members holding a NOKA are not: the card receipt prints that NOKA with their name.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.usulan.factories import form_post, make_usulan, member
from usulan.models import Anggota, Usulan
from usulan.services import anggota_correct, usulan_save

pytestmark = pytest.mark.django_db

NOKA = "0001234567890"


@pytest.fixture
def returned(operator_a):
    """A household back from BPJS: the husband registered, the wife failed."""
    usulan = make_usulan(operator_a)
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.GAGAL_BPJS)
    husband, wife = usulan.anggota_set.order_by("pk")
    Anggota.objects.filter(pk=husband.pk).update(
        status_bpjs=Anggota.StatusBpjs.TERDAFTAR, noka=NOKA
    )
    Anggota.objects.filter(pk=wife.pk).update(
        status_bpjs=Anggota.StatusBpjs.GAGAL, keterangan_bpjs="NIK tidak padan"
    )
    usulan.refresh_from_db()
    return usulan


def rows(usulan, **changes_by_index) -> list[dict]:
    result = []
    for index, anggota in enumerate(usulan.anggota_set.order_by("pk")):
        row = {f: getattr(anggota, f) for f in member(usulan.desa)}
        row["id"] = anggota.pk
        row.update(changes_by_index.get(f"m{index}", {}))
        result.append(row)
    return result


def household_of(usulan) -> dict:
    return {
        f: getattr(usulan, f)
        for f in ("jenis", "no_kk", "alamat", "rt", "rw", "telepon", "noka_lama")
    } | {"segmen_asal": usulan.segmen_asal}


def test_the_desa_cannot_rewrite_a_registered_members_identity(
    client, operator_a, returned
):
    husband = returned.anggota_set.order_by("pk").first()
    other = member(returned.desa, nama="ORANG LAIN SAMA SEKALI")
    client.force_login(operator_a)

    client.post(
        reverse("usulan:edit", args=[returned.pk]),
        form_post(
            household_of(returned),
            rows(returned, m0={"nik": other["nik"], "nama": other["nama"]}),
            initial=2,
            version=returned.version,
        ),
    )

    husband.refresh_from_db()
    assert husband.noka == NOKA
    assert husband.nama == "I MADE UJI"
    assert husband.nik != other["nik"]


def test_the_service_refuses_the_change_whatever_the_form_sends(operator_a, returned):
    husband = returned.anggota_set.order_by("pk").first()
    with pytest.raises(ValidationError) as refused:
        usulan_save(
            usulan=returned,
            household=household_of(returned),
            members=rows(returned, m0={"nama": "ORANG LAIN SAMA SEKALI"}),
            by=operator_a,
        )
    assert refused.value.messages == [
        "I MADE UJI sudah terdaftar di BPJS dan tidak dapat diubah oleh desa. Bila "
        "datanya keliru, minta koreksi ke admin Dinas Sosial dengan menyebutkan "
        "alasannya."
    ]
    husband.refresh_from_db()
    assert husband.nama == "I MADE UJI"


def test_deleting_a_registered_member_is_refused_with_the_right_reason(
    operator_a, returned
):
    with pytest.raises(ValidationError) as refused:
        usulan_save(
            usulan=returned,
            household=household_of(returned),
            members=rows(returned, m0={"DELETE": True}),
            by=operator_a,
        )
    assert "tidak dapat dihapus dari usulan" in refused.value.messages[0]
    assert "baru saja diusulkan" not in refused.value.messages[0]
    assert returned.anggota_set.count() == 2


def test_the_failed_member_of_the_same_household_is_still_corrected(
    client, operator_a, returned
):
    wife = returned.anggota_set.order_by("pk").last()
    client.force_login(operator_a)
    page = client.get(reverse("usulan:edit", args=[returned.pk])).content.decode()
    assert "Terdaftar di BPJS" in page
    assert page.count("disabled") >= 12  # the registered member's fields

    response = client.post(
        reverse("usulan:edit", args=[returned.pk]),
        form_post(
            household_of(returned),
            rows(returned, m1={"tempat_lahir": "DENPASAR"}),
            initial=2,
            version=returned.version,
        ),
    )

    assert response.status_code == 302
    wife.refresh_from_db()
    assert wife.tempat_lahir == "DENPASAR"


def test_the_admin_corrects_a_registered_member_with_a_reason(admin_user, returned):
    husband = returned.anggota_set.order_by("pk").first()
    changes = anggota_correct(
        anggota_id=husband.pk,
        data={"nama": "I MADE UJI ARSANA"},
        alasan="Salah ketik nama, sesuai KTP",
        by=admin_user,
    )
    assert changes == {
        "anggota.nama": {"lama": "I MADE UJI", "baru": "I MADE UJI ARSANA"}
    }
