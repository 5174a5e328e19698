"""B8: cut-off day load on the served portal (gunicorn + PostgreSQL + job worker).

260 desa operators and 10 staff, think time ~10 s (about 27 requests/s), for
5 minutes after every user has logged in: lists 55 %, details 20 %, submits
with an upload 15 %, searches 7 %, exports 3 % (see bench/locustfile.py).
Floor: the same server's /healthz at the same concurrency and pacing.
Targets: p95 <= 8x the floor's p95 and <= 300 ms, p99 <= 1 s, no errors, CPU
left over on the 2 cores.

Then the ramp: the same users with their think time divided by 2, 3, 4.5, 7
(one stage of 35 s each, the first 10 s of a stage left out), stopping after
the first stage whose p95 passes 300 ms or that has an error. It prints the
load at which p95 crosses 300 ms on this machine, in requests/s and in users at
the plan's 10 s think time, and the last load below it. When the steady run
itself passes 300 ms (or has an error), that is the crossing: no ramp then.

Server: gunicorn gthread, 2 workers x 4 threads (one process per core; the
threads overlap database round trips and upload reads), DEBUG off, static
collected with the manifest + compressed storage and served by whitenoise,
plus one ``manage.py db_worker`` for the exports, all on 127.0.0.1.

QUICK=1: 2 operators + 1 staff, think time 1 s, 8 s of load and two ramp
stages of 4 s (< 60 s in all once the data is there).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from common import QUICK, RESULTS_DIR, ROOT, Report, percentile, setup

setup()  # Django is configured before any project module is imported

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402
from load_support import (  # noqa: E402
    BENCH_PASSWORD,
    OPERATOR_PREFIX,
    STAFF_PREFIX,
    CpuMeter,
    Server,
    collectstatic,
    fresh_niks,
    log,
    open_session,
    prepare_data,
    wait_for_quiet,
)

from kis_portal.accounts.navigation import menu_for  # noqa: E402
from kis_portal.wilayah.models import Kecamatan  # noqa: E402
from usulan.models import Usulan  # noqa: E402

N_OPERATORS = 2 if QUICK else 260
N_STAFF = 1 if QUICK else 10
USULAN_PER_DESA = 30
THINK = 1.0 if QUICK else 10.0
# B8_STEADY_S / B8_FLOOR_S shorten a trial run; the reported run uses the defaults.
STEADY_S = int(os.environ.get("B8_STEADY_S", 8 if QUICK else 300))
SETTLE_S = 2 if QUICK else 10  # after the last login, before measuring
LOGIN_LAG_S = 4 if QUICK else 30  # logins finish after the last user spawns
REAL_LOGIN = os.environ.get("B8_REAL_LOGIN", "") not in ("", "0")
# Users started per second (a form login costs ~0.35 s of CPU: go slower then).
SPAWN_RATE = 10 if QUICK else (3 if REAL_LOGIN else 9)
FLOOR_S = int(os.environ.get("B8_FLOOR_S", 5 if QUICK else 30))
HOMES_PER_OPERATOR = 8
PLANNED_RPS = 27  # 270 users / 10 s think time
P95_FLOOR_RATIO = 8  # p95 at most this many times the /healthz floor's
# The ramp: request-rate multipliers (think time divided by them), one per stage.
RAMP = [2, 4] if QUICK else [2, 3, 4.5, 7]
STAGE_S = int(os.environ.get("B8_STAGE_S", 4 if QUICK else 35))
STAGE_SKIP_S = 1 if QUICK else 10  # the switch to a shorter think time
RAMP_LIMIT_MS = 300
EXCLUDED_PAGES = {"admin:index"}


def users_file(path: Path) -> None:
    """Accounts, the pages each one's menu shows, their usulan, fresh households."""

    User = get_user_model()
    homes = fresh_niks(HOMES_PER_OPERATOR, N_OPERATORS)

    def pages(user) -> list[str]:
        return [
            reverse(item.url_name)
            for item in menu_for(user)
            if item.url_name not in EXCLUDED_PAGES
        ]

    operators = []
    for user in (
        User.objects.filter(username__startswith=OPERATOR_PREFIX)
        .select_related("profile")
        .order_by("username")[:N_OPERATORS]
    ):
        # The usulan list is the operator's main page: it also pages and filters.
        lists = pages(user) + [
            "/usulan/",
            "/usulan/?status=diajukan",
            "/usulan/?page=2",
        ]
        mine = list(
            Usulan.objects.filter(desa_id=user.profile.desa_id)
            .order_by("-pk")
            .values_list("pk", flat=True)[:40]
        )
        operators.append(
            {
                "username": user.username,
                "session": open_session(user),
                "lists": lists,
                "usulan": mine,
                "homes": homes[user.username],
            }
        )
    staff = [
        {
            "username": user.username,
            "session": open_session(user),
            "lists": pages(user) + ["/usulan/"],
        }
        for user in User.objects.filter(username__startswith=STAFF_PREFIX).order_by(
            "username"
        )[:N_STAFF]
    ]
    data = {
        "password": BENCH_PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "operators": operators,
        "staff": staff,
        "staff_usulan": list(
            Usulan.objects.order_by("?").values_list("pk", flat=True)[:500]
        ),
        "kecamatan": [str(pk) for pk in Kecamatan.objects.values_list("pk", flat=True)],
    }
    path.write_text(json.dumps(data))


def run_locust(
    url: str,
    classes: list[str],
    users: int,
    rate: float,
    seconds: float,
    tag: str,
    meter=None,
    extra_env: dict | None = None,
) -> dict:
    """One headless locust run as a subprocess (own process group, hard timeout)."""
    out = RESULTS_DIR / f"b8-{tag}"
    raw = RESULTS_DIR / f"b8-{tag}-raw.json"
    raw.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "B8_USERS_FILE": str(RESULTS_DIR / "b8-users.json"),
            "B8_RAW_OUT": str(raw),
            "B8_THINK": str(THINK),
            "B8_OPERATORS": str(N_OPERATORS),
            "B8_STAFF": str(N_STAFF),
            # A safety bound: 3x the requests the plan expects.
            "B8_MAX_REQUESTS": str(int(max(200, 3 * users / THINK * seconds * 1.5))),
            **(extra_env or {}),
        }
    )
    cmd = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{int(seconds)}s",
        "--host",
        url,
        "--csv",
        str(out),
        "--reset-stats",
        "--only-summary",
        "--stop-timeout",
        "5",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    with open(RESULTS_DIR / f"b8-{tag}-locust.log", "w") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if meter is not None:
            meter.client_pids.add(proc.pid)
        try:
            proc.wait(timeout=seconds + 90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            raise
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
    if not raw.exists():
        raise RuntimeError(f"locust wrote no results; see b8-{tag}-locust.log")
    return json.loads(raw.read_text())


def steady(result: dict) -> tuple[list, float, float]:
    """Requests after the last login has settled, and that window."""
    marks = result["marks"]
    logins = [r[0] for r in result["requests"] if r[1].startswith("login")]
    t0 = max([marks.get("spawned", marks["start"]), *logins]) + SETTLE_S
    t1 = min(marks["stop"], t0 + STEADY_S)
    return [r for r in result["requests"] if t0 <= r[0] <= t1], t0, t1


def category(name: str) -> str:
    return name.split(":", 1)[0]


def run_ramp(url: str, main_run: dict, n_users: int) -> dict | None:
    """The ramp's locust run, unless the steady run already passed the limit."""
    reqs, _, _ = steady(main_run)
    times = [r[2] for r in reqs if category(r[1]) not in ("job", "task error")]
    if percentile(times, 95) > RAMP_LIMIT_MS or not all(r[3] for r in reqs):
        log("no ramp: the steady run already passes the limit")
        return None
    log(f"ramp: think time / {RAMP}, {STAGE_S} s a stage")
    seconds = len(RAMP) * STAGE_S + 30
    return run_locust(
        url,
        ["OperatorUser", "StaffUser"],
        n_users,
        SPAWN_RATE,
        seconds,
        "ramp",
        extra_env={
            "B8_RAMP": ",".join(str(r) for r in RAMP),
            "B8_STAGE_S": str(STAGE_S),
            "B8_STAGE_SKIP_S": str(STAGE_SKIP_S),
            "B8_RAMP_LIMIT_MS": str(RAMP_LIMIT_MS),
            "B8_MAX_REQUESTS": str(int(3 * n_users / THINK * max(RAMP) * seconds)),
        },
    )


def ramp_figures(report: Report, ramp_run: dict, n_users: int) -> None:
    """The ramp's stages, and the load at which p95 first passes the limit."""
    stages = [st for st in ramp_run["marks"].get("stages", []) if len(st) == 7]
    print(
        "\n  ramp stage   think    users*   req/s   p95 ms  err"
        f"   (* at the plan's {THINK:g} s think time)"
    )
    below = crossed = None
    for n, (_, start, end, rate, p95, _, errors) in enumerate(stages, 1):
        rows = [
            r
            for r in ramp_run["requests"]
            if start <= r[0] <= end and category(r[1]) not in ("job", "task error")
        ]
        rps = len(rows) / max(1e-9, end - start)
        stage = {"users": round(n_users * rate), "rps": rps, "p95": p95}
        print(
            f"  {n:>10}  {THINK / rate:>5.1f} s {stage['users']:>8}"
            f" {rps:>7.1f} {p95:>8.0f} {errors:>4}"
        )
        if p95 > RAMP_LIMIT_MS or errors:
            crossed = stage
            break
        below = stage
    print()
    if crossed is not None:
        report.figure(
            f"load at which p95 passes {RAMP_LIMIT_MS} ms (ramp)",
            crossed["rps"],
            "req/s",
        )
        report.figure(
            f"users at which p95 passes {RAMP_LIMIT_MS} ms (at {THINK:g} s think)",
            crossed["users"],
            "users",
        )
    else:
        report.note(
            f"the ramp's last stage stayed under {RAMP_LIMIT_MS} ms: the crossing "
            "is above the highest load tried"
        )
    if below is not None:
        report.figure(
            f"highest ramp load with p95 <= {RAMP_LIMIT_MS} ms",
            below["rps"],
            "req/s",
        )
        report.figure(
            f"users at that load (at {THINK:g} s think)",
            below["users"],
            "users",
        )


def main() -> None:
    started = time.perf_counter()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    prepare_data(N_OPERATORS, N_STAFF, USULAN_PER_DESA)
    users_file(RESULTS_DIR / "b8-users.json")
    collectstatic()
    n_users = N_OPERATORS + N_STAFF
    ramp = n_users / SPAWN_RATE
    report = Report(
        "B8",
        "cut-off day load (gunicorn gthread 2x4, PostgreSQL, job worker)",
        f"{N_OPERATORS} operators + {N_STAFF} staff, think {THINK:g} s, "
        f"{STEADY_S} s measured after {ramp:.0f} s of ramp"
        f"{' (form logins)' if REAL_LOGIN else ' (sessions open since the morning)'}; "
        "lists 55 / details 20 / submits+upload 15 / searches 7 / exports 3; "
        f"then a ramp of {len(RAMP)} stages of {STAGE_S} s (think time / {RAMP})",
    )
    load_before = wait_for_quiet(
        0 if QUICK else float(os.environ.get("B8_WAIT_S", 900))
    )
    with Server(workers=2, threads=4, with_worker=True) as server:
        log(f"server on {server.url}")
        meter = CpuMeter(server).start()
        try:
            log(f"floor: /healthz, {n_users} users, {FLOOR_S} s")
            floor = run_locust(
                server.url,
                ["HealthUser"],
                n_users,
                max(SPAWN_RATE, n_users / 10),
                FLOOR_S + min(10, n_users / max(SPAWN_RATE, n_users / 10)),
                "floor",
            )
            log(f"load: {n_users} users, ramp {ramp:.0f} s + {STEADY_S} s")
            main_run = run_locust(
                server.url,
                ["OperatorUser", "StaffUser"],
                n_users,
                SPAWN_RATE,
                ramp + SETTLE_S + STEADY_S + LOGIN_LAG_S,
                "load",
                meter,
            )
            ramp_run = run_ramp(server.url, main_run, n_users)
        finally:
            meter.stop()
    floor_reqs, _, _ = steady(floor)
    reqs, t0, t1 = steady(main_run)
    cpu = meter.window(t0, t1)
    http = [r for r in reqs if category(r[1]) not in ("job", "task error")]
    jobs = [r for r in reqs if category(r[1]) == "job"]
    times = [r[2] for r in http]
    floor_times = [r[2] for r in floor_reqs]
    errors = [r for r in reqs if not r[3]]
    window = t1 - t0
    p95, p99 = percentile(times, 95), percentile(times, 99)
    f95, f99 = percentile(floor_times, 95), percentile(floor_times, 99)

    print(
        "\n  per kind (steady window)        n    p50 ms   p95 ms   p99 ms   max ms  err"
    )
    by_kind: dict[str, list] = defaultdict(list)
    for r in http:
        by_kind[category(r[1])].append(r)
    for r in http:
        by_kind[r[1]].append(r)
    for name in sorted(by_kind, key=lambda k: (":" in k, k)):
        rows = by_kind[name]
        ts = [r[2] for r in rows]
        print(
            f"  {name[:30]:<30} {len(rows):>5} {percentile(ts, 50):>9.0f}"
            f" {percentile(ts, 95):>8.0f} {percentile(ts, 99):>8.0f} {max(ts):>8.0f}"
            f" {sum(not r[3] for r in rows):>4}"
        )
    print()
    report.figure("requests/s", len(http) / window, "req/s", target="~27 (plan)")
    report.figure(
        "p95 response time",
        p95,
        "ms",
        floor=f95,
        target=f"<= {P95_FLOOR_RATIO}x floor, <= 300 ms",
        ok=p95 <= P95_FLOOR_RATIO * f95 and p95 <= 300,
    )
    report.figure(
        "p99 response time",
        p99,
        "ms",
        floor=f99,
        target="<= 1000 ms",
        ok=p99 <= 1000,
    )
    report.figure(
        "p50 response time",
        percentile(times, 50),
        "ms",
        floor=percentile(floor_times, 50),
    )
    report.figure("errors", len(errors), "requests", target="0", ok=not errors)
    report.figure(
        "server CPU (gunicorn + job worker)",
        cpu["app"],
        "% of 2 cores",
    )
    report.figure("PostgreSQL CPU (bench database)", cpu["db"], "% of 2 cores")
    report.figure(
        "server + database CPU",
        cpu["app"] + cpu["db"],
        "% of 2 cores",
        target="< 100 % (CPU left over)",
        ok=cpu["app"] + cpu["db"] < 100,
    )
    cores = meter.cores
    cpu_ms = (cpu["app"] + cpu["db"]) / 100 * cores * cpu["seconds"] / max(1, len(http))
    report.figure(
        "server + database CPU per request", cpu_ms * 1000, "ms CPU", floor=None
    )
    planned = 100 * cpu_ms * PLANNED_RPS / cores
    report.figure(
        f"projected server + database CPU at {PLANNED_RPS} req/s",
        planned,
        "% of 2 cores",
        target="< 100 % (CPU left over)",
        ok=planned < 100,
    )
    report.figure(
        "server threads' wait for a CPU per CPU second",
        cpu["wait"],
        "s",
        target="~0 on a machine of its own",
    )
    report.figure("load generator CPU (locust)", cpu["client"], "% of 2 cores")
    report.figure(
        "other processes' CPU (not this benchmark)",
        max(0.0, cpu["machine"] - cpu["app"] - cpu["db"] - cpu["client"]),
        "% of 2 cores",
    )
    if jobs:
        report.figure(
            "export job ready (median, as the user waits)",
            percentile([r[2] for r in jobs], 50) / 1000,
            "s",
        )
    if ramp_run is None:
        # The planned load already passes the limit: that is the crossing.
        report.figure(
            f"load at which p95 passes {RAMP_LIMIT_MS} ms (the steady run)",
            len(http) / window,
            "req/s",
        )
        report.figure(
            f"users at which p95 passes {RAMP_LIMIT_MS} ms (at {THINK:g} s think)",
            n_users,
            "users",
        )
    else:
        ramp_figures(report, ramp_run, n_users)
    report.note(
        f"{len(http)} requests in {window:.0f} s steady window; "
        f"floor {len(floor_reqs)} /healthz requests; load average at start "
        f"{load_before:.2f}"
    )
    retries = main_run["marks"].get("retries", 0)
    report.note(
        f"{retries} GET(s) resent once after a kept-alive connection closed under "
        "them, as a browser does (gunicorn keep-alive 2 s)"
    )
    for r in errors[:10]:
        report.note(f"error: {r[1]}")
    report.note(f"total B8 wall time {time.perf_counter() - started:.0f} s")
    report.save()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
