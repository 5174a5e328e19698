"""DTSEN desil: the office's rule table, matching members to the ranking, the batch."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dtks.models import DtksPeriode, DtksRecord, UsulanSiksng
from dtks.selectors import CaraCocok
from kis_portal.offices.desil import (
    DesilRekap,
    JalurDesil,
    aturan_desil_default,
    aturan_for,
    aturan_table,
)
from kis_portal.offices.models import OfficeProfile
from rekap_bpjs.selectors import members_ready
from rekap_bpjs.services import batch_build, batch_set_member
from tests.clock import frozen, wita
from tests.foundation.test_profiles import admin_form_data
from tests.rekap_bpjs.factories import ready_household
from tests.usulan.factories import make_usulan, member, new_kk, new_nik
from usulan.models import Usulan
from usulan.selectors import member_desil, review_usulan

pytestmark = pytest.mark.django_db

# An office that sends desil 1-4 to SIKS-NG only (PBI-JK's old cut-off, say) and
# asks a letter for every APBD case.
STRICT = [
    {"dari": 1, "sampai": 4, "jalur": "siks_ng", "arti": "APBN", "justifikasi": ""},
    {"dari": 5, "sampai": 10, "jalur": "apbd", "arti": "APBD", "justifikasi": "SKTM"},
    {"dari": None, "sampai": None, "jalur": "apbd", "arti": "Baru", "justifikasi": "X"},
]


@pytest.mark.parametrize(
    ("table", "desil", "jalur", "pita"),
    [
        (None, 1, JalurDesil.SIKS_NG, "desil 1-5"),
        (None, 3, JalurDesil.SIKS_NG, "desil 1-5"),
        (None, 5, JalurDesil.SIKS_NG, "desil 1-5"),
        (None, 6, JalurDesil.APBD, "desil 6-10"),
        (None, 10, JalurDesil.APBD, "desil 6-10"),
        (None, None, JalurDesil.APBD, "belum berperingkat"),
        (STRICT, 4, JalurDesil.SIKS_NG, "desil 1-4"),
        (STRICT, 5, JalurDesil.APBD, "desil 5-10"),
        (STRICT, None, JalurDesil.APBD, "belum berperingkat"),
    ],
)
def test_the_rule_table_gives_each_desil_band_its_route(table, desil, jalur, pita):
    profile = OfficeProfile(slug="x", aturan_desil=table or aturan_desil_default())
    row = aturan_for(aturan_table(profile), desil)
    assert (row.jalur, row.pita) == (jalur, pita)
    if table is None and jalur == JalurDesil.SIKS_NG:
        assert row.arti == "Layak PBI-JK (APBN): usulkan lewat SIKS-NG"
    if table is None and jalur == JalurDesil.APBD:
        assert row.arti.startswith("Calon PBI APBD") and row.justifikasi


@pytest.mark.parametrize(
    "table",
    [
        [],
        STRICT[:2],  # no row for the unranked
        [STRICT[0], STRICT[0], *STRICT[1:]],  # desil 1-4 twice
        [{**STRICT[0], "sampai": 3}, *STRICT[1:]],  # desil 4 nowhere
        [{**STRICT[0], "jalur": "apbn"}, *STRICT[1:]],  # an unknown route
    ],
)
def test_a_rule_table_that_misses_or_repeats_a_desil_is_refused(table):
    call_command("load_profile", "buleleng", verbosity=0)
    profile = OfficeProfile.objects.get(slug="buleleng")
    profile.aturan_desil = table
    with pytest.raises(ValidationError) as exc:
        profile.full_clean()
    assert "aturan_desil" in exc.value.message_dict


def test_every_shipped_profile_loads_the_default_rule_table_and_hold():
    for slug in ("buleleng", "makassar", "lombok-timur", "sop-pbi"):
        call_command("load_profile", slug, verbosity=0)
        profile = OfficeProfile.objects.get(slug=slug)
        assert profile.aturan_desil == aturan_desil_default()
        assert profile.desil_di_rekap == DesilRekap.TAHAN


# --- Matching ----------------------------------------------------------------


def ranking(*rows: tuple[str, str, int | None], kode: str = "2026-Q3") -> None:
    """A desil ranking of (nik, no_kk, desil) rows for `kode`."""
    periode, _ = DtksPeriode.objects.get_or_create(kode=kode)
    DtksRecord.objects.bulk_create(
        DtksRecord(periode=periode, nik=nik, no_kk=kk, nama="", desil=desil)
        for nik, kk, desil in rows
    )


def matches(usulan: Usulan) -> list[tuple[str, int | None]]:
    found = member_desil(usulan.anggota_set.all())
    return [(found[m.pk].cara, found[m.pk].desil) for m in usulan.anggota_set.all()]


@pytest.fixture
def family(operator_a):
    """A household of two: the head, and a wife whose NIK DTSEN does not know."""
    return make_usulan(operator_a)


def test_a_member_matches_by_nik_first(family):
    head, wife = family.anggota_set.all()
    ranking((head.nik, "", 3), (wife.nik, "", 8))
    assert matches(family) == [(CaraCocok.NIK, 3), (CaraCocok.NIK, 8)]


def test_a_member_without_a_nik_match_matches_by_the_household_no_kk(family, desa_a):
    head, wife = family.anggota_set.all()
    # The family as DTSEN knows it: under the same KK, other NIKs (a child).
    ranking((new_nik(desa_a), family.no_kk, 4), (new_nik(desa_a), family.no_kk, 4))
    assert matches(family) == [(CaraCocok.KK, 4), (CaraCocok.KK, 4)]
    match = member_desil(family.anggota_set.all())[wife.pk]
    assert match.label == "Desil 4 (cocok lewat No. KK keluarga, 2026-Q3)"


def test_a_member_matches_by_another_members_nik(family, desa_a):
    head, wife = family.anggota_set.all()
    # The head is ranked under an older KK; the wife is not in DTSEN at all.
    ranking((head.nik, new_kk(desa_a), 2))
    assert matches(family) == [(CaraCocok.NIK, 2), (CaraCocok.ANGGOTA, 2)]


def test_an_ambiguous_household_is_not_matched_and_says_why(family, desa_a):
    ranking((new_nik(desa_a), family.no_kk, 2), (new_nik(desa_a), family.no_kk, 7))
    found = member_desil(family.anggota_set.all())
    for match in found.values():
        assert (match.cocok, match.desil, match.cara) == (False, None, "kk_ragu")
        assert "berbeda desilnya" in match.alasan
        assert "tidak dicocokkan agar tidak salah orang" in match.label


def test_other_members_in_two_bands_are_not_used(operator_a, desa_a):
    three = make_usulan(
        operator_a,
        members=[member(desa_a), member(desa_a), member(desa_a, sex="P")],
    )
    head, son, wife = three.anggota_set.all()
    ranking((head.nik, new_kk(desa_a), 2), (son.nik, new_kk(desa_a), 9))
    assert matches(three) == [
        (CaraCocok.NIK, 2),
        (CaraCocok.NIK, 9),
        (CaraCocok.ANGGOTA_RAGU, None),
    ]


def test_nobody_matches_a_later_period_is_what_counts(family, desa_a):
    head, _ = family.anggota_set.all()
    assert matches(family) == [("", None), ("", None)]
    ranking((head.nik, "", 9), kode="2026-Q2")
    ranking((new_nik(desa_a), "", 1), kode="2026-Q3")  # head gone from the latest
    assert matches(family) == [("", None), ("", None)]
    match = member_desil(family.anggota_set.all())[head.pk]
    assert match.alasan.startswith("NIK, No. KK dan anggota")


# --- The batch ---------------------------------------------------------------


@pytest.fixture
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)
    return OfficeProfile.objects.get(slug="sop-pbi")


def test_members_routed_to_siks_ng_wait_unless_refused_there(
    sop_pbi, operator_a, verifikator
):
    poor = ready_household(operator_a)  # desil 2: SIKS-NG
    middle = ready_household(operator_a, minutes=1)  # desil 7: APBD
    unranked = ready_household(operator_a, minutes=2)  # not in DTSEN: APBD
    ranking(
        (poor.anggota_set.get().nik, poor.no_kk, 2),
        (middle.anggota_set.get().nik, middle.no_kk, 7),
    )
    assert [m.usulan_id for m in members_ready()] == [middle.pk, unranked.pk]

    # Proposed through SIKS-NG, still waiting: still held.
    nik = poor.anggota_set.get().nik
    UsulanSiksng.objects.create(
        nik=nik, tanggal_usul=datetime.date(2026, 10, 1), updated_by=verifikator
    )
    assert poor.pk not in {m.usulan_id for m in members_ready()}
    # SIKS-NG refused: APBD pays.
    UsulanSiksng.objects.filter(nik=nik).update(hasil=UsulanSiksng.Hasil.DITOLAK)
    assert [m.usulan_id for m in members_ready()] == [poor.pk, middle.pk, unranked.pk]


def test_an_office_that_ignores_the_desil_takes_everyone(sop_pbi, operator_a):
    poor = ready_household(operator_a)
    ranking((poor.anggota_set.get().nik, poor.no_kk, 1))
    assert not members_ready().exists()
    sop_pbi.desil_di_rekap = DesilRekap.ABAIKAN
    sop_pbi.save()
    assert [m.usulan_id for m in members_ready()] == [poor.pk]


def test_an_office_with_its_own_bands_holds_by_them(sop_pbi, operator_a):
    five = ready_household(operator_a)
    ranking((five.anggota_set.get().nik, five.no_kk, 5))
    assert not members_ready().exists()  # default: desil 5 goes to SIKS-NG
    sop_pbi.aturan_desil = STRICT
    sop_pbi.save()
    assert [m.usulan_id for m in members_ready()] == [five.pk]


def test_an_urgent_patient_is_never_held_for_siks_ng(sop_pbi, operator_a):
    urgent = ready_household(operator_a)
    Usulan.objects.filter(pk=urgent.pk).update(jalur=Usulan.Jalur.DARURAT)
    ranking((urgent.anggota_set.get().nik, urgent.no_kk, 1))
    assert [m.usulan_id for m in members_ready()] == [urgent.pk]


def test_the_review_gives_each_member_its_desil_route_and_siks_ng_record(
    sop_pbi, family, verifikator
):
    head, wife = family.anggota_set.all()
    ranking((head.nik, "", 3), (wife.nik, "", 6))
    UsulanSiksng.objects.create(
        nik=head.nik,
        tanggal_usul=datetime.date(2026, 10, 1),
        hasil=UsulanSiksng.Hasil.DITOLAK,
        updated_by=verifikator,
    )
    rows = review_usulan(family).desil_rows()
    assert rows[head.pk].aturan.siks_ng and rows[head.pk].apbd_boleh
    assert not rows[wife.pk].aturan.siks_ng and rows[wife.pk].apbd_boleh
    assert rows[wife.pk].aturan.justifikasi


# --- Editing the rule table where the profile is edited -------------------------


def test_the_admin_edits_the_rule_table_and_the_hold(login, admin_user):
    call_command("load_profile", "buleleng", verbosity=0)
    profile = OfficeProfile.objects.get(slug="buleleng")
    url = f"/admin/offices/officeprofile/{profile.pk}/change/"
    with frozen(wita(2026, 11, 25, 10)):
        client = login(admin_user)
        page = client.get(url)
        assert "DTSEN (desil)" in page.content.decode()
        data = admin_form_data(page)
        data.update({"aturan_desil": json.dumps(STRICT), "desil_di_rekap": "abaikan"})
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        profile.refresh_from_db()
        assert profile.aturan_desil == STRICT
        assert profile.desil_di_rekap == DesilRekap.ABAIKAN

        # A table that leaves desil 5 out is refused on the form, with why.
        data["aturan_desil"] = json.dumps([{**STRICT[0], "sampai": 3}, *STRICT[1:]])
        page = client.post(url, data)
    assert page.status_code == 200
    assert "desil 1 sampai 10 tepat satu kali" in page.content.decode()


def test_the_draft_batch_says_how_many_wait_for_siks_ng(
    sop_pbi, operator_a, rekap, login
):
    poor = ready_household(operator_a, size=2)
    ready_household(operator_a, minutes=1)
    ranking((poor.anggota_set.first().nik, poor.no_kk, 4))
    with frozen(wita(2026, 11, 5, 10)):
        batch = batch_build(periode="2026-11", by=rekap).batch
        page = login(rekap).get(f"/rekap/{batch.periode}/").content.decode()
    assert batch.items.count() == 1
    assert "2 anggota siap tidak masuk rekap" in page


def test_staff_may_add_a_member_held_for_siks_ng_with_a_reason(
    sop_pbi, operator_a, rekap
):
    poor = ready_household(operator_a)
    ranking((poor.anggota_set.get().nik, poor.no_kk, 3))
    batch_build(periode="2026-11", by=rekap)
    item = batch_set_member(
        periode="2026-11",
        anggota_id=poor.anggota_set.get().pk,
        ambil=True,
        alasan="SIKS-NG belum dibuka bulan ini; pasien kronis",
        by=rekap,
    )
    assert item.diambil and item.manual == "tambah"
