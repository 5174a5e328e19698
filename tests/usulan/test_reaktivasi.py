"""Reactivation of a deactivated PBI participant (MIG37): reason, date, window, lane."""

import datetime
import itertools

import pytest

from kis_portal.offices.models import OfficeProfile
from tests.clock import frozen, wita
from usulan.models import Usulan
from usulan.reaktivasi import add_months, window
from usulan.selectors import missing_items
from usulan.services import usulan_return, usulan_save, usulan_submit

from .factories import (
    form_post,
    household,
    make_usulan,
    member,
    upload_all,
    walk_in,
)

pytestmark = pytest.mark.django_db

LETTER = "Surat keterangan dari fasilitas kesehatan (reaktivasi PBI)"
_noka = itertools.count(1)


def reactivation(desa, *, alasan="kronis", sejak=datetime.date(2026, 3, 12), **extra):
    data = {
        "jenis": "MIG37",
        "noka_lama": f"000{next(_noka):010d}",
        "segmen_asal": "pbi_apbn",
        "reaktivasi_alasan": alasan,
        "reaktivasi_nonaktif_sejak": sejak,
        "reaktivasi_keterangan": "",
    }
    data.update(extra)
    return household(desa, **data)


def post_form(client, desa, data) -> Usulan | None:
    client.post("/usulan/baru/", form_post(data, [member(desa)]))
    return Usulan.objects.order_by("-pk").first()


# --- The window at its edges, in WITA ------------------------------------------


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (wita(2026, 9, 12, 0, 0), True),  # the last day inside, its first minute
        (wita(2026, 9, 12, 23, 59), True),  # ... and its last minute
        (wita(2026, 9, 13, 0, 0), False),  # the first day outside
        # 07:30 WITA on the 13th is still the 12th in UTC (23:30): WITA decides.
        (wita(2026, 9, 13, 7, 30), False),
        # 23:30 WITA on the 12th is 15:30 UTC the same day: still inside.
        (wita(2026, 9, 12, 23, 30), True),
    ],
)
def test_the_window_ends_on_the_last_day_inside_in_wita(moment, open_):
    profile = OfficeProfile.objects.get(is_active=True)
    with frozen(moment):
        check = window(datetime.date(2026, 3, 12), profile=profile)
    assert check.batas == datetime.date(2026, 9, 12)
    assert check.terbuka is open_
    if not open_:
        assert check.pesan.startswith(
            "Dinonaktifkan 12-03-2026, lebih dari 6 bulan lalu (batas 12-09-2026): "
        )
    else:
        assert "batas reaktivasi" in check.pesan and "12-09-2026" in check.pesan


def test_a_month_without_the_day_ends_on_its_last_day_and_the_profile_sets_months():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    profile = OfficeProfile.objects.get(is_active=True)
    profile.reaktivasi_batas_bulan = 3
    with frozen(wita(2026, 6, 13)):
        check = window(datetime.date(2026, 3, 12), profile=profile)
    assert (check.batas, check.terbuka) == (datetime.date(2026, 6, 12), False)
    assert "lebih dari 3 bulan lalu (batas 12-06-2026)" in check.pesan


# --- The desa's form, the lane, the detail page and the verifier ----------------


def test_a_reactivation_inside_its_window_takes_the_reactivation_lane(
    login, operator_a, desa_a
):
    with frozen(wita(2026, 9, 12, 22, 0)):
        client = login(operator_a)
        usulan = post_form(client, desa_a, reactivation(desa_a))
        assert usulan is not None
        assert (usulan.jalur, usulan.reaktivasi_alasan) == ("reaktivasi", "kronis")
        assert usulan.reaktivasi_nonaktif_sejak == datetime.date(2026, 3, 12)
        html = client.get(usulan.get_absolute_url()).content.decode()
    assert "Penyakit kronis" in html
    assert "batas reaktivasi hari ini (12-09-2026)" in html


def test_past_the_window_it_is_ordinary_and_says_why_to_desa_and_verifier(
    login, operator_a, desa_a, verifikator
):
    with frozen(wita(2026, 9, 13, 7, 30)):
        client = login(operator_a)
        usulan = post_form(client, desa_a, reactivation(desa_a))
        upload_all(usulan, operator_a)
        assert usulan_submit(usulan_id=usulan.pk, by=operator_a)
        usulan.refresh_from_db()
        assert (usulan.status, usulan.jalur) == ("diajukan", "biasa")
        expected = (
            "Dinonaktifkan 12-03-2026, lebih dari 6 bulan lalu (batas 12-09-2026)"
        )
        assert expected in client.get(usulan.get_absolute_url()).content.decode()
        page = login(verifikator).get(f"/verifikasi/{usulan.pk}/")
    assert page.status_code == 200
    assert expected in page.content.decode()


def test_the_lane_is_judged_again_on_the_submission_day(operator_a, desa_a):
    with frozen(wita(2026, 9, 10)):
        usulan = make_usulan(
            operator_a, household_data=reactivation(desa_a), members=[member(desa_a)]
        )
        assert usulan.jalur == "reaktivasi"
        upload_all(usulan, operator_a)
    with frozen(wita(2026, 9, 14)):
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan.refresh_from_db()
    assert usulan.jalur == "biasa"


def test_a_return_and_a_resubmission_after_the_window_keep_the_lane(
    operator_a, desa_a, verifikator
):
    with frozen(wita(2026, 9, 11)):
        usulan = make_usulan(
            operator_a, household_data=reactivation(desa_a), members=[member(desa_a)]
        )
        upload_all(usulan, operator_a)
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
        usulan_return(
            usulan_id=usulan.pk,
            by=verifikator,
            notes=[{"item": "data", "item_label": "Isian", "pesan": "Alamat kurang"}],
        )
    with frozen(wita(2026, 10, 1)):
        usulan.refresh_from_db()
        usulan_save(
            usulan=usulan,
            household={
                **reactivation(desa_a),
                "noka_lama": usulan.noka_lama,
                "alamat": "BANJAR DINAS KELOD",
            },
            members=[],
            by=operator_a,
        )
        usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan.refresh_from_db()
    assert (usulan.status, usulan.jalur) == ("diajukan", "reaktivasi")
    assert usulan.reaktivasi_dinilai_pada == datetime.date(2026, 9, 11)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"jenis": "MIG34", "noka_lama": "", "segmen_asal": ""},
            "reaktivasi_alasan",
            "hanya untuk usulan MIG37",
        ),
        (
            {"reaktivasi_nonaktif_sejak": ""},
            "reaktivasi_nonaktif_sejak",
            "Isi tanggal kartu PBI dinonaktifkan",
        ),
        (
            {"reaktivasi_nonaktif_sejak": datetime.date(2026, 9, 13)},
            "reaktivasi_nonaktif_sejak",
            "tidak boleh setelah hari ini",
        ),
        (
            {"reaktivasi_alasan": "lainnya"},
            "reaktivasi_keterangan",
            "Tuliskan alasan reaktivasinya",
        ),
    ],
)
def test_the_form_refuses_an_incomplete_reactivation(
    login, operator_a, desa_a, changes, field, message
):
    with frozen(wita(2026, 9, 12, 23, 0)):
        client = login(operator_a)
        data = reactivation(desa_a)
        data.update(changes)
        response = client.post("/usulan/baru/", form_post(data, [member(desa_a)]))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Usulan.objects.exists()


def test_the_counter_records_a_reactivation_too(login, loket, desa_a):
    data = walk_in(desa_a, berkas=())
    data.update(
        jenis="MIG37",
        noka_lama="0001234567890",
        segmen_asal="pbi_apbn",
        reaktivasi_alasan="bayi",
        reaktivasi_nonaktif_sejak="2026-08-01",
    )
    with frozen(wita(2026, 9, 1)):
        response = login(loket).post("/usulan/loket/", data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["loket_form"].errors,
        response.context["formset"].errors,
    )
    usulan = Usulan.objects.get()
    assert (usulan.sumber, usulan.jalur, usulan.reaktivasi_alasan) == (
        "loket",
        "reaktivasi",
        "bayi",
    )


# --- The faskes letter, per profile ---------------------------------------------


def _missing(usulan) -> str:
    return " ".join(missing_items(usulan))


@pytest.mark.parametrize(
    ("alasan", "needed"),
    [
        ("kronis", True),
        ("katastropik", True),
        ("darurat", True),
        ("bayi", False),
        ("lainnya", False),
    ],
)
def test_the_medical_reasons_need_the_faskes_letter_by_default(
    operator_a, desa_a, alasan, needed
):
    with frozen(wita(2026, 4, 1)):
        usulan = make_usulan(
            operator_a,
            household_data=reactivation(
                desa_a, alasan=alasan, reaktivasi_keterangan="pindah domisili"
            ),
            members=[member(desa_a)],
        )
    assert (LETTER in _missing(usulan)) is needed


def test_an_office_may_ask_the_letter_for_a_newborn_and_not_for_chronic_illness(
    operator_a, desa_a
):
    profile = OfficeProfile.objects.get(is_active=True)
    profile.reaktivasi_alasan_surat_faskes = ["bayi", "darurat"]
    profile.full_clean()
    profile.save()
    with frozen(wita(2026, 4, 1)):
        bayi = make_usulan(
            operator_a,
            household_data=reactivation(desa_a, alasan="bayi"),
            members=[member(desa_a)],
        )
        kronis = make_usulan(
            operator_a,
            household_data=reactivation(desa_a, alasan="kronis"),
            members=[member(desa_a, birth=datetime.date(1960, 1, 2))],
        )
    assert LETTER in _missing(bayi)
    assert LETTER not in _missing(kronis)


def test_an_ordinary_mig37_needs_no_faskes_letter(operator_a, desa_a):
    data = reactivation(desa_a, alasan="")
    usulan = make_usulan(operator_a, household_data=data, members=[member(desa_a)])
    assert usulan.jalur == "biasa" and usulan.reaktivasi_nonaktif_sejak is None
    assert LETTER not in _missing(usulan)


def test_the_profile_refuses_an_unknown_reason():
    profile = OfficeProfile.objects.get(is_active=True)
    profile.reaktivasi_alasan_surat_faskes = ["kronis", "flu"]
    with pytest.raises(Exception, match="kode alasan"):
        profile.full_clean()
