"""Who reaches which URL: every pattern x every role x GET/POST against a committed table.

The table is tests/security/matrix/access_matrix.txt. A pattern missing from it fails the
test, as does a row whose pattern is gone. Each request runs in a savepoint that
is rolled back, so a POST that changes something (a delete, a logout, a submit)
does not change what the next request sees; POSTs carry no data.

To see the table the code produces now (to review a change, never to accept it
blindly): KIS_ACCESS_MATRIX_OUT=/tmp/observed.txt pytest tests/security/matrix -k every_url

The second test asks, as desa2's operator, for every URL taking an object with
each of desa1's objects: 404 (or the role's refusal), none of desa1's data in
the answer, and nothing of desa1 changed.
"""

import logging
import os
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from distribusi.models import Kartu
from kis_portal.accounts.services import user_create
from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.models import Job
from kis_portal.roles import Role
from notifikasi.models import PesanDibaca
from pengaduan.models import Lampiran, Pengaduan, Tanggapan
from usulan.models import Anggota, Dokumen, Pengajuan, Usulan
from verifikasi.models import Klaim

from .conftest import FIGURES, SUBJECTS, client_for
from .urlmap import (
    build_path,
    desa_object_kwargs,
    desa_secrets,
    sample_kwargs,
    sample_objects,
    url_patterns,
)

TABLE = Path(__file__).with_name("access_matrix.txt")
METHODS = ("GET", "POST")
COLUMNS = (
    "anon",
    "desa",
    "loket",
    "verif",
    "lapan",
    "kadis",
    "rekap",
    "distr",
    "admin",
    "faskes",
)
# Status classes written in the table; any other status is written as its number.
TOKENS = {
    "ok": "200",
    "redir": "a redirect, not to a login page",
    "login": "a redirect to the login page (the portal's or the admin's)",
    "403": "forbidden",
    "404": "not found",
    "405": "method not allowed",
}

pytestmark = pytest.mark.django_db


def read_table(path: Path = TABLE) -> dict[tuple[str, str], tuple[str, ...]]:
    rows: dict[tuple[str, str], tuple[str, ...]] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, method, *cells = line.split()
        assert method in METHODS, f"{path.name}:{number}: method {method!r}"
        assert len(cells) == len(SUBJECTS), f"{path.name}:{number}: {len(cells)} cells"
        assert (key, method) not in rows, f"{path.name}:{number}: duplicate row"
        rows[key, method] = tuple(cells)
    return rows


def classify(response) -> str:
    code = response.status_code
    if code == 200:
        return "ok"
    if code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        logins = {resolve_url(settings.LOGIN_URL), reverse("admin:login")}
        return "login" if target in logins else "redir"
    return str(code)


def request_once(session_key, method: str, path: str) -> str:
    """One request in a savepoint that is rolled back; its status class."""
    with transaction.atomic():
        client = client_for(session_key)
        response = client.get(path) if method == "GET" else client.post(path)
        transaction.set_rollback(True)
    if response.streaming:
        # Reading it to the end closes the file the way the test client expects
        # (closing it directly would also close the database connection).
        b"".join(response.streaming_content)
    return classify(response)


def write_table(path: str, observed: dict, patterns) -> None:
    """Write what was observed as a table; per-model admin rows folded into generic ones."""
    generic = {p.key: p.generic_key for p in patterns if p.generic_key}
    folded: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for (key, method), cells in observed.items():
        if key in generic:
            folded.setdefault((generic[key], method), []).append(cells)
    common = {row: max(set(values), key=values.count) for row, values in folded.items()}
    rows = []
    for (key, method), cells in observed.items():
        if key in generic:
            row = (generic[key], method)
            if row not in {r for r, _ in rows}:
                rows.append((row, common[row]))
            if cells == common[row]:
                continue
        rows.append(((key, method), cells))
    width = max(len(key) for (key, _), _ in rows) + 2
    lines = [
        "#" + " " * (width - 1) + "method " + " ".join(c.ljust(6) for c in COLUMNS)
    ]
    for (key, method), cells in rows:
        lines.append(
            key.ljust(width) + method.ljust(7) + " ".join(c.ljust(6) for c in cells)
        )
    Path(path).write_text("\n".join(line.rstrip() for line in lines) + "\n")


def test_every_url_pattern_for_every_role_and_method(demo, session_keys, settings):
    # Jobs a POST starts are recorded, not run: who may start one is what counts.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    table = read_table()
    patterns = url_patterns()
    objects = sample_objects(demo)
    keys = [None] + [session_keys[s] for s in SUBJECTS[1:]]
    missing, no_args, mismatches = [], [], []
    observed: dict[tuple[str, str], tuple[str, ...]] = {}
    used_rows: set[tuple[str, str]] = set()
    checked_patterns = checked = 0

    logging.disable(logging.WARNING)  # 403/404 tracebacks: thousands of them
    try:
        for pattern in patterns:
            kwargs = sample_kwargs(pattern, objects, demo)
            if kwargs is None:
                no_args.append(pattern.key)
                continue
            path = build_path(pattern, kwargs)
            checked_patterns += 1
            for method in METHODS:
                row = (pattern.key, method)
                if row not in table and pattern.generic_key:
                    row = (pattern.generic_key, method)
                got = tuple(request_once(key, method, path) for key in keys)
                checked += len(got)
                observed.setdefault((pattern.key, method), got)
                if row not in table:
                    missing.append(f"{pattern.key} {method}")
                    continue
                used_rows.add(row)
                for column, want, have in zip(COLUMNS, table[row], got, strict=True):
                    if want != have:
                        mismatches.append(
                            f"{method} {path} ({row[0]}) as {column}: "
                            f"table says {want}, got {have}"
                        )
    finally:
        logging.disable(logging.NOTSET)

    if out := os.environ.get("KIS_ACCESS_MATRIX_OUT"):
        write_table(out, observed, patterns)
    FIGURES["Access matrix"] = (
        f"{checked_patterns} URL patterns x {len(SUBJECTS)} roles "
        f"(anonymous + {len(SUBJECTS) - 1}) "
        f"x {len(METHODS)} methods = {checked} combinations checked"
    )
    assert not no_args, f"No sample arguments for these patterns: {no_args}"
    assert not missing, (
        "URL patterns missing from tests/security/matrix/access_matrix.txt (add a row "
        f"per method): {sorted(set(missing))}"
    )
    stale = sorted(f"{k} {m}" for k, m in set(table) - used_rows)
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"
    assert not mismatches, "Access differs from the table:\n" + "\n".join(mismatches)
    assert checked_patterns == len(patterns) >= 150
    assert checked == len(patterns) * len(SUBJECTS) * len(METHODS)


def expected_cell(table, pattern, method: str, column: str) -> str:
    row = (pattern.key, method)
    if row not in table and pattern.generic_key:
        row = (pattern.generic_key, method)
    return table[row][COLUMNS.index(column)]


def _snapshot(desa) -> dict:
    """Everything of `desa` a request could change, and the audit trail's length."""

    def rows(qs, *fields):
        return list(qs.order_by("pk").values_list("pk", *fields))

    return {
        "usulan": rows(
            Usulan.objects.filter(desa=desa), "status", "version", "updated_at"
        ),
        "anggota": rows(Anggota.objects.filter(usulan__desa=desa), "nik", "nama"),
        "dokumen": rows(Dokumen.objects.all(), "sha256"),
        "pengajuan": rows(Pengajuan.objects.filter(desa=desa), "nomor_surat"),
        "kartu": rows(Kartu.objects.filter(desa=desa), "status", "updated_at"),
        "pengaduan": rows(
            Pengaduan.objects.filter(desa=desa), "status", "petugas", "updated_at"
        ),
        "tanggapan": rows(Tanggapan.objects.all()),
        "lampiran": rows(Lampiran.objects.all()),
        "dibaca": rows(PesanDibaca.objects.all()),
        "klaim": rows(Klaim.objects.all()),
        "jobs": rows(Job.objects.all()),
        "audit": AuditEvent.objects.count(),
    }


def test_desa_operator_reaches_no_object_of_another_desa(demo, session_keys):
    """desa2's operator asks for every object URL with each of desa1's objects."""
    table = read_table()
    objects = sample_objects(demo)
    own, other = demo.users["desa1"].profile.desa, demo.users["desa2"].profile.desa
    secrets = desa_secrets(own, except_in=other)
    assert len(secrets) > 100  # NIKs, KKs, NOKAs, numbers, names
    # The check can see a leak: desa1's own operator does find its data.
    page = client_for(session_keys[Role.OPERATOR_DESA]).get(
        reverse("usulan:detail", args=[objects["usulan"].pk])
    )
    assert sum(s in page.content.decode() for s in secrets) >= 3
    outsider = client_for(None)
    outsider.force_login(demo.users["desa2"])
    before = _snapshot(own)
    urls, requests, wrong, leaks = _walk_as_outsider(
        outsider, "desa", table, objects, demo, own, secrets
    )

    FIGURES["Cross-desa"] = (
        f"{urls} URL patterns taking an object, {requests} requests by desa2's "
        "operator for each of desa1's objects, and for desa2's own pages"
    )
    assert not wrong, "desa2's operator got:\n" + "\n".join(wrong)
    assert not leaks, "desa1's data reached desa2's operator:\n" + "\n".join(leaks)
    assert _snapshot(own) == before
    assert urls >= 80 and requests >= 900


def _walk_as_outsider(outsider, column, table, objects, demo, own, secrets):
    """Ask, as `outsider`, for every object URL with each of `own`'s objects, and
    for every page without an object (with a search naming `own`'s data).

    The role may use a URL for its own objects: for `own`'s it must not exist
    (404). Otherwise the role check answers first, as the table says.
    """
    leaks, wrong = [], []
    urls = requests = 0

    def check(
        method: str, path: str, want: str, echoed: tuple = (), follow: bool = False
    ) -> None:
        nonlocal requests
        if method == "GET":
            response = outsider.get(path, follow=follow)
        else:
            response = outsider.post(path)
        requests += 1
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace") + response.get("Location", "")
        have = classify(response)
        if have != want:
            wrong.append(f"{method} {path}: want {want}, got {have}")
        if found := sorted(s for s in secrets - set(echoed) if s in text):
            leaks.append(f"{method} {path}: {found[:3]}")

    logging.disable(logging.WARNING)
    try:
        for pattern in url_patterns():
            if not pattern.params:
                continue
            urls += 1
            for kwargs in desa_object_kwargs(pattern, objects, demo, own):
                path = build_path(pattern, kwargs)
                for method in METHODS:
                    want = expected_cell(table, pattern, method, column)
                    if want in ("ok", "redir", "400"):
                        want = "404"
                    check(method, path, want)
        # Pages without an object (lists, forms, dashboards): none of own's data,
        # also when their search and filters name it, its people or numbers
        # (what was typed may be shown back, nothing else).
        usulan = objects["usulan"]
        nik = usulan.anggota_set.order_by("pk").first().nik
        query = urlencode(
            {
                "q": nik,
                "nik": nik,
                "nomor": usulan.nomor,
                "nomor_usulan": usulan.nomor,
                "desa": own.pk,
                "kecamatan": own.kecamatan_id,
            }
        )
        for pattern in url_patterns():
            if not pattern.params and pattern.admin_model is None:
                path = build_path(pattern, {})
                want = expected_cell(table, pattern, "GET", column)
                check("GET", path, want)
                if want == "ok":
                    # A list moves its search box into the session and redirects
                    # to itself with a token (kis_portal/search.py): follow it.
                    check(
                        "GET",
                        f"{path}?{query}",
                        want,
                        echoed=(nik, usulan.nomor),
                        follow=True,
                    )
    finally:
        logging.disable(logging.NOTSET)
    return urls, requests, wrong, leaks


def test_faskes_reaches_no_case_of_another_faskes_nor_any_desa(demo, session_keys):
    """Another faskes's user asks for every object URL with each of desa1's objects,
    the demo faskes's urgent case among them: nothing found, nothing leaked."""
    table = read_table()
    objects = sample_objects(demo)
    own = demo.users["desa1"].profile.desa
    case = objects["darurat"]
    assert case.desa == own and case.darurat.kode_faskes != "0902K002"
    secrets = desa_secrets(own, except_in=demo.users["desa2"].profile.desa)
    # The check can see a leak: the demo faskes does find its own patient.
    page = client_for(session_keys[Role.FASKES]).get(
        reverse("usulan:darurat_detail", args=[case.pk])
    )
    assert sum(s in page.content.decode() for s in secrets) >= 2
    other = user_create(
        username="faskes.lain",
        role=Role.FASKES,
        kode_faskes="0902K002",
        nama_faskes="KLINIK LAIN",
    )
    outsider = client_for(None)
    outsider.force_login(other)
    before = _snapshot(own)
    urls, requests, wrong, leaks = _walk_as_outsider(
        outsider, "faskes", table, objects, demo, own, secrets
    )
    FIGURES["Cross-faskes"] = (
        f"{urls} URL patterns taking an object, {requests} requests by another "
        "faskes's user for each of desa1's objects (the urgent case too)"
    )
    assert not wrong, "another faskes's user got:\n" + "\n".join(wrong)
    assert not leaks, "desa1's data reached another faskes:\n" + "\n".join(leaks)
    assert _snapshot(own) == before
    assert urls >= 80 and requests >= 900


def classify_own(table, pattern) -> str:
    """What desa2 gets on a page without object: what the operator role gets."""
    return expected_cell(table, pattern, "GET", "desa")
