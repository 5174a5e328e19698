"""Messages a village operator reads say each thing once, in plain words (issue 20,
point 14)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kis_portal.identifiers import check_nik_matches
from kis_portal.uploads import check_upload
from rekap_bpjs.services import batch_build

pytestmark = pytest.mark.django_db


def test_a_wrong_password_names_the_username_once(client, verifikator):
    response = client.post(
        "/accounts/login/", {"username": verifikator.username, "password": "salah"}
    )
    page = response.content.decode().lower()
    assert "masukkan nama pengguna dan sandi yang benar" in page
    assert "nama pengguna nama pengguna" not in page


def test_a_birth_date_unlike_the_nik_shows_the_nik_date_in_full():
    errors = check_nik_matches("5108061203780001", datetime.date(1978, 3, 21), "L")
    assert errors["tanggal_lahir"] == (
        "Tanggal lahir tidak sesuai NIK: menurut NIK, lahir tanggal 12-03-1978."
    )


def test_a_renamed_word_file_is_refused_in_words_an_operator_can_act_on():
    upload = SimpleUploadedFile("kk.pdf", b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload)
    message = " ".join(refused.value.messages)
    assert "nama berkas tidak menentukan" not in message
    assert "Mengganti nama berkas (misalnya .docx menjadi .pdf)" in message


def test_a_batch_without_quota_says_so_once(login, rekap):
    call_command("load_profile", "sop-pbi", verbosity=0)
    batch = batch_build(periode="2026-11", by=rekap).batch
    batch.kuota = None
    batch.save(update_fields=["kuota"])
    page = login(rekap).get("/rekap/2026-11/").content.decode()
    assert "kuota tidak dibatasi" in page
    assert "kuota tanpa kuota" not in page
