"""The export is what BPJS needs and no more, shaped by the office profile:
region names from the region list, one code style, constants and code maps."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs.exports import batch_workbook
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import BASE
from tests.usulan.factories import household, member
from usulan.models import Usulan
from usulan.services import usulan_save

pytestmark = pytest.mark.django_db

DIAGNOSIS = "DM tipe 2"
INTERNAL = ["KATEGORI", "STATUS DTKS", "NO USULAN", "KETERANGAN"]


def ready(operator, people: list[dict]) -> Usulan:
    desa = operator.profile.desa
    usulan = usulan_save(
        usulan=None, household=household(desa), members=people, by=operator, desa=desa
    )
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.SIAP)
    usulan.anggota_set.update(siap_sejak=BASE)
    return usulan


def rows_of(content: bytes, sheet: str) -> list[dict]:
    ws = load_workbook(io.BytesIO(content))[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]


@pytest.fixture
def family(operator_a):
    """A head of household with a chronic illness noted, his wife and a grandchild."""
    desa = operator_a.profile.desa
    return ready(
        operator_a,
        [
            member(desa, kategori="kronis", catatan=DIAGNOSIS),
            member(desa, sex="P", birth=datetime.date(1982, 3, 4)),
            member(desa, birth=datetime.date(2015, 6, 7), shdk="6", status_kawin="1"),
        ],
    )


def export(rekap) -> bytes:
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    return batch_workbook(batch, get_active_profile())


def test_the_export_names_the_regions_in_one_code_style_without_internal_data(
    family, desa_a, rekap
):
    call_command("load_profile", "buleleng", verbosity=0)
    content = export(rekap)
    rows = rows_of(content, "MIG34")
    assert len(rows) == 3
    head, wife, grandchild = ({k: c.value for k, c in row.items()} for row in rows)
    assert head["NAMA PROPINSI"] == "BALI" and head["NAMA DATI II"] == "KAB. BULELENG"
    kec = desa_a.kecamatan.kode.replace(".", "")
    assert (
        head["KODE PROPINSI"],
        head["KODE DATI II"],
        head["KODE KECAMATAN"],
        head["KODE DESA"],
    ) == ("51", "5108", kec, desa_a.kode.replace(".", ""))
    assert (head["JENIS PESERTA"], head["KELAS RAWAT"], head["KEWARGANEGARAAN"]) == (
        "22",
        "3",
        "WNI",
    )
    assert [r["PISAT"] for r in (head, wife, grandchild)] == ["1", "3", "5"]
    assert head["TMT"].date() == datetime.date(2026, 12, 1)
    # UU 27/2022: no poverty status, category or diagnosis BPJS did not ask for.
    assert not set(INTERNAL) & set(head)
    workbook = load_workbook(io.BytesIO(content))
    every_value = [
        str(cell.value)
        for ws in workbook.worksheets
        for r in ws.iter_rows()
        for cell in r
    ]
    assert not any(DIAGNOSIS in v for v in every_value)
    assert not any("DTKS" in v for v in every_value)


def test_constants_code_maps_and_code_style_come_from_the_profile(
    family, desa_a, rekap
):
    call_command("load_profile", "buleleng", verbosity=0)
    profile = get_active_profile()
    profile.kode_wilayah = "bagian"
    profile.nilai_tetap = {
        "jenis_peserta": "PBI-APBD",
        "kelas_rawat": "III",
        "kewarganegaraan": "INDONESIA",
    }
    profile.peta_kode = {
        **profile.peta_kode,
        "jenis_kelamin": {"L": "1", "P": "2"},
        "status_kawin": {"1": "BK", "2": "K", "3": "CH", "4": "CM"},
    }
    profile.kolom_internal = True
    profile.full_clean()
    profile.save()
    head, wife, grandchild = (
        {k: c.value for k, c in row.items()} for row in rows_of(export(rekap), "MIG34")
    )
    kec_part = desa_a.kecamatan.kode.split(".")[-1]
    assert (
        head["KODE PROPINSI"],
        head["KODE DATI II"],
        head["KODE KECAMATAN"],
        head["KODE DESA"],
    ) == ("51", "08", kec_part, desa_a.kode.split(".")[-1])
    assert (head["JENIS PESERTA"], head["KELAS RAWAT"], head["KEWARGANEGARAAN"]) == (
        "PBI-APBD",
        "III",
        "INDONESIA",
    )
    assert [r["JENIS KELAMIN"] for r in (head, wife)] == ["1", "2"]
    assert [r["STATUS KAWIN"] for r in (head, grandchild)] == ["K", "BK"]
    # The office chose to send its own columns.
    assert head["KETERANGAN"] == DIAGNOSIS and head["KATEGORI"]


def test_a_profile_change_after_locking_does_not_change_what_was_sent(family, rekap):
    call_command("load_profile", "buleleng", verbosity=0)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    profile = get_active_profile()
    before = rows_of(batch_workbook(batch, profile), "MIG34")
    profile.nilai_tetap = {**profile.nilai_tetap, "jenis_peserta": "21"}
    profile.kode_wilayah = "titik"
    profile.save()
    after = rows_of(batch_workbook(batch, profile), "MIG34")
    assert [{k: c.value for k, c in r.items()} for r in after] == [
        {k: c.value for k, c in r.items()} for r in before
    ]
