"""The dashboard's DTSEN figures: members per desil band and route, per desa, equal
to each member matched one by one (the usulan page's own match)."""

from collections import Counter

import pytest
from django.urls import reverse

from dtks.models import DtksPeriode, DtksRecord
from kis_portal.offices.desil import aturan_table
from kis_portal.offices.selectors import get_active_profile
from laporan.selectors import counts_by_desil
from usulan.models import Usulan
from usulan.selectors import member_desil

from .test_dasbor import SEP_NOV, SEP_NOV_QUERY, usulan_expected

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(pipeline, desa_a):
    """DTSEN ranks some members by NIK, one household only by its KK, and gives
    another household's KK two desils (ambiguous)."""
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    households = [u for u in usulan_expected(SEP_NOV) if u.status != "draft"]
    by_nik, by_kk, ambiguous = households[0], households[1], households[2]
    for index, m in enumerate(by_nik.anggota_set.all()):
        DtksRecord.objects.create(periode=periode, nik=m.nik, nama="", desil=2 + index)
    DtksRecord.objects.create(
        periode=periode, nik="5108060101900001", no_kk=by_kk.no_kk, nama="", desil=9
    )
    for nik, desil in (("5108060101900002", 1), ("5108060101900003", 6)):
        DtksRecord.objects.create(
            periode=periode, nik=nik, no_kk=ambiguous.no_kk, nama="", desil=desil
        )
    return households


def expected(households: list[Usulan]) -> dict[str, Counter]:
    table = aturan_table(get_active_profile())
    out: dict[str, Counter] = {}
    for usulan in households:
        for match in member_desil(usulan.anggota_set.all()).values():
            rule = match.aturan(table)
            counter = out.setdefault(usulan.desa.nama, Counter())
            counter[rule.pita] += 1
            counter[rule.jalur] += 1
            counter["ragu"] += 0 if match.cocok or not match.cara else 1
    return out


def test_the_desil_counts_per_desa_equal_the_members_matched_one_by_one(ranked):
    data = counts_by_desil(SEP_NOV)
    assert data["pita"] == ["desil 1-5", "desil 6-10", "belum berperingkat"]
    found = {
        row["nama"]: Counter(
            {
                **dict(zip(data["pita"], row["pita"], strict=True)),
                **dict(zip(["siks_ng", "apbd"], row["jalur"], strict=True)),
                "ragu": row["ragu"],
            }
        )
        for row in data["rows"]
    }
    want = expected(ranked)
    assert {k: +v for k, v in found.items()} == {k: +v for k, v in want.items()}
    assert data["total"]["jumlah"] == sum(u.anggota_set.count() for u in ranked)
    # The ambiguous household's members are counted as such, and unranked.
    assert data["total"]["ragu"] == sum(c["ragu"] for c in want.values()) > 0
    assert sum(data["total"]["jalur"]) == data["total"]["jumlah"]


def test_the_dashboard_shows_the_desil_table(ranked, login, kadis):
    html = login(kadis).get(reverse("laporan:dasbor"), SEP_NOV_QUERY).content.decode()
    assert 'id="tabel-desil"' in html
    assert "Desil 1-5" in html and "Usulkan lewat SIKS-NG (PBI-JK APBN)" in html
