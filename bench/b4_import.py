"""B4: importing BPJS's result file (umpan balik) of 40,000 rows.

The file is as messy as real ones (bench/files_data.py result_file): title
rows, a header spelled differently and repeated at page breaks, blank rows,
NIKs as numbers, text, with an apostrophe or spaces, TMT as dates and as text
in three spellings, mixed-case status words, repeated rows, strangers,
malformed NOKAs, totals and a footnote.

Portal path, end to end: ``rekap_bpjs.results.result_apply`` (read with
``kis_portal.xlsx_read``, validate, match to the batch, apply: members, batch
items, households with their history rows and desa notifications, the stored
file, the audit record). Floors, measured in the same run on the same data:
the old one, python-calamine alone parsing the same file; the honest one, that
parse plus the very rows the import writes, written by bare set-based SQL in
one transaction (bench/floors.py: COPY for the inserted rows, one UPDATE per
table from a COPY-filled temporary table for the updated ones).

Targets: end to end within 2x the honest floor; a constant number of queries
per 1,000 rows (4,000 vs 40,000 rows).

    .venv/bin/python bench/b4_import.py          # full size
    QUICK=1 .venv/bin/python bench/b4_import.py  # 1/100
"""

import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

os.environ.setdefault("MEDIA_ROOT", str(common.RESULTS_DIR / "media"))
# Sending the SMS/WhatsApp messages is the worker's task, after the import.
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
common.setup()

from django.db import connection  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from bench import files_data, floors  # noqa: E402
from kis_portal.audit.models import AuditEvent  # noqa: E402
from notifikasi.models import Pesan, PesanKeluar  # noqa: E402
from rekap_bpjs.imports import parse_result, preview_result  # noqa: E402
from rekap_bpjs.results import result_apply  # noqa: E402
from usulan.models import Usulan  # noqa: E402

BIG, SMALL = common.scale(40_000), common.scale(4_000)
PERIODE_BIG, PERIODE_SMALL = "2032-01", "2032-02"
TAG = "B4"


def calamine_floor(content: bytes) -> int:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return len(workbook.get_sheet_by_index(0).to_python(skip_empty_area=False))


def apply(base, periode: str, result) -> tuple[float, int, object]:
    """(seconds, queries, ApplyResult) of applying one result file."""

    counter = common.QueryCounter()
    holder = {}

    def run():
        holder["result"] = result_apply(
            periode=periode,
            content=result.content,
            filename="umpan-balik.xlsx",
            by=base.rekap,
        )

    with connection.execute_wrapper(counter):
        seconds = common.timed(run)[0]
    return seconds, counter.count, holder["result"]


def check(result, expected: dict, label: str) -> None:
    counts = result.counts
    wrong = {k: (counts.get(k), v) for k, v in expected.items() if counts.get(k) != v}
    if wrong:
        raise SystemExit(f"{label}: counts differ from the file's (got, made): {wrong}")


def main() -> None:
    common.migrate()

    report = common.Report(
        "B4",
        "Impor hasil BPJS (umpan balik) 40.000 baris",
        f"{BIG:,}-member batch and its messy result file; a {SMALL:,}-member "
        "batch for the query count",
    )
    base = files_data.prepare()
    files_data.drop([PERIODE_BIG, PERIODE_SMALL], TAG)
    try:
        big = files_data.sent_batch(
            base, periode=PERIODE_BIG, members=BIG, seed=5, tag=TAG
        )
        small = files_data.sent_batch(
            base, periode=PERIODE_SMALL, members=SMALL, seed=6, tag=TAG, serial=7000
        )
        big_file = files_data.result_file(big, seed=5)
        small_file = files_data.result_file(small, seed=6, header=1)
        report.note(
            f"file {len(big_file.content) / 1024 / 1024:.1f} MB, {big_file.rows:,} rows; "
            f"made: {big_file.expected}"
        )

        floor = common.median(common.timed(lambda: calamine_floor(big_file.content), 3))

        def read_and_match():
            return preview_result(big, parse_result(big_file.content, "hasil.xlsx"))

        preview_time = common.median(common.timed(read_and_match, 3))
        report.figure(
            f"read + validate + match {BIG:,} rows (no writes)",
            preview_time,
            "s",
            floor=floor,
        )

        # The honest floor: the parse plus the same writes as bare SQL. The
        # import is run once and rolled back to see which rows it writes.
        writes = floors.capture_writes(lambda: apply(base, PERIODE_BIG, big_file))
        sql_floor = min(floors.replay(writes) for _ in range(2))
        honest = floor + sql_floor
        report.note(
            f"the import writes {writes.rows:,} rows: {writes.summary()}; as bare "
            f"SQL in one transaction (fastest of 2): {sql_floor:.3f} s"
        )

        small_time, small_queries, small_result = apply(base, PERIODE_SMALL, small_file)
        check(small_result, small_file.expected, "small")
        marker = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        pesan_before = Pesan.objects.count()
        keluar_before = PesanKeluar.objects.count()
        floors.settle(writes)  # as the floor's runs: on vacuumed tables
        big_time, big_queries, big_result = apply(base, PERIODE_BIG, big_file)
        check(big_result, big_file.expected, "big")
        report.figure(
            f"end to end {BIG:,} rows (read, validate, match, apply), old floor: "
            "the parse alone",
            big_time,
            "s",
            floor=floor,
        )
        report.figure(
            f"end to end {BIG:,} rows, honest floor: the parse + the same writes as "
            "bare SQL",
            big_time,
            "s",
            floor=honest,
            target="<= 2x honest floor",
            ok=big_time <= 2 * honest,
        )
        report.figure(
            f"apply alone {BIG:,} rows (end to end less read + match) vs the same "
            "writes as bare SQL",
            max(big_time - preview_time, 0.0),
            "s",
            floor=sql_floor,
        )
        per_small = small_queries / (SMALL / 1000)
        per_big = big_queries / (BIG / 1000)
        report.figure(
            f"queries per 1,000 rows at {SMALL:,} rows ({small_queries} queries)",
            per_small,
            "queries",
        )
        report.figure(
            f"queries per 1,000 rows at {BIG:,} rows ({big_queries} queries)",
            per_big,
            "queries",
            target=f"constant (<= the {SMALL:,}-row figure)",
            ok=per_big <= per_small,
        )
        households = Usulan.objects.filter(
            nomor__startswith=f"{files_data.NOMOR_PREFIX}{TAG}-{PERIODE_BIG}"
        )
        moved = households.exclude(status=Usulan.Status.DIKIRIM).count()
        history = AuditEvent.objects.filter(
            pk__gt=marker or 0, action=AuditEvent.Action.STATUS
        ).count()
        counts = big_result.counts
        report.note(
            f"applied: {counts}; households moved {moved:,}, history rows {history:,}, "
            f"desa messages {Pesan.objects.count() - pesan_before:,}, "
            f"SMS/WA queued {PesanKeluar.objects.count() - keluar_before:,}"
        )
        report.note(f"small file ({SMALL:,}): {small_time:.3f} s end to end")
    finally:
        files_data.drop([PERIODE_BIG, PERIODE_SMALL], TAG)
    report.save()


if __name__ == "__main__":
    main()
