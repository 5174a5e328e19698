"""Shared harness for the benchmarks in bench/: scale, database, timing, report.

Every benchmark script:
  1. calls ``setup()`` before importing project code (Django on PostgreSQL),
  2. builds its data with a deterministic factory (``demo.people``),
  3. measures the portal's path and the floor on the same data in the same run,
  4. prints a ``Report``: workload, figures, floor, ratio and target.

``QUICK=1`` (``make bench QUICK=1``) divides every workload by 100 so that all
benchmarks run in under two minutes; CI runs that mode so the scripts never
rot. Timings in quick mode are not compared to targets.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import django
import psycopg2
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("QUICK", "") not in ("", "0")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kis_bench"
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "out"))


def scale(n: int) -> int:
    """The workload size: full, or 1/100 of it in quick mode (at least 1)."""
    return max(1, n // 100) if QUICK else n


def setup() -> None:
    """Configure Django for a benchmark: PostgreSQL, no DEBUG, inline jobs."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kis_portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP in-process
    # Production turns two-factor login on; the benchmarks time pages, not the code step.
    os.environ.setdefault("KIS_2FA", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault(
        "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
    )

    # The benchmarks serve no static files from STATIC_ROOT (never collected here).
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("Benchmarks run on PostgreSQL: set BENCH_DATABASE_URL.")


def migrate() -> None:
    """Bring the benchmark database to the current schema (quietly)."""

    call_command("migrate", verbosity=0, interactive=False)


def admin_sql(url: str, sql: str) -> None:
    """One statement on the maintenance database of `url`'s server (autocommit)."""
    parts = urlparse(url)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def _admin(sql: str) -> None:
    admin_sql(os.environ["DATABASE_URL"], sql)  # set by setup()


def copy_database(suffix: str) -> str:
    """A file copy of the benchmark database, named <name>_<suffix>; returns the name.

    For measuring the same workload at a larger size without leaving the grown
    data to the scripts that run after (bench/run.py runs them on one database).
    Nothing may be connected to the database while it is copied: this closes
    Django's connection, which reopens on the next query.
    """
    name = connection.settings_dict["NAME"]
    copy = f"{name}_{suffix}"
    connection.close()
    _admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{copy}" TEMPLATE "{name}" STRATEGY FILE_COPY')
    return copy


def drop_database(name: str) -> None:
    if name == connection.settings_dict["NAME"]:
        connection.close()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def using_database(name: str) -> Iterator[None]:
    """Django's queries go to database `name` (same server) inside the block."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def timed_cpu(
    fn: Callable[[], object], repeat: int = 1
) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU seconds of ``repeat`` calls of ``fn``.

    On a shared machine the wall clock also counts time waiting for a core;
    the CPU time is the work this process (the portal's Python) did.
    """
    wall, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return wall, cpu


def load_average() -> str:
    """The machine's load average (1, 5, 15 min) and cores, for the report."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} cores"


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of values, nearest-rank."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def peak_memory_mb(fn: Callable[[], object]) -> tuple[float, object]:
    """Peak Python heap (tracemalloc) in MB while ``fn`` runs, and its result."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024 / 1024, result


class Report:
    """Prints one benchmark's workload and figures; saves them as JSON."""

    def __init__(self, code: str, title: str, workload: str) -> None:
        self.code = code
        self.title = title
        self.workload = workload
        self.rows: list[dict] = []
        print(f"\n=== {code}: {title}{' (QUICK, 1/100 scale)' if QUICK else ''}")
        print(f"workload: {workload}")

    def figure(
        self,
        what: str,
        value: float,
        unit: str,
        *,
        floor: float | None = None,
        target: str = "",
        ok: bool | None = None,
    ) -> None:
        """One measured figure, with its floor (same unit) and target."""
        ratio = value / floor if floor else None
        row = {
            "what": what,
            "value": round(value, 4),
            "unit": unit,
            "floor": None if floor is None else round(floor, 4),
            "ratio": None if ratio is None else round(ratio, 2),
            "target": target,
            "ok": None if QUICK else ok,
        }
        self.rows.append(row)
        parts = [f"  {what}: {value:.3f} {unit}"]
        if floor is not None:
            parts.append(f"floor {floor:.3f} {unit}")
            parts.append(f"ratio {ratio:.2f}x")
        if target:
            verdict = "" if QUICK or ok is None else (" OK" if ok else " MISSED")
            parts.append(f"target {target}{verdict}")
        print(" | ".join(parts))

    def note(self, text: str) -> None:
        print(f"  note: {text}")
        self.rows.append({"note": text})

    def save(self) -> None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.code}.json"
        path.write_text(
            json.dumps(
                {
                    "code": self.code,
                    "title": self.title,
                    "workload": self.workload,
                    "quick": QUICK,
                    "rows": self.rows,
                },
                indent=1,
            )
        )


class QueryCounter:
    """Counts queries: ``with connection.execute_wrapper(counter): ...``."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
