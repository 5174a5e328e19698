"""Every status table (docs/status-tables.md), every pair of statuses: allowed or refused.

mutmut does not mutate module-level tables, so each table is written out here as
the documentation states it, independently of the code's own table: a move added
to or dropped from a workflow.py (a card handed back after the citizen has it, a
rejected usulan submitted again) fails here. Each table is checked for every pair
(from, to), including a status to itself, through the table's own questions
(`may_move`, `check`, `allowed_from`, `sources`, `final_statuses`).
`tests/security/matrix/test_workflow.py` drives the same tables through the
screens and the database.
"""

import pytest

from distribusi.workflow import KARTU
from kis_portal.jobs.workflow import JOB
from kis_portal.workflow import InvalidTransition, all_workflows
from notifikasi.workflow import PESAN_KELUAR
from pengaduan.workflow import PENGADUAN
from rekap_bpjs.workflow import BATCH, NONAKTIF
from usulan.workflow import USULAN

WAITING = {"menunggu_bpjs", "menunggu_dinkes", "menunggu_dukcapil"}

# status -> the statuses it may move to, as docs/status-tables.md states them
TABLES = {
    "usulan": (
        USULAN,
        {
            "draft": {"diajukan"},
            "diajukan": {"dikembalikan", "ditolak", "siap", "cek_lapangan"},
            "dikembalikan": {"diajukan"},
            "cek_lapangan": {"menunggu_acc"},
            "menunggu_acc": {"siap", "ditolak"},
            "siap": {"dikirim"},
            "dikirim": {"terdaftar", "gagal_bpjs"},
            "gagal_bpjs": {"diajukan"},
            "terdaftar": set(),
            "ditolak": set(),
        },
    ),
    # the monthly rekap moves one way only
    "batch": (
        BATCH,
        {
            "draft": {"terkunci"},
            "terkunci": {"hasil"},
            "hasil": {"ditutup"},
            "ditutup": set(),
        },
    ),
    "kartu": (
        KARTU,
        {
            "dinsos": {"diserahkan", "dikembalikan"},
            "diserahkan": {"warga", "dikembalikan"},
            "warga": set(),
            "dikembalikan": set(),
        },
    ),
    "pengaduan": (
        PENGADUAN,
        {
            "baru": {"diproses", *WAITING, "selesai"},
            "diproses": {*WAITING, "selesai"},
            "menunggu_bpjs": {"diproses", *WAITING - {"menunggu_bpjs"}, "selesai"},
            "menunggu_dinkes": {"diproses", *WAITING - {"menunggu_dinkes"}, "selesai"},
            "menunggu_dukcapil": {
                "diproses",
                *WAITING - {"menunggu_dukcapil"},
                "selesai",
            },
            "selesai": {"diproses"},  # reopened
        },
    ),
    "job": (
        JOB,
        {
            "queued": {"running"},
            "running": {"succeeded", "failed"},
            "succeeded": set(),
            "failed": set(),
        },
    ),
    "nonaktif": (
        NONAKTIF,
        {
            # the desa (or the rekap staff) records what was done about it
            "terbuka": {"selesai"},
            "selesai": set(),
        },
    ),
    "pesan_keluar": (
        PESAN_KELUAR,
        {
            "menunggu": {"mengirim"},
            # a sender stuck past tasks.STUCK_AFTER loses its claim to another
            "mengirim": {"terkirim", "ulang", "gagal", "mengirim"},
            "ulang": {"mengirim", "menunggu"},
            "gagal": {"menunggu"},  # only an admin sends it again
            "terkirim": set(),
        },
    ),
}

PAIRS = [
    pytest.param(name, start, to, to in table[start], id=f"{name}:{start}->{to}")
    for name, (_, table) in TABLES.items()
    for start in table
    for to in table
]


def test_every_workflow_has_its_table_here():
    assert {workflow for workflow, _ in TABLES.values()} == set(all_workflows())


@pytest.mark.parametrize("name", TABLES)
def test_each_table_names_every_status_of_its_model(name):
    workflow, table = TABLES[name]
    statuses = {value for value, _ in workflow.model._meta.get_field("status").choices}
    assert set(table) == statuses
    assert set(workflow.transitions) == statuses


@pytest.mark.parametrize(("name", "start", "to", "allowed"), PAIRS)
def test_each_pair_is_allowed_or_refused_as_documented(name, start, to, allowed):
    workflow, _ = TABLES[name]
    assert workflow.may_move(start, to) is allowed
    assert (to in workflow.allowed_from(start)) is allowed
    assert (start in workflow.sources(to)) is allowed
    if allowed:
        workflow.check(start, to)  # no error
    else:
        with pytest.raises(InvalidTransition) as refused:
            workflow.check(start, to)
        assert refused.value.messages == [
            f"Perubahan status dari '{start}' ke '{to}' tidak diizinkan."
        ]
        assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize("name", TABLES)
def test_the_final_statuses_are_those_with_no_move(name):
    workflow, table = TABLES[name]
    assert workflow.final_statuses == {s for s, targets in table.items() if not targets}
    for status in workflow.final_statuses:
        assert workflow.allowed_from(status) == frozenset()


@pytest.mark.parametrize("name", TABLES)
def test_an_unknown_status_moves_nowhere(name):
    workflow, table = TABLES[name]
    assert workflow.allowed_from("hilang") == frozenset()
    assert workflow.sources("hilang") == frozenset()
    for status in table:
        assert not workflow.may_move("hilang", status)
        assert not workflow.may_move(status, "hilang")
