"""B9: page weight and small screens, as Chromium loads the served portal.

Every page type of every role (the role's menu from
kis_portal/accounts/navigation.py, its home, one detail page and one form),
plus the public pages (/lapor/, /cek-status/, the login page), served by
gunicorn with DEBUG off and static files collected (manifest names, gzip and
brotli) and served by whitenoise.

For each page: bytes transferred on the first load (fresh browser context:
nothing cached) and on a repeat visit (same context, second navigation:
static files must come from the cache), summed from Chromium's own network
log (CDP Network.loadingFinished encodedDataLength: compressed bytes on the
wire, headers included; requests served from cache count 0); and whether the
page fits a 360 px wide phone (document scrollWidth <= 360 at 360x740).

Targets: <= 150 KB first load, <= 30 KB repeat visit, no horizontal overflow.
The floor is the login page, the lightest page built on the same base layout.

QUICK=1: the public pages and the operator's home and usulan list only.
"""

from __future__ import annotations

import re
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from common import QUICK, Report, setup

setup()  # Django is configured before any project module is imported

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402
from load_support import Server, collectstatic, log, open_session, prepare_data  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from kis_portal.accounts.navigation import menu_for  # noqa: E402

FIRST_KB = 150
REPEAT_KB = 30
WIDTH = 360
CHROMIUM = "/usr/bin/chromium"
# One demo account per role: (account, role label).
ACCOUNTS = [
    ("desa1", "operator_desa"),
    ("loket", "petugas_loket"),
    ("verifikator", "verifikator"),
    ("lapangan", "petugas_lapangan"),
    ("kadis", "kepala_dinas"),
    ("rekap", "staf_rekap"),
    ("distribusi", "petugas_distribusi"),
    ("admin", "admin"),
]
# Per role: the list page whose first link (matching the pattern) is the detail
# page measured, and the form page measured (besides the menu's own forms).
DETAIL_FROM = {
    "desa1": ("/usulan/", r"/usulan/\d+/"),
    "loket": ("/usulan/", r"/usulan/\d+/"),
    "verifikator": ("/verifikasi/", r"/usulan/\d+/"),
    "lapangan": ("/verifikasi/lapangan/", r"/verifikasi/lapangan/\d+/"),
    "kadis": ("/usulan/", r"/usulan/\d+/"),
    "rekap": ("/rekap/", r"/rekap/\d{4}-\d{2}/"),
    "distribusi": ("/distribusi/", r"/distribusi/kartu/\d+/"),
    "admin": ("/pengguna/", r"/pengguna/\d+/ubah/"),
}
FORMS = {
    "desa1": "/usulan/baru/",
    "loket": "/pengaduan/baru/",
    "verifikator": "/verifikasi/{usulan}/",  # the check list beside the documents
    "kadis": "/laporan/unduh/",
    "rekap": "/pengaduan/baru/",
    "distribusi": "/distribusi/serah-terima/baru/",
    "admin": "/pengguna/baru/",
}
PUBLIC = ["/accounts/login/", "/lapor/", "/cek-status/"]


@dataclass
class Load:
    bytes: int = 0
    requests: int = 0
    cached: int = 0
    status: int = 0
    assets: dict[str, int] = field(default_factory=dict)


@dataclass
class Row:
    role: str
    page: str
    first: Load
    repeat: Load
    scroll_width: int

    @property
    def ok(self) -> bool:
        return (
            self.first.bytes <= FIRST_KB * 1024
            and self.repeat.bytes <= REPEAT_KB * 1024
            and self.scroll_width <= WIDTH
        )


class Meter:
    """Chromium's network log for one page: bytes on the wire per request."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.done: dict[str, int] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event) -> None:
        self.cached.add(event["requestId"])

    def _response(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event) -> None:
        self.done[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        self.urls.clear()
        self.cached.clear()
        self.done.clear()

    def load(self, status: int) -> Load:
        out = Load(status=status)
        for rid, url in self.urls.items():
            if url.startswith("data:"):
                continue
            out.requests += 1
            path = re.sub(r"^https?://[^/]+", "", url)
            if rid in self.cached:
                out.cached += 1
                continue
            size = self.done.get(rid, 0)
            out.bytes += size
            out.assets[path] = out.assets.get(path, 0) + size
        return out


def visit(page, meter: Meter, url: str) -> Load:
    meter.reset()
    response = page.goto(url, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # noqa: BLE001 - a page that keeps polling still counts
        pass
    time.sleep(0.2)  # the last CDP events
    return meter.load(response.status if response else 0)


def measure(
    browser, base: str, role: str, path: str, session: str | None, cookie: str
) -> Row:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    try:
        if session:
            context.add_cookies([{"name": cookie, "value": session, "url": base}])
        page = context.new_page()
        meter = Meter(page)
        first = visit(page, meter, base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        repeat = visit(page, meter, base + path)
        return Row(role, path, first, repeat, int(width))
    finally:
        context.close()


def pages_for(username: str, html_of) -> list[str]:
    """The role's home and menu pages, its detail page and its form."""

    user = get_user_model().objects.get(username=username)
    pages = [reverse(item.url_name) for item in menu_for(user)]
    if QUICK:
        return [p for p in pages if p in ("/", "/usulan/")]
    source, pattern = DETAIL_FROM.get(username, (None, None))
    detail = None
    if source:
        match = re.search(f'href="({pattern})"', html_of(username, source))
        detail = match.group(1) if match else None
        if detail:
            pages.append(detail)
    form = FORMS.get(username)
    if form and "{usulan}" in form:
        number = re.search(r"/usulan/(\d+)/", detail or "")
        form = form.format(usulan=number.group(1)) if number else None
    if form and form not in pages:
        pages.append(form)
    return pages


def main() -> None:
    started = time.perf_counter()
    prepare_data(2 if QUICK else 260, 1 if QUICK else 10, 30)
    collectstatic()
    User = get_user_model()
    sessions = {
        name: open_session(User.objects.get(username=name)) for name, _ in ACCOUNTS
    }
    report = Report(
        "B9",
        "page weight and 360 px screens (Chromium, gunicorn + whitenoise)",
        "first load (empty cache) and repeat visit of every role's pages; "
        f"viewport {WIDTH}x740",
    )
    rows: list[Row] = []
    with Server(workers=2, threads=4) as server:
        base = server.url
        log(f"server on {base}")

        def html_of(username: str, path: str) -> str:
            request = urllib.request.Request(  # noqa: S310 - loopback
                base + path,
                headers={
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={sessions[username]}"
                },
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.read().decode()

        # Django refuses database calls inside Playwright's event loop: plan first.
        plan = [("publik", path, None) for path in PUBLIC]
        for name, role in ACCOUNTS:
            if QUICK and name != "desa1":
                continue
            plan += [(role, path, sessions[name]) for path in pages_for(name, html_of)]
        cookie = settings.SESSION_COOKIE_NAME
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM)
            try:
                for role, path, session in plan:
                    rows.append(measure(browser, base, role, path, session, cookie))
            finally:
                browser.close()

    print(
        f"\n  {'role':<19} {'page':<34} {'status':>6} {'first KB':>9} {'repeat KB':>10}"
        f" {'req':>4} {'width':>6} OK"
    )
    for row in rows:
        print(
            f"  {row.role:<19} {row.page[:34]:<34} {row.first.status:>6}"
            f" {row.first.bytes / 1024:>9.1f} {row.repeat.bytes / 1024:>10.1f}"
            f" {row.first.requests:>4} {row.scroll_width:>6}"
            f" {'yes' if row.ok else 'NO'}"
        )
    heaviest = max(rows, key=lambda r: r.first.bytes)
    print(f"\n  heaviest first load: {heaviest.role} {heaviest.page}")
    for asset, size in sorted(heaviest.first.assets.items(), key=lambda kv: -kv[1]):
        print(f"    {size / 1024:>7.1f} KB  {asset[:90]}")
    statics = defaultdict(int)
    for row in rows:
        for asset, size in row.first.assets.items():
            if "/static/" in asset:
                statics[asset.split("?")[0]] = max(statics[asset.split("?")[0]], size)
    print("\n  static files as transferred (first load):")
    for asset, size in sorted(statics.items(), key=lambda kv: -kv[1]):
        print(f"    {size / 1024:>7.1f} KB  {asset}")
    print()

    floor = next(r for r in rows if r.page == "/accounts/login/")
    bad_status = [r for r in rows if r.first.status != 200]
    first_max = max(r.first.bytes for r in rows) / 1024
    repeat_max = max(r.repeat.bytes for r in rows) / 1024
    widest = max(r.scroll_width for r in rows)
    report.figure("pages measured", len(rows), "pages")
    report.figure(
        "heaviest first load",
        first_max,
        "KB",
        floor=floor.first.bytes / 1024,
        target=f"<= {FIRST_KB} KB",
        ok=first_max <= FIRST_KB,
    )
    report.figure(
        "median first load",
        sorted(r.first.bytes for r in rows)[len(rows) // 2] / 1024,
        "KB",
        floor=floor.first.bytes / 1024,
    )
    report.figure(
        "heaviest repeat visit",
        repeat_max,
        "KB",
        floor=floor.repeat.bytes / 1024,
        target=f"<= {REPEAT_KB} KB",
        ok=repeat_max <= REPEAT_KB,
    )
    report.figure(
        "widest page at 360 px",
        widest,
        "px",
        target=f"<= {WIDTH} px",
        ok=widest <= WIDTH,
    )
    report.figure(
        "pages missing a target", sum(not r.ok for r in rows), "pages", ok=None
    )
    for row in rows:
        if not row.ok:
            report.note(
                f"missed: {row.role} {row.page} first {row.first.bytes / 1024:.1f} KB,"
                f" repeat {row.repeat.bytes / 1024:.1f} KB, width {row.scroll_width}"
            )
    for row in bad_status:
        report.note(f"status {row.first.status}: {row.role} {row.page}")
    report.note(f"total B9 wall time {time.perf_counter() - started:.0f} s")
    report.rows.append(
        {
            "pages": [
                {
                    "role": r.role,
                    "page": r.page,
                    "status": r.first.status,
                    "first_kb": round(r.first.bytes / 1024, 1),
                    "repeat_kb": round(r.repeat.bytes / 1024, 1),
                    "scroll_width": r.scroll_width,
                }
                for r in rows
            ]
        }
    )
    report.save()
    if bad_status:
        # A page that does not load is a broken benchmark, not a light page.
        raise SystemExit(f"B9: {len(bad_status)} pages did not answer 200")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
