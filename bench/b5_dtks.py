"""B5: loading a DTKS/DTSEN extract of 1,000,000 rows (SIKS-NG delimited text).

Portal path: ``dtks.imports.import_dtks`` (what the background job runs):
read and check every row while spooling the good ones (sorted by NIK in parts
on disk), then replace the period's records in one transaction (the parts
merged, keeping each NIK's first row, into one COPY into the indexed table).
Floors, in the same run: the old one, psycopg2 ``copy_expert`` of the same file
into a bare table of 18 text columns (no checks, no indexes; with two indexes
built afterwards for reference); the honest one, ``COPY`` of the very rows the
import stored into the same table (``verifikasi_dtksrecord``, holding what it
holds, with all its indexes: the unique (periode, nik), nik, the name words'
GIN), as another period, in one transaction (rolled back).

Targets: within 2x the honest floor; memory constant (<= 200 MB)
whatever the size (peak RSS growth at 1/10 and at full size); progress shown
(progress updates counted).

    .venv/bin/python bench/b5_dtks.py          # full size
    QUICK=1 .venv/bin/python bench/b5_dtks.py  # 1/100
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

os.environ.setdefault("MEDIA_ROOT", str(common.RESULTS_DIR / "media"))
common.setup()

from django.db import connection, transaction  # noqa: E402

from bench import files_data  # noqa: E402
from dtks.imports import import_dtks  # noqa: E402
from dtks.models import DtksPeriode, DtksRecord  # noqa: E402

FULL = common.scale(1_000_000)
TENTH = FULL // 10
FLOOR_TABLE = "bench_dtks_floor"


def floor_copy(path: Path, *, indexes: bool = False) -> float:
    """COPY the file into a bare table (and optionally build the two indexes)."""
    columns = files_data.DTKS_HEADER.split(",")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} ({', '.join(f'{c} text' for c in columns)})"
        )
    start = time.perf_counter()
    with connection.cursor() as cursor, path.open() as handle:
        cursor.cursor.copy_expert(
            f"COPY {FLOOR_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)", handle
        )
        if indexes:
            cursor.execute(f"CREATE INDEX ON {FLOOR_TABLE} (iddtks, nomor_nik)")
            cursor.execute(f"CREATE INDEX ON {FLOOR_TABLE} (nomor_nik)")
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    return seconds


def floor_same_table(kode: str) -> tuple[float, int]:
    """(seconds, rows): COPY the period's stored rows into the same table again.

    As another period (a DtksPeriode made inside the transaction), into the
    table with every index, deferred checks run; then rolled back.
    """
    table = DtksRecord._meta.db_table
    periode = DtksPeriode.objects.get(kode=kode)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attname <> 'id' ORDER BY attnum",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
    spool = common.RESULTS_DIR / "b5-floor.copy"
    spool.parent.mkdir(parents=True, exist_ok=True)
    select = ", ".join(c if c != "periode_id" else "%s" for c in columns)
    rows = 0
    seconds = 0.0
    try:
        with transaction.atomic():
            twin = DtksPeriode.objects.create(kode=f"{kode}-floor")
            with connection.cursor() as cursor, spool.open("w") as out:
                query = cursor.cursor.mogrify(
                    f"SELECT {select} FROM {table} WHERE periode_id = %s",  # nosec B608 - catalog names
                    [twin.pk, periode.pk],
                ).decode()
                cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT", out)
            with connection.cursor() as cursor, spool.open() as data:
                start = time.perf_counter()
                cursor.cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN",
                    data,
                    size=1 << 16,
                )
                rows = cursor.cursor.rowcount
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                seconds = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    finally:
        spool.unlink(missing_ok=True)
    return seconds, rows


class _Rollback(Exception):
    pass


def periodes() -> tuple[str, str]:
    """Codes in the format the database already uses (all periods share one)."""

    monthly = (
        DtksPeriode.objects.exclude(kode__contains="Q").exists()
        and not DtksPeriode.objects.filter(kode__contains="Q").exists()
    )
    return ("2039-11", "2039-12") if monthly else ("2039-Q3", "2039-Q4")


def drop(codes) -> None:
    ids = list(DtksPeriode.objects.filter(kode__in=codes).values_list("pk", flat=True))
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM verifikasi_dtksrecord WHERE periode_id = ANY(%s)", [ids]
            )
        DtksPeriode.objects.filter(pk__in=ids).delete()


def run_import(path: Path, kode: str, by) -> tuple[float, float, list, object]:
    """(seconds, peak RSS growth MB, progress updates, result) of one import.

    Each progress update carries the seconds since the start as its last item.
    """

    updates: list[tuple] = []

    def on_progress(stage, rows, fraction):
        updates.append((stage, rows, fraction, time.perf_counter() - start))

    with path.open("rb") as handle, files_data.PeakRss() as memory:
        start = time.perf_counter()
        result = import_dtks(handle, periode=kode, by=by, on_progress=on_progress)
        seconds = time.perf_counter() - start
    return seconds, memory.growth_mb, updates, result


def main() -> None:
    common.migrate()
    report = common.Report(
        "B5",
        "Impor DTKS/DTSEN 1.000.000 baris",
        f"SIKS-NG CSV extract, 18 columns, {FULL:,} rows (and {TENTH:,})",
    )
    base = files_data.prepare()
    full_path = files_data.dtks_extract(base, FULL)
    tenth_path = files_data.dtks_extract(base, TENTH)
    report.note(
        f"file {full_path.stat().st_size / 1024 / 1024:.0f} MB "
        f"({tenth_path.stat().st_size / 1024 / 1024:.0f} MB at 1/10)"
    )
    codes = periodes()
    drop(codes)
    try:
        floor = min(floor_copy(full_path) for _ in range(2))
        floor_indexed = floor_copy(full_path, indexes=True)

        small_time, small_mem, _, _ = run_import(tenth_path, codes[1], base.rekap)
        seconds, memory, updates, result = run_import(full_path, codes[0], base.rekap)
        honest, floor_rows = min(floor_same_table(codes[0]) for _ in range(2))
        report.figure(
            f"import {FULL:,} rows (read, check, replace the period), old floor: "
            "bare COPY, no indexes",
            seconds,
            "s",
            floor=floor,
        )
        report.figure(
            f"import {FULL:,} rows, honest floor: COPY of the {floor_rows:,} stored "
            "rows into the same table with its indexes",
            seconds,
            "s",
            floor=honest,
            target="<= 2x honest floor",
            ok=seconds <= 2 * honest,
        )
        report.note(
            f"floor with the two indexes built after the COPY: {floor_indexed:.3f} s "
            f"(ratio {seconds / floor_indexed:.2f}x)"
        )
        report.figure(
            f"peak RSS growth, {TENTH:,} rows",
            small_mem,
            "MB",
            target="<= 200 MB",
            ok=small_mem <= 200,
        )
        report.figure(
            f"peak RSS growth, {FULL:,} rows",
            memory,
            "MB",
            target="<= 200 MB, about the same as at 1/10",
            ok=memory <= 200,
        )
        reading = [u for u in updates if u[0] == "membaca"]
        read_s = next(u[3] for u in updates if u[0] == "menyimpan")
        report.note(
            f"of which reading and checking the rows in Python: {read_s:.3f} s "
            f"({read_s / floor:.2f}x the floor, {read_s / honest:.2f}x the honest "
            "floor); the database's part (COPY in NIK order into the table with its "
            "indexes, the sorted parts merged meanwhile, commit, ANALYZE): "
            f"{seconds - read_s:.3f} s ({(seconds - read_s) / floor:.2f}x the floor, "
            f"{(seconds - read_s) / honest:.2f}x the honest floor)"
        )
        report.figure(
            "progress updates during the import",
            len(updates),
            "updates",
            target="progress shown (>= 10)",
            ok=len(reading) >= 10 or common.QUICK,
        )
        report.note(
            f"imported {result.imported:,}, rejected {result.rejected:,} "
            f"(duplicate NIKs among generated people); {TENTH:,} rows took "
            f"{small_time:.3f} s; last progress {[u[:3] for u in updates[-2:]]}"
        )
    finally:
        drop(codes)
    report.save()


if __name__ == "__main__":
    main()
