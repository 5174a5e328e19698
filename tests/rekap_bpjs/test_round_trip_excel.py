"""Issue 19's round trip: export a batch, get BPJS's answer as Excel saves it, import.

The answer is built the way an office's Excel leaves it: NIKs typed as numbers
(15 significant digits survive, so twins' NIKs become the same number), NOKA
as numbers (leading zeros gone), BERHASIL and GAGAL on two sheets, STATUS
merged over each household's rows, TMT written "1 Januari 2027", and the
branch's own header spellings ("NIK PESERTA", "STATUS PROSES").
"""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs.exports import batch_workbook
from rekap_bpjs.models import Batch
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import BASE
from tests.usulan.factories import household, member
from usulan.models import Anggota, Usulan
from usulan.services import usulan_save

pytestmark = pytest.mark.django_db

TMT = datetime.date(2027, 1, 1)
TWIN_BIRTH = datetime.date(2020, 8, 8)


def ready(operator, *, members: list[dict], **household_extra) -> Usulan:
    desa = operator.profile.desa
    usulan = usulan_save(
        usulan=None,
        household=household(desa, **household_extra),
        members=members,
        by=operator,
        desa=desa,
    )
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.SIAP)
    usulan.anggota_set.update(siap_sejak=BASE)
    return usulan


@pytest.fixture
def sent(operator_a, operator_b, rekap) -> dict:
    """A locked batch: twins' family and a MIG37 family in desa A, one in desa B."""
    call_command("load_profile", "sop-pbi", verbosity=0)
    desa = operator_a.profile.desa
    prefix = desa.kecamatan.nik_prefix
    twins = ready(
        operator_a,
        members=[
            member(desa, nama="I WAYAN SUDARMA", birth=datetime.date(1985, 3, 12)),
            # Twins: the same 15 first digits, told apart only by the last one.
            member(
                desa,
                nik=f"{prefix}0808200011",
                nama="I PUTU ADI SAPUTRA",
                birth=TWIN_BIRTH,
                shdk="4",
                status_kawin="1",
            ),
            member(
                desa,
                nik=f"{prefix}0808200012",
                nama="I KADEK ADI SAPUTRA",
                birth=TWIN_BIRTH,
                shdk="4",
                status_kawin="1",
            ),
        ],
    )
    mig37 = ready(
        operator_a,
        jenis="MIG37",
        noka_lama="0001261832477",
        segmen_asal="mandiri",
        # Each member had their own card; the son was added later and had none.
        members=[
            member(
                desa,
                nama="I GUSTI MADE ARSA",
                birth=datetime.date(1970, 1, 2),
                noka_lama="0001261832477",
            ),
            member(
                desa,
                sex="P",
                nama="NI LUH KETUT SARI",
                birth=datetime.date(1972, 5, 6),
                noka_lama="0001261832478",
            ),
            member(
                desa,
                nama="I KETUT WIRA",
                birth=datetime.date(2001, 7, 8),
                shdk="4",
                status_kawin="1",
            ),
        ],
    )
    refused = ready(
        operator_b,
        members=[member(operator_b.profile.desa, nama="I NYOMAN GAGAL")],
    )
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    return {"batch": batch, "twins": twins, "mig37": mig37, "refused": refused}


def exported_rows(batch: Batch) -> list[dict]:
    """The members as the export gives them to BPJS, read back from the workbook."""
    wb = load_workbook(io.BytesIO(batch_workbook(batch, get_active_profile())))
    rows = []
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "NIK" not in header:
            continue
        for values in ws.iter_rows(min_row=2, values_only=True):
            rows.append(dict(zip(header, values, strict=False)))
    return rows


def as_excel_saves(digits: str) -> int:
    """A 16-digit number typed into a number cell: Excel keeps 15 digits, the 16th is 0."""
    return int(digits[:15] + "0")


def new_noka(index: int) -> str:
    return f"0002{index:09d}"


def bpjs_answer(rows: list[dict], refused_kk: str) -> bytes:
    """BPJS's answer on two sheets, as an office's Excel saves it."""
    wb = Workbook()
    ok = wb.active
    ok.title = "BERHASIL"
    ok.append(["DATA PESERTA BERHASIL DIDAFTARKAN"])
    ok.append(["NO", "NIK PESERTA", "NAMA PESERTA", "NO KARTU", "STATUS PROSES", "TMT"])
    failed = wb.create_sheet("GAGAL")
    failed.append(["NO", "NIK", "NAMA", "STATUS", "KETERANGAN"])
    households: dict[str, list[dict]] = {}
    for row in rows:
        households.setdefault(row["NO KK"], []).append(row)
    index = 0
    for kk, members in households.items():
        if kk == refused_kk:
            for row in members:
                failed.append(
                    [
                        len(failed["A"]),
                        as_excel_saves(row["NIK"]),
                        row["NAMA LENGKAP"],
                        "GAGAL",
                        "NIK tidak padan di Dukcapil",
                    ]
                )
            continue
        first = ok.max_row + 1
        for position, row in enumerate(members):
            index += 1
            ok.append(
                [
                    index,
                    as_excel_saves(row["NIK"]),
                    row["NAMA LENGKAP"].title(),
                    int(new_noka(index)),  # a number cell: the zeros are gone
                    "BERHASIL" if position == 0 else None,  # merged below
                    "1 Januari 2027",
                ]
            )
        if len(members) > 1:
            ok.merge_cells(
                start_row=first, end_row=ok.max_row, start_column=5, end_column=5
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def expected_nokas(rows: list[dict], refused_kk: str) -> dict[str, str]:
    """NIK -> the NOKA BPJS gave, in the order the answer lists them."""
    expected, index = {}, 0
    households: dict[str, list[dict]] = {}
    for row in rows:
        households.setdefault(row["NO KK"], []).append(row)
    for kk, members in households.items():
        if kk == refused_kk:
            continue
        for row in members:
            index += 1
            expected[row["NIK"]] = new_noka(index)
    return expected


def test_an_answer_saved_by_excel_gives_every_member_exactly_their_own_noka(
    sent, rekap, operator_b, login
):
    batch = sent["batch"]
    rows = exported_rows(batch)
    assert len(rows) == 7
    # The MIG37 family goes to BPJS with each member's own previous NOKA.
    assert {r["NAMA LENGKAP"]: r["NOKA"] for r in rows if r.get("NOKA")} == {
        "I GUSTI MADE ARSA": "0001261832477",
        "NI LUH KETUT SARI": "0001261832478",
    }
    refused_kk = sent["refused"].no_kk
    content = bpjs_answer(rows, refused_kk)
    # The file really is as Excel leaves it: the twins' NIKs are one number.
    sheet = load_workbook(io.BytesIO(content))["BERHASIL"]
    numbers = [c.value for c in sheet["B"][2:]]
    assert all(isinstance(n, int) for n in numbers)
    prefix = sent["twins"].desa.kecamatan.nik_prefix
    assert numbers.count(int(f"{prefix}0808200010")) == 2

    result = result_apply(
        periode="2026-11", content=content, filename="hasil.xlsx", by=rekap
    )

    counts = result.counts
    assert (counts["terdaftar"], counts["gagal"]) == (6, 1)
    # Nothing that could be recovered is held back, nobody is left waiting.
    assert (counts["tidak_cocok"], counts["salah_format"], counts["konflik"]) == (
        0,
        0,
        0,
    )
    assert counts["menunggu"] == 0
    assert counts["dipulihkan"] == 7  # every NIK came from a number cell
    assert [name for name, _ in result.preview.sheets] == ["BERHASIL", "GAGAL"]
    expected = expected_nokas(rows, refused_kk)
    held = {
        a.nik: a.noka
        for a in Anggota.objects.filter(usulan__in=[sent["twins"], sent["mig37"]])
    }
    assert held == expected
    assert len(set(held.values())) == 6
    assert set(
        Anggota.objects.filter(nik__in=expected).values_list("tmt", flat=True)
    ) == {TMT}
    assert Usulan.objects.get(pk=sent["twins"].pk).status == Usulan.Status.TERDAFTAR
    assert Usulan.objects.get(pk=sent["mig37"].pk).status == Usulan.Status.TERDAFTAR
    # The failure is back at its desa, with BPJS's reason.
    refused = Usulan.objects.get(pk=sent["refused"].pk)
    assert refused.status == Usulan.Status.GAGAL_BPJS
    page = login(operator_b).get(refused.get_absolute_url()).content.decode()
    assert "NIK tidak padan di Dukcapil" in page

    # The same file again, or the same answer saved once more: nothing changes.
    again = result_apply(
        periode="2026-11", content=content, filename="hasil.xlsx", by=rekap
    )
    assert again.already
    resaved = bpjs_answer(rows, refused_kk) + b""
    wb = load_workbook(io.BytesIO(resaved))
    wb["GAGAL"].append([])
    wb["BERHASIL"]["A1"] = "DATA PESERTA BERHASIL (salinan)"
    buffer = io.BytesIO()
    wb.save(buffer)
    later = result_apply(
        periode="2026-11", content=buffer.getvalue(), filename="hasil-2.xlsx", by=rekap
    )
    assert not later.already
    assert (later.counts["terdaftar"], later.counts["gagal"]) == (0, 0)
    assert later.counts["tidak_berubah"] == 7
    assert (later.counts["salah_format"], later.counts["konflik"]) == (0, 0)
    assert {
        a.nik: a.noka
        for a in Anggota.objects.filter(usulan__in=[sent["twins"], sent["mig37"]])
    } == expected


def test_twins_without_a_name_column_are_held_back_as_digit_hilang(sent, rekap):
    rows = exported_rows(sent["batch"])
    twins = [r for r in rows if r["NAMA LENGKAP"].endswith("ADI SAPUTRA")]
    wb = Workbook()
    wb.active.append(["NIK", "NOKA", "STATUS"])
    for index, row in enumerate(twins, start=1):
        wb.active.append([as_excel_saves(row["NIK"]), new_noka(index), "BERHASIL"])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = result_apply(
        periode="2026-11", content=buffer.getvalue(), filename="h.xlsx", by=rekap
    )

    assert result.counts["terdaftar"] == 0 and result.counts["salah_format"] == 2
    reasons = [r.reason for r in result.preview.malformed]
    assert all(r.startswith("Digit hilang") for r in reasons)
    assert "tidak memuat kolom NAMA" in reasons[0]
    assert not Anggota.objects.exclude(noka="").exists()


def test_a_row_whose_name_is_another_persons_is_held_back_with_both_names(sent, rekap):
    rows = exported_rows(sent["batch"])
    putu = next(r for r in rows if r["NAMA LENGKAP"] == "I PUTU ADI SAPUTRA")
    wb = Workbook()
    wb.active.append(["NIK", "NAMA", "NOKA", "STATUS"])
    wb.active.append([putu["NIK"], "I KADEK ADI SAPUTRA", new_noka(1), "BERHASIL"])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = result_apply(
        periode="2026-11", content=buffer.getvalue(), filename="h.xlsx", by=rekap
    )

    (held,) = result.preview.malformed
    assert '"I KADEK ADI SAPUTRA"' in held.reason
    assert '"I PUTU ADI SAPUTRA"' in held.reason
    assert not Anggota.objects.exclude(noka="").exists()
