"""Each validation rule the office applies by eye, with a valid and an invalid case."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kis_portal.identifiers import normalise_phone, validate_kk, validate_nik
from tests.factories import KecamatanFactory
from usulan.models import Anggota, Usulan
from usulan.services import usulan_reject, usulan_save, usulan_submit

from .factories import form_post, household, make_usulan, member, upload_all


def test_nik_must_be_16_digits_with_a_real_region_and_birth_date():
    assert validate_nik("5108 0612 0580 0001") == "5108061205800001"
    with pytest.raises(ValidationError, match="16 angka"):
        validate_nik("510806120580001")
    with pytest.raises(ValidationError, match="tidak mungkin"):
        validate_nik("5108063213800001")  # day 32
    with pytest.raises(ValidationError, match="tidak mungkin"):
        validate_nik("9908061205800001")  # province 99


def test_kk_must_be_16_digits_with_a_date_in_digits_7_to_12():
    assert validate_kk("5108060403190001") == "5108060403190001"
    with pytest.raises(ValidationError, match="16 angka"):
        validate_kk("51080604031900")
    with pytest.raises(ValidationError, match="bukan tanggal"):
        validate_kk("5108063313190001")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


def test_a_phone_number_that_is_not_a_mobile_is_refused():
    with pytest.raises(ValidationError, match="Nomor HP tidak valid"):
        normalise_phone("12345")


def post_new(client, desa, members, **household_extra):
    return client.post(
        "/usulan/baru/", form_post(household(desa, **household_extra), members)
    )


def test_birth_date_and_sex_must_agree_with_the_nik(login, operator_a, desa_a):
    client = login(operator_a)
    woman = member(desa_a, sex="P", birth=datetime.date(1985, 3, 7))
    woman["jenis_kelamin"] = "L"
    woman["tanggal_lahir"] = datetime.date(1985, 3, 8)
    response = post_new(client, desa_a, [woman])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tanggal lahir tidak sesuai NIK" in html
    assert "ditambah 40, berarti perempuan" in html
    assert not Usulan.objects.exists()

    good = member(desa_a, sex="P", birth=datetime.date(1985, 3, 7))
    assert post_new(client, desa_a, [good]).status_code == 302
    assert Anggota.objects.get().nik == good["nik"]


def test_noka_faskes_and_kk_are_checked_on_their_fields(login, operator_a, desa_a):
    client = login(operator_a)
    bad = member(desa_a, kode_faskes="0902")
    response = post_new(
        client,
        desa_a,
        [bad],
        jenis="MIG37",
        noka_lama="12345",
        segmen_asal="mandiri",
        no_kk="123",
    )
    html = response.content.decode()
    assert "NOKA) harus 13 angka" in html
    assert "Kode faskes harus 8 karakter" in html
    assert "Nomor KK harus 16 angka" in html
    assert not Usulan.objects.exists()


def test_mig37_needs_the_previous_card_and_segment(login, operator_a, desa_a):
    client = login(operator_a)
    response = post_new(client, desa_a, [member(desa_a)], jenis="MIG37")
    assert "wajib mencantumkan NOKA lama" in response.content.decode()
    ok = post_new(
        client,
        desa_a,
        [member(desa_a)],
        jenis="MIG37",
        noka_lama="0001261832477",
        segmen_asal="mandiri",
    )
    assert ok.status_code == 302
    assert Usulan.objects.get().noka_lama == "0001261832477"


def test_the_same_nik_twice_in_one_usulan_is_refused(login, operator_a, desa_a):
    first = member(desa_a)
    second = member(desa_a, nama="I KADEK KEMBAR", nik=first["nik"])
    response = post_new(login(operator_a), desa_a, [first, second])
    assert "sama dengan anggota ke-1" in response.content.decode()
    assert not Usulan.objects.exists()


def test_a_nik_open_in_another_desa_says_only_whom_to_ask(
    login, operator_a, operator_b, desa_a, desa_b
):
    other = make_usulan(operator_b)
    taken = other.anggota_set.first()
    clash = member(desa_a, nik=taken.nik, nama="NAMA LAIN")
    clash["tanggal_lahir"] = taken.tanggal_lahir
    clash["jenis_kelamin"] = taken.jenis_kelamin
    response = post_new(login(operator_a), desa_a, [clash])
    html = response.content.decode()
    assert "sudah diusulkan melalui desa/kelurahan lain" in html
    assert "hubungi Dinas Sosial" in html
    for secret in (desa_b.nama, "Draf", other.nomor, taken.nama, other.no_kk):
        assert secret not in html
    assert Usulan.objects.count() == 1


def test_a_nik_open_in_the_same_desa_names_the_usulan(login, operator_a, desa_a):
    first = make_usulan(operator_a)
    taken = first.anggota_set.first()
    clash = member(desa_a, nik=taken.nik, tanggal_lahir=taken.tanggal_lahir)
    html = post_new(login(operator_a), desa_a, [clash]).content.decode()
    assert f"usulan {first.nomor}" in html


def test_a_rejected_usulan_frees_its_niks(operator_a, verifikator):
    first = make_usulan(operator_a)
    upload_all(first, operator_a)
    usulan_submit(usulan_id=first.pk, by=operator_a)
    usulan_reject(usulan_id=first.pk, by=verifikator, reason="Bukan warga miskin")
    taken = first.anggota_set.first()
    again = member(
        operator_a.profile.desa,
        nik=taken.nik,
        tanggal_lahir=taken.tanggal_lahir,
        jenis_kelamin=taken.jenis_kelamin,
    )
    second = make_usulan(operator_a, members=[again])
    assert second.anggota_set.get().nik == taken.nik


def test_the_database_refuses_a_second_open_usulan_for_a_nik(operator_a, operator_b):
    first = make_usulan(operator_a)
    other = make_usulan(operator_b)
    taken = first.anggota_set.first()
    clone = other.anggota_set.first()
    clone.nik = taken.nik
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_the_service_refuses_a_nik_taken_elsewhere(operator_a, operator_b, desa_a):
    taken = make_usulan(operator_b).anggota_set.first()
    row = member(
        desa_a,
        nik=taken.nik,
        tanggal_lahir=taken.tanggal_lahir,
        jenis_kelamin=taken.jenis_kelamin,
    )
    with pytest.raises(ValidationError, match="sudah diusulkan"):
        usulan_save(
            usulan=None,
            household=household(desa_a),
            members=[row],
            by=operator_a,
            desa=desa_a,
        )
    assert Usulan.objects.filter(desa=desa_a).count() == 0


def test_a_nik_from_another_kecamatan_is_a_warning_not_an_error(
    login, operator_a, desa_a
):

    elsewhere = KecamatanFactory(kode="51.08.09")
    moved = member(desa_a)
    moved["nik"] = "510809" + moved["nik"][6:]
    client = login(operator_a)
    response = post_new(client, desa_a, [moved])
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "bukan Kec." in detail and elsewhere.kode in detail


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_digits_typed_fullwidth_on_a_phone_are_saved_as_ascii(
    login, operator_a, desa_a
):
    """A phone keyboard in a wide layout types "５１０８...": the same NIK, KK and
    number, saved as plain digits so duplicates and the BPJS file see them."""
    data = household(desa_a)
    person = member(desa_a)
    nik, kk = person["nik"], data["no_kk"]
    data["no_kk"] = kk.translate(FULLWIDTH)
    data["telepon"] = "０８１２-３４５６-７８９０"
    person["nik"] = nik.translate(FULLWIDTH)
    login(operator_a).post(reverse("usulan:create"), form_post(data, [person]))
    usulan = Usulan.objects.get()
    assert (usulan.no_kk, usulan.telepon) == (kk, "081234567890")
    assert usulan.anggota_set.get().nik == nik
