"""Helpers for the served-page benchmarks (B8 load, B9 page weight).

- ``prepare_data``: the demo data plus bench accounts (260 operators across the
  148 desa, 10 staff) and extra usulan so that lists look like a cut-off day.
  Idempotent: a second run only tops up what is missing.
- ``Server``: gunicorn (and optionally the job worker) on 127.0.0.1 with DEBUG
  off, collected and compressed static (whitenoise, manifest names); always
  stopped by the caller (context manager), process group killed.
- ``CpuMeter``: CPU seconds of the server's processes (gunicorn, job worker,
  PostgreSQL backends of the bench database) and of the whole machine.

Call ``common.setup()`` before importing this module's Django-using functions.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import django
import psutil
from common import RESULTS_DIR, ROOT, migrate
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from demo.people import FEMALE_PREFIX, GIVEN, MALE_PREFIX, TEMPAT, kk_for, nik_for
from demo.services import seed_demo
from demo.usulan_demo import demo_pdf
from kis_portal.accounts.models import UserProfile
from kis_portal.accounts.services import ensure_role_groups
from kis_portal.offices.selectors import get_active_profile
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota, Usulan
from usulan.services import dokumen_upload, pengajuan_create

BENCH_PASSWORD = "bench-load-12345"  # noqa: S105 - bench database only
OPERATOR_PREFIX = "bload_op"
STAFF_PREFIX = "bload_staff"
# The ten staff on a cut-off day: mostly verifiers and the counter.
STAFF_ROLES = [
    "verifikator",
    "verifikator",
    "verifikator",
    "verifikator",
    "petugas_loket",
    "petugas_loket",
    "kepala_dinas",
    "staf_rekap",
    "petugas_distribusi",
    "admin",
]
# Status mix of the extra usulan (weights): most are past the desa already.
STATUS_MIX = [
    ("draft", 8),
    ("diajukan", 30),
    ("dikembalikan", 5),
    ("cek_lapangan", 5),
    ("menunggu_acc", 5),
    ("siap", 10),
    ("dikirim", 10),
    ("terdaftar", 22),
    ("ditolak", 5),
]
STATIC_ROOT = RESULTS_DIR / "served-static"
MEDIA_ROOT = RESULTS_DIR / "served-media"


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- Data ----------------------------------------------------------------------------


def ensure_demo() -> None:
    """seed_demo once (the region, profiles, demo accounts and cases)."""

    if not get_user_model().objects.filter(username="admin").exists():
        log("seed_demo ...")
        seed_demo()


def _bulk_users(rows: list[tuple[str, str, object, str]]) -> None:
    """Create users (username, role, desa, jabatan) with one shared password hash.

    Hashing once keeps setup fast (PBKDF2 costs ~0.3 s per call); logging in
    still runs the full hash check on the server, as in production.
    """

    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[r[0] for r in rows]).values_list(
            "username", flat=True
        )
    )
    todo = [r for r in rows if r[0] not in existing]
    if not todo:
        return
    ensure_role_groups()
    hashed = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=u, password=hashed, first_name="Bench", last_name=u)
            for u, *_ in todo
        ]
    )
    groups = {g.name: g for g in Group.objects.all()}
    Through = User.groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=user.pk, group_id=groups[role].pk)
            for user, (_, role, _, _) in zip(users, todo, strict=True)
        ]
    )
    UserProfile.objects.bulk_create(
        [
            UserProfile(user=user, desa=desa, jabatan=jabatan)
            for user, (_, _, desa, jabatan) in zip(users, todo, strict=True)
        ]
    )


def _desa_list():
    return list(Desa.objects.select_related("kecamatan").order_by("kode"))


def ensure_accounts(n_operators: int, n_staff: int) -> None:
    desa = _desa_list()
    rows = [
        (
            f"{OPERATOR_PREFIX}{i:03d}",
            "operator_desa",
            desa[(i - 1) % len(desa)],
            "Operator desa",
        )
        for i in range(1, n_operators + 1)
    ]
    rows += [
        (f"{STAFF_PREFIX}{j:02d}", STAFF_ROLES[(j - 1) % len(STAFF_ROLES)], None, "")
        for j in range(1, n_staff + 1)
    ]
    _bulk_users(rows)


class NikSource:
    """Fresh, valid NIKs for one kecamatan prefix, never one already in the database."""

    def __init__(self, prefix6: str, taken: set[str], rng: random.Random) -> None:
        self.prefix6 = prefix6
        self.taken = taken
        self.rng = rng

    def take(self, sex: str, age: tuple[int, int]) -> tuple[str, datetime.date]:
        for _ in range(1000):
            birth = datetime.date(2026 - self.rng.randint(*age), 1, 1)
            birth += datetime.timedelta(days=self.rng.randint(0, 364))
            nik = nik_for(self.prefix6, birth, sex, self.rng.randint(1, 9999))
            if nik not in self.taken:
                self.taken.add(nik)
                return nik, birth
        raise RuntimeError("no free NIK")


def taken_niks() -> set[str]:
    return set(Anggota.objects.values_list("nik", flat=True))


def _member(src: NikSource, rng, sex: str, shdk: str, kawin: str, age, kategori):
    nik, birth = src.take(sex, age)
    prefix = rng.choice(MALE_PREFIX if sex == "L" else FEMALE_PREFIX)
    return {
        "nik": nik,
        "nama": f"{prefix} {rng.choice(GIVEN)}".upper(),
        "tempat_lahir": rng.choice(TEMPAT),
        "tanggal_lahir": birth,
        "jenis_kelamin": sex,
        "shdk": shdk,
        "status_kawin": kawin,
        "kategori": kategori,
    }


def household_members(src: NikSource, rng: random.Random, size: int) -> list[dict]:
    out = [_member(src, rng, "L", "1", "2", (35, 70), "miskin")]
    if size > 1:
        out.append(_member(src, rng, "P", "3", "2", (30, 65), "miskin"))
    for _ in range(size - 2):
        out.append(_member(src, rng, rng.choice("LP"), "4", "1", (1, 25), "miskin"))
    return out


def ensure_usulan(per_desa: int) -> int:
    """Extra usulan in every desa (bulk, mixed statuses); returns how many were added.

    Every bench desa also gets an open pengajuan with its cover documents and one
    draft, so usulan created during the load join it and can be submitted.
    """

    User = get_user_model()
    operators = {
        u.profile.desa_id: u
        for u in User.objects.filter(username__startswith=OPERATOR_PREFIX)
        .select_related("profile")
        .order_by("-username")
    }
    taken = taken_niks()
    profile = get_active_profile()
    cover = list(profile.requirements.filter(level="pengajuan")) if profile else []
    added = 0
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    for index, desa in enumerate(_desa_list()):
        operator = operators.get(desa.pk)
        if operator is None:
            continue
        have = Usulan.objects.filter(desa=desa, created_by=operator).count()
        if have >= per_desa:
            continue
        rng = random.Random(10_000 + index)  # noqa: S311 - bench data
        src = NikSource(desa.kecamatan.nik_prefix, taken, rng)
        with transaction.atomic():
            pengajuan = pengajuan_create(
                desa=desa, by=operator, nomor_surat=f"400/B8/{index:03d}"
            )
            for req in cover:
                dokumen_upload(
                    requirement_kode=req.kode,
                    requirement_nama=req.nama,
                    level="pengajuan",
                    upload=SimpleUploadedFile(f"{req.kode}.pdf", demo_pdf(req.nama)),
                    by=operator,
                    pengajuan=pengajuan,
                )
            need = per_desa - have
            picked = ["draft"] + rng.choices(statuses, weights, k=need - 1)
            usulan_rows, member_rows = [], []
            for n, status in enumerate(picked):
                entered = datetime.date(2015, 1, 1) + datetime.timedelta(
                    days=rng.randint(0, 3000)
                )
                usulan_rows.append(
                    Usulan(
                        jenis="MIG34",
                        sumber="desa",
                        pengajuan=pengajuan,
                        desa=desa,
                        no_kk=kk_for(desa.kecamatan.nik_prefix, entered, 5000 + n),
                        alamat=f"BANJAR DINAS {rng.choice(['KAJA', 'KELOD', 'KANGIN', 'KAUH'])}",
                        rt=f"{rng.randint(1, 9):03d}",
                        rw=f"{rng.randint(1, 5):03d}",
                        telepon="081234567890",
                        status=status,
                        submitted_at=None
                        if status == "draft"
                        else datetime.datetime.now(datetime.UTC),
                        created_by=operator,
                    )
                )
                member_rows.append(household_members(src, rng, rng.randint(1, 5)))
            created = Usulan.objects.bulk_create(usulan_rows)
            Anggota.objects.bulk_create(
                [
                    Anggota(
                        usulan=usulan,
                        aktif=usulan.status != "ditolak",
                        kode_faskes="09020107",
                        nama_faskes="PUSKESMAS BULELENG I",
                        **member,
                    )
                    for usulan, members in zip(created, member_rows, strict=True)
                    for member in members
                ]
            )
            added += len(created)
    return added


def fresh_niks(n_per_operator: int, n_operators: int) -> dict[str, list[dict]]:
    """For each operator, households (2 members) whose NIKs are unused: the
    forms the load test submits."""

    out: dict[str, list[dict]] = {}
    taken = taken_niks()
    rng = random.Random(int(time.time()))  # noqa: S311 - bench data
    users = (
        get_user_model()
        .objects.filter(username__startswith=OPERATOR_PREFIX)
        .select_related("profile__desa__kecamatan")
        .order_by("username")[:n_operators]
    )
    for user in users:
        src = NikSource(user.profile.desa.kecamatan.nik_prefix, taken, rng)
        homes = []
        for _ in range(n_per_operator):
            members = household_members(src, rng, 2)
            for m in members:
                m["tanggal_lahir"] = m["tanggal_lahir"].isoformat()
            homes.append(members)
        out[user.username] = homes
    return out


def prepare_data(n_operators: int, n_staff: int, usulan_per_desa: int) -> None:
    start = time.perf_counter()
    migrate()
    ensure_demo()
    ensure_accounts(n_operators, n_staff)
    added = ensure_usulan(usulan_per_desa)
    log(f"data ready in {time.perf_counter() - start:.1f} s ({added} usulan added)")


def open_session(user) -> str:
    """A logged-in session key, as the browser holds it after the login form.

    B8 uses it because logging 270 people in through the form during the ramp
    costs ~0.35 s of PBKDF2 CPU each (B8_REAL_LOGIN=1 does that instead); B9
    because the login page is measured on its own.
    """

    # The first backend that can load a user from a session (the throttle
    # backend in front of it only checks logins).
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(load_backend(path), "get_user")
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- Server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    """The environment of a production-like server on loopback (HTTP, DEBUG off)."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_MANIFEST": "1",
            "STATIC_ROOT": str(STATIC_ROOT),
            "MEDIA_ROOT": str(MEDIA_ROOT),
            "SECURE_COOKIES": "0",  # plain HTTP on loopback
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "KIS_2FA": "0",  # production's default is on; the load test times pages
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            # Login throttling (django-axes), if present, must not count the bench.
            "AXES_ENABLED": "0",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _static_fingerprint() -> str:
    digest = hashlib.sha256(django.__version__.encode())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def collectstatic() -> None:
    """collectstatic with the manifest + compressed storage (gzip and brotli).

    Skipped when static/ has not changed since the last bench collected it
    (compressing every file takes ~10 s on a busy 2-core machine).
    """
    stamp = STATIC_ROOT / ".bench-fingerprint"
    fingerprint = _static_fingerprint()
    if (
        stamp.exists()
        and stamp.read_text() == fingerprint
        and (STATIC_ROOT / "staticfiles.json").exists()
    ):
        log("collectstatic: static/ unchanged, reusing " + str(STATIC_ROOT))
        return
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "--clear"],
        cwd=ROOT,
        env=server_env(),
        check=True,
        timeout=300,
    )
    stamp.write_text(fingerprint)
    log(f"collectstatic in {time.perf_counter() - start:.1f} s")


@dataclass
class Server:
    """gunicorn (gthread) and optionally the job worker; stop() kills both groups."""

    workers: int = 2
    threads: int = 4
    with_worker: bool = False
    port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
        env = server_env()
        errlog = open(RESULTS_DIR / "gunicorn.log", "w")  # noqa: SIM115
        self.procs.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "kis_portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--worker-class",
                    "gthread",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "--no-control-socket",
                    "--error-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=errlog,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        if self.with_worker:
            self.procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "db_worker",
                        "--interval",
                        "1",
                        "--no-reload",
                        "--no-startup-delay",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=open(RESULTS_DIR / "db_worker.log", "w"),  # noqa: SIM115
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[0].poll() is not None:
                self.stop()
                raise RuntimeError(
                    "gunicorn exited; see " + str(RESULTS_DIR / "gunicorn.log")
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def pids(self) -> list[int]:
        """The server's processes now: gunicorn master and workers, job worker."""

        out = []
        for proc in self.procs:
            try:
                p = psutil.Process(proc.pid)
                out.append(p.pid)
                out.extend(c.pid for c in p.children(recursive=True))
            except psutil.NoSuchProcess:
                pass
        return out

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
        self.procs.clear()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- CPU -----------------------------------------------------------------------------


def _db_name() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]


class CpuMeter:
    """Samples CPU seconds once a second: the app server, its database, the machine.

    ``window(t0, t1)`` gives the average use between two timestamps as % of all
    cores (100 % = both cores busy).
    """

    def __init__(self, server: Server, interval: float = 1.0) -> None:
        self.psutil = psutil
        self.server = server
        self.interval = interval
        self.samples: list[tuple[float, ...]] = []
        self._waits: dict[int, float] = {}
        self.client_pids: set[int] = set()
        self._procs: dict[int, object] = {}
        self._totals: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.cores = psutil.cpu_count() or 1

    def _proc(self, pid: int):
        if pid not in self._procs:
            self._procs[pid] = self.psutil.Process(pid)
        return self._procs[pid]

    def _cpu(self, pids: list[int]) -> float:
        total = 0.0
        for pid in pids:
            try:
                t = self._proc(pid).cpu_times()
                self._totals[pid] = t.user + t.system
            except self.psutil.Error:
                pass
            total += self._totals.get(pid, 0.0)
        return total

    def _pg_pids(self) -> list[int]:
        name = _db_name()
        out = []
        for p in self.psutil.process_iter(["name", "cmdline"]):
            cmd = " ".join(p.info["cmdline"] or [])
            if cmd.startswith("postgres:") and f" {name} " in f"{cmd} ":
                out.append(p.pid)
        return out

    def _sample(self) -> None:
        app_pids = self.server.pids()
        pg_pids = self._pg_pids()
        # Count processes seen earlier too (their last reading), so that a
        # connection or worker that ended does not make the total go down.
        client_pids = list(self.client_pids)
        app = self._cpu(app_pids)
        pg = self._cpu(pg_pids)
        client = self._cpu(client_pids)
        gone = set(self._totals) - set(app_pids) - set(pg_pids) - set(client_pids)
        app += sum(self._totals[p] for p in gone if p in self._app_seen)
        client += sum(self._totals[p] for p in gone if p in self.client_pids)
        pg += sum(
            self._totals[p]
            for p in gone
            if p not in self._app_seen and p not in self.client_pids
        )
        self._app_seen.update(app_pids)
        t = self.psutil.cpu_times()
        machine = t.user + t.nice + t.system + t.irq + t.softirq + t.steal
        wait = self._run_queue_wait(app_pids)
        self.samples.append((time.time(), app, pg, machine, client, wait))

    def _run_queue_wait(self, pids: list[int]) -> float:
        """Seconds the server's threads spent runnable but waiting for a CPU.

        Linux /proc/<pid>/task/<tid>/schedstat: (on-CPU ns, run-queue wait ns,
        time slices). High wait next to low CPU use means other processes
        held the cores.
        """
        for pid in pids:
            total = 0
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    total += int((task / "schedstat").read_text().split()[1])
            except (OSError, ValueError, IndexError):
                continue
            self._waits[pid] = max(self._waits.get(pid, 0.0), total / 1e9)
        return sum(self._waits.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def start(self) -> CpuMeter:
        self._app_seen: set[int] = set()
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()

    def window(self, t0: float, t1: float) -> dict[str, float]:
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(inside) < 2:
            return dict.fromkeys(
                ("app", "db", "machine", "client", "seconds", "wait"), 0.0
            )
        a, b = inside[0], inside[-1]
        wall = (b[0] - a[0]) * self.cores
        return {
            "app": 100 * (b[1] - a[1]) / wall,
            "db": 100 * (b[2] - a[2]) / wall,
            "machine": 100 * (b[3] - a[3]) / wall,
            "client": 100 * (b[4] - a[4]) / wall,
            "seconds": b[0] - a[0],
            # run-queue wait of the server's threads per second of their CPU
            "wait": (b[5] - a[5]) / max(1e-9, (b[1] - a[1])),
        }


def wait_for_quiet(max_wait: float, load: float = 2.0) -> float:
    """Wait (bounded) until the 1-minute load average is below ``load``.

    The machine is shared: a load test while other jobs hold both cores
    measures them, not the portal. Returns the load average at the start.
    """
    deadline = time.monotonic() + max_wait
    said = 0.0
    while os.getloadavg()[0] >= load and time.monotonic() < deadline:
        if time.monotonic() - said >= 60:
            log(f"waiting for a quieter machine: load average {os.getloadavg()[0]:.2f}")
            said = time.monotonic()
        time.sleep(10)
    return os.getloadavg()[0]
