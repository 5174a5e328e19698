"""Every hostile spreadsheet through every reader the portal has.

The five places an uploaded XLSX is read (the usulan import, BPJS's result file,
BPJS's participant list for reconciliation, the DTKS extract, the admin's list of
accounts) each get every
file of tests/ops/hostile.py and must refuse it with its Indonesian message, or
read it harmlessly, without touching the network. How long each took is printed
at the end of the run (tests/ops/conftest.py); nothing here asserts a duration.
"""

import ast
import io
import socket
import time
import urllib.request
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dtks import imports as dtks
from kis_portal.accounts import imports as accounts_imports
from rekap_bpjs import deactivations, reconciliation
from rekap_bpjs import result_file as bpjs_result
from tests.ops import conftest as timings
from tests.ops.hostile import HOSTILE, MB, SECRET, Hostile
from usulan import bulk

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_usulan_import(content: bytes, ctx: dict) -> None:
    try:
        bulk.parse_upload(
            SimpleUploadedFile("impor.xlsx", content),
            user=ctx["user"],
            desa=ctx["desa"],
        )
    except bulk.BulkFileError as exc:
        raise Refused(exc.message) from exc


def read_bpjs_result(content: bytes, ctx: dict) -> None:
    try:
        bpjs_result.parse_result(content, "hasil-bpjs.xlsx")
    except bpjs_result.ResultFileError as exc:
        raise Refused(exc.messages[0]) from exc


def read_bpjs_active_list(content: bytes, ctx: dict) -> None:
    try:
        reconciliation.parse_active_list(content)
    except reconciliation.ReconFileError as exc:
        raise Refused(exc.message) from exc


def read_deactivations(content: bytes, ctx: dict) -> None:
    try:
        deactivations.parse_deactivations(content, synonyms={})
    except deactivations.DeactivationFileError as exc:
        raise Refused(exc.message) from exc


def read_dtks(content: bytes, ctx: dict) -> None:
    try:
        dtks.import_dtks(io.BytesIO(content), periode="2026-Q3")
    except dtks.DtksFileError as exc:
        raise Refused(exc.message) from exc


def read_accounts(content: bytes, ctx: dict) -> None:
    try:
        accounts_imports.parse_accounts(content)
    except accounts_imports.AccountsFileError as exc:
        raise Refused(exc.message) from exc


# name -> (reader, the module that calls kis_portal.incoming, budgeted)
READERS: dict[str, tuple[Callable[[bytes, dict], None], str, bool]] = {
    "impor-usulan": (read_usulan_import, "usulan/bulk.py", True),
    "hasil-bpjs": (read_bpjs_result, "rekap_bpjs/result_file.py", True),
    "rekonsiliasi": (read_bpjs_active_list, "rekap_bpjs/reconciliation.py", False),
    "nonaktif": (read_deactivations, "rekap_bpjs/deactivations.py", True),
    "dtks": (read_dtks, "dtks/imports.py", False),
    "akun": (read_accounts, "kis_portal/accounts/imports.py", True),
}


def applies(hostile: Hostile, budgeted: bool) -> bool:
    return hostile.readers == "all" or (hostile.readers == "budgeted") == budgeted


CASES = [
    pytest.param(hostile, reader, id=f"{hostile.name}-{reader}")
    for hostile in HOSTILE
    for reader, (_, _, budgeted) in READERS.items()
    if applies(hostile, budgeted)
]


@cache
def built(name: str) -> bytes:
    return next(h for h in HOSTILE if h.name == name).build()


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a reader opened the network: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)


@pytest.fixture
def same_limits(monkeypatch, settings):
    """The streaming readers take larger files; give them the small readers' limits
    (10 MB packed, 50 MB unpacked, 2,000 rows) so one file serves all four."""
    monkeypatch.setattr(reconciliation, "MAX_BYTES", 10 * MB)
    monkeypatch.setattr(reconciliation, "MAX_UNPACKED_BYTES", 50 * MB)
    settings.KIS_DTKS_MAX_MB = 10
    monkeypatch.setattr(dtks, "XLSX_UNPACKED_FACTOR", 5)
    monkeypatch.setattr(bpjs_result, "MAX_ROWS", 2000)
    monkeypatch.setattr(deactivations, "MAX_ROWS", 2000)
    settings.KIS_BULK_MAX_ROWS = 2000


@pytest.mark.parametrize(("hostile", "reader"), CASES)
def test_hostile_file_is_refused_or_read_harmlessly(
    hostile, reader, operator_a, desa_a, no_network, same_limits
):
    read, _, _ = READERS[reader]
    content = built(hostile.name)
    started = time.monotonic()
    try:
        read(content, {"user": operator_a, "desa": desa_a})
    except Refused as exc:
        outcome = exc.message
    else:
        outcome = None
    timings.record(hostile.name, reader, len(content), time.monotonic() - started)

    if hostile.message is not None:
        assert outcome is not None, f"{hostile.name} was accepted by {reader}"
        assert any(part in outcome for part in hostile.message), outcome
    assert SECRET not in (outcome or "")
    if hostile.name.startswith("zip-slip"):
        assert not Path("/tmp/kis-zip-slip.txt").exists()


def _modules_calling(names: set[str]) -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if (
            rel.startswith((".venv/", "tests/", "bench/", "mutants/"))
            or "/migrations/" in rel
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = getattr(func, "id", None) or getattr(func, "attr", None)
                if called in names and rel != "kis_portal/xlsx_read.py":
                    found.add(rel)
    return found


def test_every_module_that_reads_an_xlsx_is_covered_here():
    """A new reader (a new call of the one reader module) must join READERS."""
    calling = _modules_calling(
        {"read_table", "read_tables", "open_table", "open_tables"}
    )
    # read_tables reads a text file with read_table, open_tables one with
    # open_table: the reader calling itself.
    calling.discard("kis_portal/incoming.py")
    assert calling == {module for _, module, _ in READERS.values()}
    # The XLSX (and .xls) parser is reached only through kis_portal.incoming.
    direct = _modules_calling(
        {
            "read_xlsx_rows",
            "read_xlsx_sheets",
            "read_xls_sheets",
            "open_xlsx_stream",
            "open_xlsx_sheets",
        }
    )
    assert direct == {"kis_portal/incoming.py"}
