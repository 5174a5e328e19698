"""Run every benchmark (bench/b<N>_*.py, in numeric order) and summarise them.

    python bench/run.py              # all, full scale (make bench)
    QUICK=1 python bench/run.py      # all at 1/100 scale (make bench QUICK=1)
    python bench/run.py b1 b7        # only these
    python bench/run.py --keep       # keep the benchmark database afterwards

Scripts are found by name (b<N>_<what>.py) and run in numeric order; each scales
its workload with common.scale (QUICK: 1/100). B10 (bench/b10_dtsen.py) imports a
1,000,000-row DTSEN desil ranking and matches it to the 250,000-usulan register
(10,000 rows and 2,500 usulan in QUICK mode).

Each script runs in its own process against a fresh PostgreSQL database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kis_bench),
created here and dropped at the end; B8 and B9 (the served portal on the demo's
data) get a second one, <name>_served. The summary lists every figure from
bench/out/*.json with its floor, ratio, target and verdict. The exit status is
non-zero when a script fails (crashes), not when a target is missed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from common import DEFAULT_DATABASE_URL, QUICK, RESULTS_DIR, admin_sql  # noqa: E402

SCRIPT = re.compile(r"b(\d+)_\w+\.py")
# These serve the portal as users meet it, on seed_demo's world: they get a
# database of their own, since seed_demo would otherwise take the other
# benchmarks' 250,000 usulan into its monthly batch.
SERVED = {"b8_load", "b9_weight"}
# No script may hang the run: each is stopped after 20 minutes (a whole full run took 22-35).
SCRIPT_TIMEOUT = 20 * 60


def scripts(only: list[str]) -> list[Path]:
    found = sorted(
        (int(m[1]), path)
        for path in BENCH.glob("b[0-9]*.py")
        if (m := SCRIPT.fullmatch(path.name))
    )
    chosen = [path for _, path in found]
    if only:
        chosen = [p for p in chosen if any(p.name.startswith(f"{o}_") for o in only)]
    return chosen


def database_name(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    # The runner drops this database: never one that is not for benchmarks.
    if not name or "bench" not in name:
        raise SystemExit(
            f"Refusing to create and drop database {name!r}: its name must contain "
            "'bench' (set BENCH_DATABASE_URL)."
        )
    return name


def with_database(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{int(value):,}"


def summary(codes: list[str]) -> list[str]:
    lines = []
    rows = []
    for code in codes:
        path = RESULTS_DIR / f"{code}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        for row in data["rows"]:
            if "what" not in row:  # notes and raw data (B9's page table)
                continue
            verdict = "-" if row["ok"] is None else ("OK" if row["ok"] else "MISSED")
            rows.append(
                [
                    data["code"],
                    row["what"],
                    f"{fmt(row['value'])} {row['unit']}",
                    fmt(row["floor"]),
                    "-" if row["ratio"] is None else f"{row['ratio']:.2f}x",
                    row["target"] or "-",
                    verdict,
                ]
            )
    header = ["", "figure", "value", "floor", "ratio", "target", ""]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(
                str(cell).rjust(w) if i in (2, 3, 4) else str(cell).ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    return lines


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    only = [a for a in argv if not a.startswith("--")]
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    name = database_name(url)
    chosen = scripts(only)
    if not chosen:
        print("No benchmark scripts found.")
        return 1
    print(
        f"Benchmarks {'(QUICK, 1/100 scale) ' if QUICK else ''}on database {name}: "
        + ", ".join(p.stem for p in chosen)
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    codes = []
    for path in chosen:
        code = f"B{SCRIPT.fullmatch(path.name)[1]}"
        codes.append(code)
        (RESULTS_DIR / f"{code}.json").unlink(missing_ok=True)

    env = {**os.environ, "BENCH_DATABASE_URL": url, "QUICK": "1" if QUICK else "0"}
    env.pop("DATABASE_URL", None)  # the scripts use BENCH_DATABASE_URL only
    served_name = f"{name}_served"
    served_env = {**env, "BENCH_DATABASE_URL": with_database(url, served_name)}
    names = [name] + ([served_name] if any(p.stem in SERVED for p in chosen) else [])
    started = time.perf_counter()
    for db in names:
        admin_sql(url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin_sql(url, f'CREATE DATABASE "{db}"')
    failed: list[str] = []
    durations: dict[str, float] = {}
    try:
        for path in chosen:
            began = time.perf_counter()
            try:
                result = subprocess.run(  # noqa: S603 - our own scripts
                    [sys.executable, str(path)],
                    cwd=ROOT,
                    env=served_env if path.stem in SERVED else env,
                    timeout=SCRIPT_TIMEOUT,
                    check=False,
                )
                ok = result.returncode == 0
            except subprocess.TimeoutExpired:
                print(f"!! {path.name} did not finish in {SCRIPT_TIMEOUT} s")
                ok = False
            durations[path.stem] = time.perf_counter() - began
            if not ok:
                failed.append(path.name)
                print(f"!! {path.name} failed")
    finally:
        if not keep:
            # B1 and B2 grow a copy of the database (common.copy_database),
            # left behind only when their script was killed.
            for db in names + [f"{name}_b1_grown", f"{name}_b2_grown"]:
                admin_sql(url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    total = time.perf_counter() - started

    print(
        "\n=== Summary" + (" (QUICK: timings not compared to targets)" if QUICK else "")
    )
    for line in summary(codes):
        print(line)
    print(
        "\nTime per script: "
        + ", ".join(f"{stem} {seconds:.0f} s" for stem, seconds in durations.items())
    )
    print(f"Total: {total / 60:.1f} min ({total:.0f} s)")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
