"""BPJS's result file: a messy spreadsheet read defensively, applied once."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kis_portal.audit.models import AuditEvent
from notifikasi.models import Jenis, Pesan
from rekap_bpjs.imports import ResultFileError, parse_result, preview_result
from rekap_bpjs.models import Batch, BatchFile, BatchItem
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import TMT, noka, ready_household, xlsx_bytes
from tests.usulan.factories import pdf_file, upload_all
from usulan.models import Anggota, Usulan
from usulan.services import usulan_submit

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "5108011205800999"


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


@dataclass
class Scenario:
    batch: Batch
    enrolled_home: Usulan  # 2 members, both enrolled
    failed_home: Usulan  # 2 members, one enrolled, one failed (desa A)
    other_home: Usulan  # 1 member in desa B, its NOKA is malformed: still waiting
    members: dict[str, Anggota]


@pytest.fixture
def scenario(operator_a, operator_b, rekap) -> Scenario:
    enrolled_home = ready_household(operator_a, size=2, minutes=1)
    failed_home = ready_household(operator_a, size=2, minutes=2)
    other_home = ready_household(operator_b, size=1, minutes=3)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    a1, a2 = enrolled_home.anggota_set.order_by("pk")
    # Two members of one household whose NIKs share 15 digits need two names for
    # a number-cell NIK to tell them apart.
    a1.nama = "I KETUT ANGKA"
    a1.save(update_fields=["nama"])
    f1, f2 = failed_home.anggota_set.order_by("pk")
    (b1,) = other_home.anggota_set.all()
    return Scenario(
        batch=batch,
        enrolled_home=enrolled_home,
        failed_home=failed_home,
        other_home=other_home,
        members={"a1": a1, "a2": a2, "f1": f1, "f2": f2, "b1": b1},
    )


def result_rows(m: dict[str, Anggota]) -> list[list]:
    """BPJS-like rows: NOKA, NIK, name, status, reason, TMT (messy on purpose)."""
    a2 = m["a2"].nik
    a1_name, a2_name, f1_name, f2_name, b1_name = (
        m[key].nama for key in ("a1", "a2", "f1", "f2", "b1")
    )
    return [
        # NIK as a number cell (matched on 15 digits and the name); TMT a date cell.
        [noka(1261832477), int(m["a1"].nik), a1_name, "BERHASIL", None, TMT],
        # NIK with an apostrophe and spaces; status in lower case; TMT as text.
        [
            noka(1261832478),
            f"'{a2[:4]} {a2[4:10]} {a2[10:]}",
            a2_name.title(),
            "sukses",
            "",
            "01-12-2026",
        ],
        # The same row twice: counted once.
        [
            noka(1261832478),
            f"'{a2[:4]} {a2[4:10]} {a2[10:]}",
            a2_name.title(),
            "sukses",
            "",
            "01-12-2026",
        ],
        [noka(1261832479), m["f1"].nik, f1_name, "Terdaftar", None, "2026-12-01"],
        [None, m["f2"].nik, f2_name, "GAGAL", "NIK tidak padan di Dukcapil", None],
        # An 8-digit NOKA: too short to be one that lost its zeros; still waiting.
        ["26183248", m["b1"].nik, b1_name, "BERHASIL", None, "01/12/2026"],
        # Nobody in the batch has this NIK.
        [noka(1261832481), UNKNOWN_NIK, "X", "BERHASIL", None, "01/12/2026"],
    ]


def test_preview_of_a_messy_file_counts_each_kind(scenario):
    content = xlsx_bytes(result_rows(scenario.members))
    parsed = parse_result(content, "hasil.xlsx")
    assert parsed.columns["nik"] == "N I K"
    assert parsed.columns["noka"] == "No Kartu"
    preview = preview_result(scenario.batch, parsed)
    assert preview.counts == {
        "terdaftar": 3,
        "gagal": 1,
        "tidak_cocok": 1,
        "salah_format": 1,
        "tidak_berubah": 0,
        "konflik": 0,
        "duplikat": 1,
        "menunggu": 0,
        "dipulihkan": 1,
    }
    assert [r.nik for r in preview.unmatched] == [UNKNOWN_NIK]
    assert "tidak ada dalam rekap 2026-11" in preview.unmatched[0].reason
    (bad,) = preview.malformed
    assert bad.nik == scenario.members["b1"].nik
    assert "NOKA harus 13 angka" in bad.reason
    assert preview.failed[0].keterangan == "NIK tidak padan di Dukcapil"
    assert {r.tmt for r in preview.enrolled} == {TMT}


def test_apply_sets_members_households_and_is_idempotent(
    scenario, rekap, operator_a, operator_b, client
):
    content = xlsx_bytes(result_rows(scenario.members))
    result = result_apply(
        periode="2026-11", content=content, filename="hasil.xlsx", by=rekap
    )
    assert not result.already
    assert (result.enrolled, result.failed, result.unmatched, result.malformed) == (
        3,
        1,
        1,
        1,
    )
    assert result.counts["usulan_terdaftar"] == 1
    assert result.counts["usulan_gagal"] == 1
    m = {key: Anggota.objects.get(pk=a.pk) for key, a in scenario.members.items()}
    assert (m["a1"].status_bpjs, m["a1"].noka, m["a1"].tmt) == (
        "terdaftar",
        noka(1261832477),
        TMT,
    )
    assert m["a2"].noka == noka(1261832478)
    assert (m["f2"].status_bpjs, m["f2"].keterangan_bpjs) == (
        "gagal",
        "NIK tidak padan di Dukcapil",
    )
    assert (m["b1"].status_bpjs, m["b1"].noka) == ("", "")  # still waiting
    assert BatchItem.objects.get(anggota=m["f1"]).hasil == "terdaftar"
    scenario.enrolled_home.refresh_from_db()
    scenario.failed_home.refresh_from_db()
    scenario.other_home.refresh_from_db()
    assert scenario.enrolled_home.status == Usulan.Status.TERDAFTAR
    assert scenario.failed_home.status == Usulan.Status.GAGAL_BPJS
    assert scenario.other_home.status == Usulan.Status.DIKIRIM
    batch = Batch.objects.get(pk=scenario.batch.pk)
    assert batch.status == Batch.Status.HASIL
    stored = BatchFile.objects.get(batch=batch, kind="hasil")
    with stored.file.open("rb") as handle:
        assert handle.read() == content
    assert AuditEvent.objects.filter(action="import").count() == 1

    # The desa sees why BPJS refused; another desa does not see the usulan at all.
    page = client.get(scenario.failed_home.get_absolute_url())
    assert page.status_code == 302  # anonymous: to the login page
    client.force_login(operator_a)
    page = client.get(scenario.failed_home.get_absolute_url())
    assert page.status_code == 200
    assert "NIK tidak padan di Dukcapil" in page.content.decode()
    client.force_login(operator_b)
    assert client.get(scenario.failed_home.get_absolute_url()).status_code == 404

    # The same file again: nothing changes, the earlier counts come back.
    again = result_apply(
        periode="2026-11", content=content, filename="lagi.xlsx", by=rekap
    )
    assert again.already
    assert (again.enrolled, again.failed, again.unmatched, again.malformed) == (
        3,
        1,
        1,
        1,
    )
    assert BatchFile.objects.filter(batch=batch, kind="hasil").count() == 1
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert AuditEvent.objects.filter(to_status="gagal_bpjs").count() == 1


def test_a_later_file_fills_the_waiting_and_keeps_the_enrolled(scenario, rekap):
    m = scenario.members
    result_apply(
        periode="2026-11",
        content=xlsx_bytes(result_rows(m)),
        filename="hasil.xlsx",
        by=rekap,
    )
    later = xlsx_bytes(
        [
            [noka(1261832490), m["b1"].nik, m["b1"].nama, "BERHASIL", None, TMT],
            # Already enrolled: a failure now is a conflict, not applied.
            [None, m["a1"].nik, m["a1"].nama, "GAGAL", "Indikasi ganda", None],
            # a1's NOKA given to a2: one NOKA is one person's, held back.
            [noka(1261832477), m["a2"].nik, m["a2"].nama, "BERHASIL", None, TMT],
        ]
    )
    result = result_apply(
        periode="2026-11", content=later, filename="hasil-2.xlsx", by=rekap
    )
    assert (result.enrolled, result.failed, result.conflicts) == (1, 0, 1)
    (taken,) = result.preview.malformed
    assert f"NOKA {noka(1261832477)} sudah tercatat untuk {m['a1'].nama}" in (
        taken.reason
    )
    assert Anggota.objects.get(pk=m["b1"].pk).noka == noka(1261832490)
    a1 = Anggota.objects.get(pk=m["a1"].pk)
    assert (a1.status_bpjs, a1.noka) == ("terdaftar", noka(1261832477))
    assert Anggota.objects.get(pk=m["a2"].pk).noka == noka(1261832478)
    assert (
        Usulan.objects.get(pk=scenario.other_home.pk).status == Usulan.Status.TERDAFTAR
    )


def test_csv_with_semicolons_in_cp1252(scenario, rekap):
    m = scenario.members
    lines = [
        "Hasil verifikasi BPJS Kesehatan – Buleleng",
        "",
        "NO;NIK;NOKA;NAMA;STATUS;KETERANGAN;TMT",
        f"1;{m['a1'].nik};'{noka(11)};i ketut  angka;BERHASIL;;01-12-2026",
        f"2;5.108E+15;{noka(12)};X;BERHASIL;;01-12-2026",
        f"3;{m['f2'].nik};;I MD. UJI;DITOLAK;Sudah JKN/Indikasi Ganda: é;",
        ";;;;;;",
        f"4;{m['f1'].nik};{noka(13)};Y;DIPROSES;;",
    ]
    content = "\r\n".join(lines).encode("cp1252")
    result = result_apply(
        periode="2026-11", content=content, filename="hasil.csv", by=rekap
    )
    assert (result.enrolled, result.failed, result.unmatched, result.malformed) == (
        1,
        1,
        0,
        2,
    )
    reasons = " ".join(r.reason for r in result.preview.malformed)
    assert "angka ilmiah" in reasons
    assert 'STATUS "DIPROSES" tidak dikenal' in reasons
    assert Anggota.objects.get(pk=m["a1"].pk).noka == noka(11)
    assert (
        Anggota.objects.get(pk=m["f2"].pk).keterangan_bpjs
        == "Sudah JKN/Indikasi Ganda: é"
    )


def test_a_file_without_a_status_column_changes_nothing(scenario, rekap):
    content = xlsx_bytes(
        [
            [
                noka(1),
                scenario.members["a1"].nik,
                scenario.members["a1"].nama,
                "x",
                "y",
                "z",
            ]
        ],
        header=["NOKA", "NIK", "Nama", "Hasil Akhir", "Keterangan", "TMT"],
    )
    with pytest.raises(ResultFileError, match="Kolom wajib tidak ditemukan: STATUS"):
        result_apply(periode="2026-11", content=content, filename="h.xlsx", by=rekap)
    assert not BatchFile.objects.exists()
    assert not Anggota.objects.exclude(status_bpjs="").exists()
    assert Batch.objects.get().status == Batch.Status.TERKUNCI


def test_not_a_spreadsheet_and_wrong_role_are_refused(scenario, rekap, operator_a):
    with pytest.raises(ResultFileError):
        parse_result(pdf_file().read(), "hasil.pdf")
    content = xlsx_bytes(result_rows(scenario.members))
    with pytest.raises(ValidationError):
        result_apply(
            periode="2026-11", content=content, filename="h.xlsx", by=operator_a
        )
    assert not BatchFile.objects.exists()


def test_command_prints_counts_and_dry_run_changes_nothing(scenario, rekap, tmp_path):
    path = tmp_path / "hasil.xlsx"
    path.write_bytes(xlsx_bytes(result_rows(scenario.members)))
    out = io.StringIO()
    call_command("import_bpjs_result", "2026-11", str(path), "--dry-run", stdout=out)
    assert "terdaftar 3, gagal 1, tidak cocok 1, salah format 1" in out.getvalue()
    assert not BatchFile.objects.exists()
    out = io.StringIO()
    call_command("import_bpjs_result", "2026-11", str(path), stdout=out)
    text = out.getvalue()
    assert "terdaftar 3, gagal 1, tidak cocok 1, salah format 1" in text
    assert "NOKA harus 13 angka" in text
    assert UNKNOWN_NIK not in text  # NIKs are masked
    assert BatchFile.objects.count() == 1


def test_the_failed_household_is_fixed_and_resubmitted_by_its_desa(
    scenario, rekap, operator_a
):
    result_apply(
        periode="2026-11",
        content=xlsx_bytes(result_rows(scenario.members)),
        filename="hasil.xlsx",
        by=rekap,
    )
    usulan = Usulan.objects.get(pk=scenario.failed_home.pk)
    assert usulan.is_editable_by_desa
    upload_all(usulan, operator_a)
    assert usulan_submit(usulan_id=usulan.pk, by=operator_a)
    assert Usulan.objects.get(pk=usulan.pk).status == Usulan.Status.DIAJUKAN


def test_the_shared_sample_result_file_is_read_under_its_title_row():
    """../shared/data/hasil_bpjs_contoh.xlsx (copied into tests/data): BPJS's shape."""

    sample = Path(__file__).resolve().parents[1] / "data/hasil_bpjs_contoh.xlsx"
    parsed = parse_result(sample.read_bytes(), sample.name)
    assert len(parsed.rows) == 20
    assert {row.status for row in parsed.rows} == {"terdaftar", "gagal"}
    assert not [row for row in parsed.rows if row.problems]
    enrolled = [row for row in parsed.rows if row.status == "terdaftar"]
    assert all(len(row.noka) == 13 and row.tmt for row in enrolled)
    assert all(r.keterangan for r in parsed.rows if r.status == "gagal")


def queries_to_apply(rekap, operator, *, households: int, periode: str) -> int:
    for minute in range(households):
        ready_household(operator, size=2, minutes=minute)
    batch_build(periode=periode, by=rekap)
    batch = batch_lock(periode=periode, by=rekap)
    rows = []
    for number, item in enumerate(
        batch.items.filter(diambil=True).select_related("anggota"), start=1
    ):
        failed = number % 3 == 0
        rows.append(
            [
                # A NOKA is one person's: each batch's are new.
                None if failed else noka(number + 1000 * households),
                item.nik,
                item.anggota.nama,
                "GAGAL" if failed else "BERHASIL",
                "NIK tidak padan" if failed else None,
                TMT,
            ]
        )
    with CaptureQueriesContext(connection) as queries:
        result = result_apply(
            periode=periode, content=xlsx_bytes(rows), filename="h.xlsx", by=rekap
        )
    assert result.counts["usulan_terdaftar"] + result.counts["usulan_gagal"] == (
        households
    )
    return len(queries)


def test_applying_a_result_takes_as_many_queries_for_many_households(rekap, operator_a):
    few = queries_to_apply(rekap, operator_a, households=2, periode="2026-11")
    many = queries_to_apply(rekap, operator_a, households=12, periode="2026-12")
    assert many == few
    # Each household moved still has its history row and its desa message.

    moved = Usulan.objects.filter(
        status__in=[Usulan.Status.TERDAFTAR, Usulan.Status.GAGAL_BPJS]
    )
    assert moved.count() == 14
    assert (
        AuditEvent.objects.filter(to_status__in=["terdaftar", "gagal_bpjs"]).count()
        == 14
    )
    news = Pesan.objects.filter(jenis__in=[Jenis.TERDAFTAR, Jenis.GAGAL_BPJS])
    assert news.filter(usulan__in=moved).count() == 14
