"""Another desa's NIK: the operator learns only that it is proposed elsewhere and whom
to ask, on every path (form, autosave, bulk preview), and only so many times a day.

Before this was mended, an operator typing NIKs of another desa was told that desa's
name, the usulan's status and its date, 20 NIKs per autosave request and 2,000 per
bulk preview, with nothing recorded.
"""

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from kis_portal.audit.models import AksesData
from tests.clock import frozen, wita
from tests.usulan.factories import form_post, household, make_usulan, member
from usulan.bulk import TEMPLATE_COLUMNS
from usulan.models import Usulan
from usulan.selectors import NIK_ELSEWHERE

pytestmark = pytest.mark.django_db

PAUSED = "Pemeriksaan NIK untuk akun Anda dihentikan sementara"


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


@pytest.fixture
def elsewhere(operator_b):
    """Five people proposed by desa B, one household each."""
    return [make_usulan(operator_b).anggota_set.first() for _ in range(5)]


def clash_with(desa, person) -> dict:
    """A member row typed in desa A with the NIK (and matching birth data) of `person`."""
    return member(
        desa,
        nik=person.nik,
        nama="NAMA LAIN",
        tanggal_lahir=person.tanggal_lahir,
        jenis_kelamin=person.jenis_kelamin,
    )


def autosave(client, desa, members) -> dict:
    response = client.post(
        reverse("usulan:create"),
        form_post(household(desa), members),
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200
    return response.json()


def bulk_file(people, *, free: int = 0, desa=None) -> bytes:
    """An import file: one household per person of `people`, plus `free` households
    whose NIKs nobody has proposed (built in `desa`)."""
    rows = [
        {
            "nik": p.nik,
            "tanggal_lahir": p.tanggal_lahir,
            "jenis_kelamin": p.jenis_kelamin,
        }
        for p in people
    ]
    rows += [member(desa) for _ in range(free)]
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in TEMPLATE_COLUMNS])
    for number, data in enumerate(rows, start=1):
        values = {
            "no_kk": f"510806150120{number:04d}",
            "jenis": "MIG34",
            "alamat": "Banjar Dinas Kaja",
            "rt": "003",
            "rw": "001",
            "nama": "I Made Uji",
            "tempat_lahir": "Singaraja",
            "shdk": "1",
            "status_kawin": "2",
            "kategori": "miskin",
            **data,
        }
        ws.append([values.get(c.key) for c in TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def nik_errors(answer: dict) -> str:
    return json.dumps(answer["errors"], ensure_ascii=False)


def secrets_of(person) -> list[str]:
    usulan = person.usulan
    return [
        usulan.desa.nama,
        usulan.nomor,
        usulan.get_status_display(),
        usulan.created_at.strftime("%d-%m-%Y"),
        person.nama,
    ]


def test_the_form_says_elsewhere_and_whom_to_ask_and_nothing_else(
    login, operator_a, desa_a, elsewhere
):
    person = elsewhere[0]
    response = login(operator_a).post(
        reverse("usulan:create"),
        form_post(household(desa_a), [clash_with(desa_a, person)]),
    )
    html = response.content.decode()
    assert NIK_ELSEWHERE in html
    for secret in secrets_of(person):
        assert secret not in html
    assert Usulan.objects.filter(desa=desa_a).count() == 0


def test_autosave_answers_the_same_and_records_the_lookup(
    login, operator_a, desa_a, elsewhere
):
    person = elsewhere[0]
    answer = autosave(login(operator_a), desa_a, [clash_with(desa_a, person)])
    assert answer["saved"] is False
    text = nik_errors(answer)
    assert NIK_ELSEWHERE in text
    for secret in secrets_of(person):
        assert secret not in text
    [record] = AksesData.objects.filter(actor=operator_a, tindakan="cari")
    assert person.nik in record.niks and "desa lain" in record.halaman


def test_past_the_daily_limit_every_new_nik_gets_the_same_pause(
    login, operator_a, desa_a, elsewhere, settings
):
    settings.KIS_NIK_LAIN_MAKS_HARI = 3
    with frozen(wita(2026, 11, 2, 9)):
        client = login(operator_a)
        for person in elsewhere[:3]:
            assert NIK_ELSEWHERE in nik_errors(
                autosave(client, desa_a, [clash_with(desa_a, person)])
            )
        # Asking about the same NIK again counts once.
        assert NIK_ELSEWHERE in nik_errors(
            autosave(client, desa_a, [clash_with(desa_a, elsewhere[0])])
        )
        crossing = nik_errors(
            autosave(client, desa_a, [clash_with(desa_a, elsewhere[3])])
        )
        assert PAUSED in crossing and NIK_ELSEWHERE not in crossing
        # Now a proposed NIK and a free one get the same answer: nothing to learn.
        proposed = nik_errors(
            autosave(client, desa_a, [clash_with(desa_a, elsewhere[4])])
        )
        free = nik_errors(autosave(client, desa_a, [member(desa_a)]))
        assert PAUSED in proposed and PAUSED in free
        assert Usulan.objects.filter(desa=desa_a).count() == 0
    # Every other-desa NIK typed is on record, once each, the paused ones too.
    assert AksesData.objects.filter(actor=operator_a, tindakan="cari").count() == 5

    # A day later the window has passed.
    with frozen(wita(2026, 11, 3, 9, 1)):
        answer = autosave(login(operator_a), desa_a, [member(desa_a)])
        assert answer["saved"] is True


def test_an_operator_past_the_limit_can_still_edit_its_saved_members(
    login, operator_a, desa_a, elsewhere, settings
):
    settings.KIS_NIK_LAIN_MAKS_HARI = 0
    own = make_usulan(operator_a)
    client = login(operator_a)
    autosave(client, desa_a, [clash_with(desa_a, elsewhere[0])])  # crosses the limit
    members = [
        {
            **member(
                desa_a,
                nik=m.nik,
                tanggal_lahir=m.tanggal_lahir,
                jenis_kelamin=m.jenis_kelamin,
                shdk=m.shdk,
            ),
            "id": m.pk,
        }
        for m in own.anggota_set.order_by("pk")
    ]
    response = client.post(
        f"/usulan/{own.pk}/ubah/",
        form_post(
            household(desa_a, no_kk=own.no_kk, alamat="ALAMAT BARU"),
            members,
            initial=len(members),
            version=own.version,
        ),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.alamat == "ALAMAT BARU"


def test_the_bulk_preview_says_elsewhere_without_the_desa(
    login, operator_a, desa_a, elsewhere
):
    client = login(operator_a)
    content = bulk_file([elsewhere[0]])
    page = client.post(
        reverse("usulan:bulk_upload"),
        {"berkas": SimpleUploadedFile("usulan.xlsx", content)},
    ).content.decode()
    assert "sudah diusulkan melalui desa/kelurahan lain" in page
    for secret in secrets_of(elsewhere[0]):
        assert secret not in page


def test_the_bulk_preview_of_many_other_desa_niks_is_paused_for_every_row(
    login, operator_a, desa_a, elsewhere, settings
):
    settings.KIS_NIK_LAIN_MAKS_HARI = 2
    client = login(operator_a)
    content = bulk_file(elsewhere, free=2, desa=desa_a)
    page = client.post(
        reverse("usulan:bulk_upload"),
        {"berkas": SimpleUploadedFile("usulan.xlsx", content)},
    ).content.decode()
    # 5 proposed and 2 free NIKs: every row gets the pause, none says "elsewhere".
    assert page.count(PAUSED) == 7
    assert "sudah diusulkan melalui desa/kelurahan lain" not in page


def test_the_counter_and_the_own_desa_still_name_the_usulan(
    login, operator_a, loket, desa_a, elsewhere
):
    own = make_usulan(operator_a)
    person = own.anggota_set.first()
    text = nik_errors(autosave(login(operator_a), desa_a, [clash_with(desa_a, person)]))
    assert f"usulan {own.nomor}" in text
    # The counter is the office: it may open any usulan, so it is told which.
    other = elsewhere[0]
    response = login(loket).post(
        reverse("usulan:loket_create"),
        form_post(
            household(desa_a),
            [clash_with(desa_a, other)],
            desa=str(desa_a.pk),
            client_token=str(uuid.uuid4()),
        ),
    )
    assert f"usulan {other.usulan.nomor}" in response.content.decode()
    assert not AksesData.objects.filter(tindakan="cari").exists()


def test_no_answer_leaks_through_the_lookup_window_after_midnight(
    login, operator_a, desa_a, elsewhere, settings
):
    """The window is 24 hours, not the calendar day: midnight WITA resets nothing."""
    settings.KIS_NIK_LAIN_MAKS_HARI = 1
    with frozen(wita(2026, 11, 2, 23, 50)):
        client = login(operator_a)
        autosave(client, desa_a, [clash_with(desa_a, elsewhere[0])])
        autosave(client, desa_a, [clash_with(desa_a, elsewhere[1])])
    with frozen(wita(2026, 11, 3, 0, 10)):
        assert PAUSED in nik_errors(
            autosave(login(operator_a), desa_a, [clash_with(desa_a, elsewhere[2])])
        )
