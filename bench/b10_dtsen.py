"""B10: a DTSEN desil ranking of 1,000,000 rows imported and matched to 250,000 usulan.

Portal path, as the office meets it: ``dtks.imports.import_dtks`` reads SIKS-NG's
"Pemeringkatan Desil" export (NO, NO KK, NIK, DESIL NASIONAL, PERIODE; CSV) and
replaces the period's records (checks, spool, COPY into a staging table, first row
per NIK, insert into the indexed table); then the dashboard's DTSEN figure
(``laporan.selectors.counts_by_desil``) matches every member of the 250,000-usulan
register by NIK, by the household's No. KK or by another member's NIK, and counts
them per desa, desil band and route under the office profile's rule table.

Floor, in the same run: COPY of the same rows (already in the table's format)
into the same table (``verifikasi_dtksrecord``) with the same indexes.

Targets: import + match within 2x the floor; peak RSS growth <= 200 MB.

    .venv/bin/python bench/b10_dtsen.py          # full size
    QUICK=1 .venv/bin/python bench/b10_dtsen.py  # 1/100
"""

import gc
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

os.environ.setdefault("MEDIA_ROOT", str(common.RESULTS_DIR / "media"))
common.setup()

from django.db import connection, transaction  # noqa: E402

from bench import factory, files_data  # noqa: E402
from dtks.imports import import_dtks  # noqa: E402
from dtks.models import DtksPeriode, DtksRecord  # noqa: E402
from laporan.selectors import Lingkup, counts_by_desil  # noqa: E402
from usulan.models import Anggota  # noqa: E402

ROWS = common.scale(1_000_000)
USULAN = common.scale(250_000)
TABLE = DtksRecord._meta.db_table
HEADER = "NO,NO KK,NIK,DESIL NASIONAL,PERIODE"
# Later than any period the other benchmarks or the demo use: this ranking is the
# latest, so the match reads it.
KODE, FLOOR_KODE, FILE_PERIODE = "2039-Q4", "2039-Q3", "Triwulan IV 2039"
# Every usulan, whenever created.
NULL = "\\N"  # COPY text format
WHOLE = Lingkup()

REGISTER_ROWS = """
SELECT a.id, a.nik, u.no_kk, u.id % 10 AS route,
       row_number() OVER (PARTITION BY a.usulan_id ORDER BY a.id) AS nth
FROM usulan_anggota a JOIN usulan_usulan u ON u.id = a.usulan_id
ORDER BY a.id
"""


def ranking_file(rows: int) -> tuple[Path, dict[str, int]]:
    """The ranking as SIKS-NG exports it, written once per size.

    Households whose usulan id ends in 0-5 are ranked member by member (NIK);
    in 6 only the first member, under the household's KK (the others match by
    KK); in 7 only the first member, under an older KK (the others match by that
    member's NIK); in 8-9 nobody. Other residents fill the file up to `rows`.
    """
    files_data.DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = files_data.DATA_DIR / f"dtsen-{rows}-{USULAN}.csv"
    counts = {"register": 0, "filler": 0}
    if path.exists():
        return path, counts
    rng = random.Random(10)  # noqa: S311 - benchmark data
    partial = path.with_suffix(".part")
    taken: set[str] = set()
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        written = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DECLARE register NO SCROLL CURSOR FOR {REGISTER_ROWS}")
            while written < rows:
                cursor.execute("FETCH 5000 FROM register")
                batch = cursor.fetchall()
                if not batch:
                    break
                for _id, nik, no_kk, route, nth in batch:
                    taken.add(nik)
                    if route >= 8 or (route >= 6 and nth > 1):
                        continue
                    kk = no_kk if route != 7 else f"{no_kk[:12]}9999"
                    written += 1
                    desil = 1 + (int(no_kk[-4:]) * 7) % 10
                    out.write(f"{written},{kk},{nik},{desil},{FILE_PERIODE}\n")
                    if written >= rows:
                        break
        counts["register"] = written
        people = factory.People(31, taken)
        desas = factory.ensure_wilayah()
        while written < rows:
            desa = desas[rng.randrange(len(desas))]
            home = people.household(desa.kecamatan.nik_prefix, rng.randint(1, 6))
            desil = rng.choice(("", *map(str, range(1, 11))))
            for person in home.members:
                if written >= rows:
                    break
                written += 1
                out.write(
                    f"{written},{home.no_kk},{person.nik},{desil},{FILE_PERIODE}\n"
                )
        counts["filler"] = written - counts["register"]
    partial.rename(path)
    return path, counts


def floor_lines(path: Path, periode_id: int) -> io.StringIO:
    """The rows the import stores, in COPY text format for the records table (not
    timed): each NIK's first row, as the import keeps it (a person of the register
    may sit in two usulan, so the file can name an NIK twice)."""
    buffer = io.StringIO()
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            _no, kk, nik, desil, _periode = line.rstrip("\n").split(",")
            if nik in seen:
                continue
            seen.add(nik)
            desil = desil or NULL
            buffer.write(f"{periode_id}\t{nik}\t{kk}\t\t{NULL}\t\t\t\t{desil}\n")
    buffer.seek(0)
    return buffer


def floor_copy(path: Path) -> float:
    """COPY the same rows into the same table, with its indexes; removed after."""
    periode = DtksPeriode.objects.create(kode=FLOOR_KODE)
    lines = floor_lines(path, periode.pk)
    columns = "periode_id, nik, no_kk, nama, tanggal_lahir, jenis_kelamin, "
    columns += "kode_desa, iddtks, desil"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.cursor.copy_expert(f"COPY {TABLE} ({columns}) FROM STDIN", lines)
            seconds = time.perf_counter() - start
    finally:
        drop([FLOOR_KODE])
    return seconds


def drop(codes: list[str]) -> None:
    ids = list(DtksPeriode.objects.filter(kode__in=codes).values_list("pk", flat=True))
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE periode_id = ANY(%s)", [ids])
        DtksPeriode.objects.filter(pk__in=ids).delete()


def main() -> None:
    common.migrate()
    report = common.Report(
        "B10",
        "Impor pemeringkatan desil DTSEN 1.000.000 baris dan pencocokan",
        f"SIKS-NG desil ranking CSV of {ROWS:,} rows (NO, NO KK, NIK, DESIL, PERIODE); "
        f"register of {USULAN:,} usulan",
    )
    base = files_data.prepare()
    register = factory.ensure_usulan(USULAN)
    drop([KODE, FLOOR_KODE])
    path, counts = ranking_file(ROWS)
    report.note(
        f"register {register.usulan:,} usulan, {register.anggota:,} members; file "
        f"{path.stat().st_size / 1024 / 1024:.1f} MB"
        + (
            f" ({counts['register']:,} rows from the register, {counts['filler']:,} "
            "other residents)"
            if counts["register"]
            else " (reused)"
        )
    )
    try:
        floor = min(floor_copy(path) for _ in range(2))
        # As common.timed does: the building of the register leaves a heap whose
        # collection would otherwise land inside the timed section.
        gc.collect()
        with path.open("rb") as handle, files_data.PeakRss() as memory:
            start = time.perf_counter()
            result = import_dtks(handle, periode=KODE, by=base.rekap)
            imported_at = time.perf_counter()
            data = counts_by_desil(WHOLE)
            end = time.perf_counter()
        total = end - start
        report.figure(
            f"import {ROWS:,} rows and match {register.usulan:,} usulan",
            total,
            "s",
            floor=floor,
            target="<= 2x floor",
            ok=total <= 2 * floor,
        )
        report.note(
            f"import {imported_at - start:.3f} s ({(imported_at - start) / floor:.2f}x "
            f"the floor), match and count {end - imported_at:.3f} s "
            f"({(end - imported_at) / floor:.2f}x)"
        )
        report.figure(
            "peak RSS growth (import and match)",
            memory.growth_mb,
            "MB",
            target="<= 200 MB",
            ok=memory.growth_mb <= 200,
        )
        total_counts = data["total"]
        bands = dict(zip(data["pita"], total_counts["pita"], strict=True))
        routes = dict(zip(data["jalur"], total_counts["jalur"], strict=True))
        report.note(
            f"imported {result.imported:,}, rejected {result.rejected:,}; members "
            f"counted {total_counts['jumlah']:,} in {len(data['rows'])} desa: "
            f"{bands}; {routes}; ambiguous {total_counts['ragu']:,}"
        )
        expected = Anggota.objects.exclude(usulan__status="draft").count()
        if total_counts["jumlah"] != expected:
            raise SystemExit(
                f"B10: counted {total_counts['jumlah']} members, expected {expected}"
            )
    finally:
        drop([KODE, FLOOR_KODE])
    report.save()


if __name__ == "__main__":
    main()
