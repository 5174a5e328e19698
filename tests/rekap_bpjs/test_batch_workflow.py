"""The batch's status moves one way, each step with its history row (TERKUNCI->HASIL too)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.selectors import history_for
from kis_portal.workflow import InvalidTransition
from rekap_bpjs.models import Batch
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_close, batch_lock
from rekap_bpjs.workflow import BATCH
from tests.clock import frozen, wita
from tests.rekap_bpjs.factories import TMT, noka, ready_household, xlsx_bytes

pytestmark = pytest.mark.django_db

B = Batch.Status


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def status_rows(batch: Batch) -> list[tuple]:
    return [
        (event.from_status, event.to_status, event.actor)
        for event in history_for(batch)
        if event.action == AuditEvent.Action.STATUS
    ]


def result_file(batch: Batch, *, first: int, last: int) -> bytes:
    items = list(
        batch.items.filter(diambil=True).select_related("anggota").order_by("urutan")
    )[first:last]
    return xlsx_bytes(
        [
            [noka(n), item.nik, item.anggota.nama, "BERHASIL", None, TMT]
            for n, item in enumerate(items, start=first + 1)
        ]
    )


def test_lock_result_and_close_each_write_one_history_row(operator_a, rekap):
    for minute in range(2):
        ready_household(operator_a, size=2, minutes=minute)
    batch_build(periode="2026-11", by=rekap)
    locked_at = wita(2026, 11, 26, 9, 0)
    with frozen(locked_at):
        batch = batch_lock(periode="2026-11", by=rekap)
    assert (batch.status, batch.locked_by, batch.locked_at) == (
        B.TERKUNCI,
        rekap,
        locked_at,
    )
    assert status_rows(batch) == [(B.DRAFT, B.TERKUNCI, rekap)]

    # The first result file moves the batch to HASIL, with its history row.
    result_apply(
        periode="2026-11",
        content=result_file(batch, first=0, last=2),
        filename="hasil-1.xlsx",
        by=rekap,
    )
    batch.refresh_from_db()
    assert batch.status == B.HASIL
    assert status_rows(batch) == [
        (B.DRAFT, B.TERKUNCI, rekap),
        (B.TERKUNCI, B.HASIL, rekap),
    ]
    [hasil] = [e for e in history_for(batch) if e.to_status == B.HASIL]
    assert hasil.reason == "Hasil BPJS pertama diimpor: hasil-1.xlsx"

    # A later file keeps it in HASIL: no status row.
    result_apply(
        periode="2026-11",
        content=result_file(batch, first=2, last=4),
        filename="hasil-2.xlsx",
        by=rekap,
    )
    batch.refresh_from_db()
    assert batch.status == B.HASIL and len(status_rows(batch)) == 2

    batch_close(periode="2026-11", by=rekap)
    batch.refresh_from_db()
    assert batch.status == B.DITUTUP
    assert status_rows(batch)[-1] == (B.HASIL, B.DITUTUP, rekap)
    with pytest.raises(ValidationError, match="belum dikunci"):
        result_apply(
            periode="2026-11",
            content=result_file(batch, first=0, last=1),
            filename="hasil-3.xlsx",
            by=rekap,
        )


def test_the_batch_never_moves_back(operator_a, rekap):
    ready_household(operator_a, size=1)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    for back in (B.DRAFT, B.TERKUNCI, B.DITUTUP):
        with pytest.raises(InvalidTransition, match="tidak diizinkan"):
            BATCH.move(batch, to=back, by=rekap)
    assert Batch.objects.get(pk=batch.pk).status == B.TERKUNCI
