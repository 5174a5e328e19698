"""B8 cut-off day load: desa operators and office staff on the real pages.

Run by bench/b8_load.py (which prepares the accounts file and the server);
standalone use needs B8_USERS_FILE. Environment:

  B8_USERS_FILE    JSON written by b8_load.py: accounts, their pages, fresh NIKs
  B8_RAW_OUT       where to write every request (time, name, ms, ok) as JSON
  B8_THINK         mean think time between tasks, seconds (default 10)
  B8_OPERATORS     number of operator users (fixed count)
  B8_STAFF         number of staff users (fixed count)
  B8_MAX_REQUESTS  stop the run after this many requests (a safety bound)
  B8_RAMP          the ramp instead of a steady load: request-rate multipliers, one
                   per stage ("2,3,4"): every user's think time is divided by it
  B8_STAGE_S       seconds per ramp stage (default 40)
  B8_STAGE_SKIP_S  seconds at the start of a stage left out (the switch; default 10)
  B8_RAMP_LIMIT_MS the ramp stops after the first stage whose p95 passes this, or
                   that has an error (default 300)

Task mix per user (weights): lists 55, details 20, submits with an upload 15,
searches 7, exports 3. A "submit" moves the operator's own household along:
create the draft with the real form (2 members), upload each missing document
(PDF or phone JPEG), then submit it to the office. Staff have no desa forms:
their submit share goes to lists.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
from locust import HttpUser, LoadTestShape, between, events, task
from PIL import Image, ImageDraw, ImageFilter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

THINK = float(os.environ.get("B8_THINK", "10"))
MAX_REQUESTS = int(os.environ.get("B8_MAX_REQUESTS", "100000"))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPLOAD_RE = re.compile(r'action="(/usulan/\d+/dokumen/[^"/]+/)"')
DETAIL_RE = re.compile(r"/usulan/(\d+)/$")
DOWNLOAD_RE = re.compile(r'href="(/tugas/\d+/unduh/)"')
JOB_RE = re.compile(r"/tugas/\d+/$")
JOB_STATUS_RE = re.compile(r'id="job-status">([^<]+)<')
SEARCH_TERMS = ["SUARDANA", "NI LUH", "WIRAWAN", "KAJA", "ASTAWA", "KETUT", "DEWI"]

RAMP = [float(x) for x in os.environ.get("B8_RAMP", "").split(",") if x.strip()]
STAGE_S = float(os.environ.get("B8_STAGE_S", "40"))
STAGE_SKIP_S = float(os.environ.get("B8_STAGE_SKIP_S", "10"))
RAMP_LIMIT_MS = float(os.environ.get("B8_RAMP_LIMIT_MS", "300"))

_config: dict = {}
_raw: list[tuple] = []
_marks: dict = {}
# The ramp's current request-rate multiplier: think times are divided by it.
_pace = {"rate": RAMP[0] if RAMP else 1.0}


def config() -> dict:
    if not _config:
        with open(os.environ["B8_USERS_FILE"]) as fh:
            _config.update(json.load(fh))
        _config["op_iter"] = itertools.cycle(_config["operators"])
        _config["staff_iter"] = itertools.cycle(_config["staff"])
    return _config


# --- Documents a desa operator uploads -------------------------------------------------


def _scan_pdf(kib: int = 150) -> bytes:
    """A one-page PDF carrying an incompressible image stream, like a scanner's."""
    body = random.Random(1).randbytes(kib * 1024)  # noqa: S311
    head = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    )
    stream = b"3 0 obj << /Length " + str(len(body)).encode() + b" >>\nstream\n"
    tail = b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%EOF\n"
    return head + stream + body + tail


def _phone_jpeg() -> bytes:
    """A 1600x1200 photo of a document as WhatsApp sends it (~200-300 KB)."""

    rng = random.Random(2)  # noqa: S311
    image = Image.new("L", (1600, 1200), 235)
    draw = ImageDraw.Draw(image)
    for y in range(60, 1160, 22):
        x = 80
        while x < 1500:
            w = rng.randint(20, 110)
            draw.rectangle([x, y, x + w, y + 12], fill=rng.randint(20, 90))
            x += w + rng.randint(8, 20)
    noise = Image.effect_noise((1600, 1200), 18)
    image = Image.blend(image, noise, 0.12).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


DOCS = [("pindai.pdf", "application/pdf"), ("foto.jpg", "image/jpeg")]
_doc_bytes: dict[str, bytes] = {}


def doc_content(name: str) -> bytes:
    if name not in _doc_bytes:
        _doc_bytes[name] = _scan_pdf() if name.endswith(".pdf") else _phone_jpeg()
    return _doc_bytes[name]


# --- Recording -----------------------------------------------------------------------


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kw):
    _raw.append((time.time(), name, round(response_time, 2), exception is None))
    if len(_raw) >= MAX_REQUESTS and "capped" not in _marks:
        _marks["capped"] = time.time()
        runner = kw.get("context", {}).get("runner") or _runner.get("runner")
        if runner is not None:
            gevent.spawn(runner.quit)


_runner: dict = {}


@events.user_error.add_listener
def _task_error(user_instance, exception, tb, **kw):
    """A task that crashed is an error too (it is not a failed request)."""
    _raw.append((time.time(), f"task error: {exception!r}"[:120], 0.0, False))


@events.init.add_listener
def _init(environment, **kw):
    _runner["runner"] = environment.runner
    _marks["start"] = time.time()


@events.spawning_complete.add_listener
def _spawned(user_count, **kw):
    _marks.setdefault("spawned", time.time())


@events.quitting.add_listener
def _write(environment, **kw):
    _marks["stop"] = time.time()
    path = os.environ.get("B8_RAW_OUT")
    if path:
        with open(path, "w") as fh:
            json.dump({"marks": _marks, "requests": _raw}, fh)


# --- Users ---------------------------------------------------------------------------


class BrowserRetry(Retry):
    """Resend a GET once when a kept-alive connection was closed under it.

    Browsers do this silently: gunicorn closes idle connections after 2 s
    (its keep-alive), exactly the job page's refresh interval, and a request
    sent on a connection the server is closing at that instant gets a reset.
    Counted, and reported by b8_load.py.
    """

    def increment(self, *args, **kwargs):
        _marks["retries"] = _marks.get("retries", 0) + 1
        return super().increment(*args, **kwargs)


class PortalUser(HttpUser):
    abstract = True
    account: dict

    def wait_time(self) -> float:
        return random.uniform(THINK / 2, THINK * 1.5) / _pace["rate"]  # noqa: S311

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311
        self.csrf = ""
        retry = BrowserRetry(
            total=1, connect=1, read=1, status=0, other=0, allowed_methods={"GET"}
        )
        self.client.mount("http://", HTTPAdapter(max_retries=retry))
        self.login()

    # Helpers ---------------------------------------------------------------------

    def _remember_csrf(self, response) -> None:
        match = CSRF_RE.search(response.text or "")
        if match:
            self.csrf = match.group(1)

    def page(self, url: str, name: str):
        """GET a portal page; a failure unless it renders 200 for this user."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.error or ''}")
            elif "/accounts/login/" in response.url and "/accounts/login/" not in url:
                response.failure("logged out")
            else:
                self._remember_csrf(response)
            return response

    def post(self, url: str, name: str, data: dict, files=None, expect: str = ""):
        """POST a real form with its CSRF token; follow the redirect like a browser."""
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            url,
            data=data,
            files=files,
            name=name,
            headers={"Referer": self.host + url},
            catch_response=True,
        ) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.error or ''}")
            elif "/accounts/login/" in response.url:
                response.failure("logged out")
            elif "alert-danger" in text or (expect and expect not in text):
                response.failure(f"form not accepted at {response.url}")
            else:
                self._remember_csrf(response)
            return response

    def login(self) -> None:
        if os.environ.get("B8_REAL_LOGIN", "") in ("", "0"):
            # Logged in since the morning: the session the bench opened for them.
            self.client.cookies.set(config()["session_cookie"], self.account["session"])
            self.page("/", "login: open portal")
            return
        self.page("/accounts/login/", "login page")
        self.post(
            "/accounts/login/",
            "login",
            {"username": self.account["username"], "password": config()["password"]},
        )

    def export_and_wait(self, url: str, name: str, data: dict) -> None:
        """Start an export, watch its job page refresh (every 2 s), download it."""
        response = self.post(url, name, data, expect="Semua tugas latar")
        if not JOB_RE.search(response.url or ""):
            return
        job_path = response.url.removeprefix(self.host)
        started = time.time()
        for _ in range(30):
            status = JOB_STATUS_RE.search(response.text or "")
            link = DOWNLOAD_RE.search(response.text or "")
            if link:
                self.client.get(link.group(1), name="export: download")
                self._job_event(time.time() - started, None)
                return
            if status and status.group(1) == "Gagal":
                break
            gevent.sleep(2)
            response = self.page(job_path, "export: job page")
        self._job_event(time.time() - started, RuntimeError("export job failed"))

    def _job_event(self, seconds: float, exception) -> None:
        """The export as the user waits for it: from the job page to the file."""
        self.environment.events.request.fire(
            request_type="JOB",
            name="job: export ready",
            response_time=seconds * 1000,
            response_length=0,
            exception=exception,
            context={},
        )

    def search(self) -> None:
        term = self.rng.choice(SEARCH_TERMS + self.account.get("search", []))
        self.page(f"/usulan/?q={term}", "search: usulan")


class OperatorUser(PortalUser):
    fixed_count = int(os.environ.get("B8_OPERATORS", "260"))

    def on_start(self) -> None:
        self.account = next(config()["op_iter"])
        # The steady run and the ramp enter different households (same server).
        homes = self.account["homes"]
        half = len(homes) // 2
        self.homes = list(homes[:half] if RAMP else homes[half:])
        self.draft: dict | None = None
        self.mine: list[int] = []
        super().on_start()

    @task(55)
    def lists(self) -> None:
        url = self.rng.choice(self.account["lists"])
        self.page(url, f"list: {url}")

    @task(20)
    def detail(self) -> None:
        pk = self.rng.choice(self.mine or self.account["usulan"])
        self.page(f"/usulan/{pk}/", "detail: usulan")

    @task(7)
    def searches(self) -> None:
        self.search()

    @task(3)
    def export(self) -> None:
        self.export_and_wait("/distribusi/ekspor/", "export: kartu desa", {})

    @task(15)
    def submit(self) -> None:
        if self.draft and self.draft["uploads"]:
            self.upload()
        elif self.draft:
            pk = self.draft["pk"]
            self.post(
                f"/usulan/{pk}/ajukan/",
                "submit: ajukan",
                {},
                expect="diajukan ke Dinas Sosial",
            )
            self.draft = None
        elif self.homes:
            self.create()
        else:
            self.upload_again()

    def _after_detail(self, response) -> None:
        match = DETAIL_RE.search(response.url.split("#")[0])
        if match:
            pk = int(match.group(1))
            self.draft = {"pk": pk, "uploads": UPLOAD_RE.findall(response.text or "")}
            if pk not in self.mine:
                self.mine.append(pk)

    def create(self) -> None:
        members = self.homes.pop()
        data = {
            "jenis": "MIG34",
            "no_kk": members[0]["nik"][:6] + "010125" + members[0]["nik"][-4:],
            "alamat": "BANJAR DINAS KAJA",
            "rt": "001",
            "rw": "002",
            "telepon": "081234567890",
            "noka_lama": "",
            "segmen_asal": "",
            "client_token": str(uuid.uuid4()),
            "anggota_set-TOTAL_FORMS": str(len(members)),
            "anggota_set-INITIAL_FORMS": "0",
            "anggota_set-MIN_NUM_FORMS": "0",
            "anggota_set-MAX_NUM_FORMS": "20",
        }
        for i, m in enumerate(members):
            p = f"anggota_set-{i}-"
            data.update(
                {
                    p + "nik": m["nik"],
                    p + "nama": m["nama"],
                    p + "tempat_lahir": m["tempat_lahir"],
                    p + "tanggal_lahir": m["tanggal_lahir"],
                    p + "jenis_kelamin": m["jenis_kelamin"],
                    p + "shdk": m["shdk"],
                    p + "status_kawin": m["status_kawin"],
                    p + "kategori": m["kategori"],
                    p + "kode_faskes": "09020107",
                    p + "nama_faskes": "PUSKESMAS BULELENG I",
                    p + "telepon": "",
                    p + "catatan": "",
                }
            )
        response = self.post(
            "/usulan/baru/", "submit: create", data, expect="tersimpan"
        )
        self._after_detail(response)

    def upload(self) -> None:
        url = self.draft["uploads"].pop(0)
        name, ctype = self.rng.choice(DOCS)
        response = self.post(
            url,
            "submit: upload",
            {},
            files={"berkas": (name, doc_content(name), ctype)},
            expect="tersimpan",
        )
        self._after_detail(response)

    def upload_again(self) -> None:
        """No household left to enter: replace a document on a draft instead."""
        pk = self.rng.choice(self.mine) if self.mine else None
        response = self.page(f"/usulan/{pk}/", "detail: usulan") if pk else None
        if response is not None:
            self._after_detail(response)


class StaffUser(PortalUser):
    fixed_count = int(os.environ.get("B8_STAFF", "10"))

    def on_start(self) -> None:
        self.account = next(config()["staff_iter"])
        super().on_start()

    @task(55 + 15)
    def lists(self) -> None:
        url = self.rng.choice(self.account["lists"])
        self.page(url, f"list: {url}")

    @task(20)
    def detail(self) -> None:
        pk = self.rng.choice(config()["staff_usulan"])
        self.page(f"/usulan/{pk}/", "detail: usulan")

    @task(7)
    def searches(self) -> None:
        self.search()

    @task(3)
    def export(self) -> None:
        kecamatan = self.rng.choice(config()["kecamatan"])
        self.export_and_wait(
            "/laporan/unduh/peserta/",
            "export: peserta",
            {"peserta-kecamatan": kecamatan},
        )


class HealthUser(HttpUser):
    """The floor: the bare health endpoint at the same concurrency and pacing."""

    wait_time = between(THINK / 2, THINK * 1.5)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="health")


# --- The ramp --------------------------------------------------------------------------


def stage_verdict(start: float, end: float) -> tuple[float, int, int]:
    """p95 (ms), requests and errors of one stage's measured part."""
    rows = [
        r
        for r in _raw
        if start <= r[0] <= end and not r[1].startswith(("job", "export: download"))
    ]
    times = sorted(r[2] for r in rows if not r[1].startswith("task error"))
    p95 = (
        times[max(0, min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1))]
        if times
        else 0.0
    )
    return p95, len(rows), sum(not r[3] for r in rows)


if RAMP:

    class RampShape(LoadTestShape):
        """Every user at once, then shorter think times stage by stage (B8_RAMP).

        Stops after the first stage whose p95 passes B8_RAMP_LIMIT_MS or that has
        an error, or after the last stage. Each stage is in ``_marks["stages"]``:
        [start, measured from, end, rate multiplier, p95 ms, requests, errors].
        """

        users = int(os.environ.get("B8_OPERATORS", "260")) + int(
            os.environ.get("B8_STAFF", "10")
        )

        def __init__(self) -> None:
            super().__init__()
            self.stage = -1
            self.stage_start = 0.0

        def tick(self):
            now = time.time()
            if "spawned" not in _marks and self.get_current_user_count() < self.users:
                return self.users, max(10, self.users / 5)
            if self.stage < 0:
                self._begin(0, now)
            elif now - self.stage_start >= STAGE_S:
                p95, n, errors = stage_verdict(self.stage_start + STAGE_SKIP_S, now)
                _marks["stages"][-1][2:] = [now, RAMP[self.stage], p95, n, errors]
                if p95 > RAMP_LIMIT_MS or errors or self.stage + 1 >= len(RAMP):
                    return None
                self._begin(self.stage + 1, now)
            return self.users, max(10, self.users / 5)

        def _begin(self, stage: int, now: float) -> None:
            self.stage = stage
            self.stage_start = now
            _pace["rate"] = RAMP[stage]
            _marks.setdefault("stages", []).append([now, now + STAGE_SKIP_S])
