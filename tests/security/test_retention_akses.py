"""Left open before issue 21: access records have a retention period. The daily
purge deletes those older than KIS_RETENSI_AKSES_HARI; nothing else may delete one."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.services import record_access
from tests.clock import frozen, wita

pytestmark = pytest.mark.django_db(transaction=True)


def records(verifikator) -> tuple[AksesData, AksesData]:
    with frozen(wita(2024, 1, 10)):
        old = record_access(by=verifikator, tindakan="lihat", halaman="lama")
    with frozen(wita(2026, 11, 1)):
        recent = record_access(by=verifikator, tindakan="lihat", halaman="baru")
    return old, recent


def test_the_daily_purge_deletes_access_records_past_their_retention(
    verifikator, settings
):
    settings.KIS_RETENSI_AKSES_HARI = 730
    old, recent = records(verifikator)
    out = io.StringIO()

    with frozen(wita(2026, 12, 6)):
        call_command("purge_dokumen", "--dry-run", stdout=out)
        assert AksesData.objects.count() == 2
        call_command("purge_dokumen", stdout=out)

    assert list(AksesData.objects.values_list("halaman", flat=True)) == ["baru"]
    assert "Catatan akses lebih dari 730 hari: 1 akan dihapus." in out.getvalue()
    assert "Catatan akses lebih dari 730 hari: 1 dihapus." in out.getvalue()
    assert AuditEvent.objects.filter(
        reason__startswith="Retensi catatan akses: 1"
    ).exists()


def test_zero_keeps_access_records(verifikator, settings):
    settings.KIS_RETENSI_AKSES_HARI = 0
    records(verifikator)
    with frozen(wita(2026, 12, 6)):
        call_command("purge_dokumen", stdout=io.StringIO())
    assert AksesData.objects.count() == 2


@pytest.mark.postgres
def test_outside_the_purge_postgresql_still_refuses_to_delete_a_record(
    verifikator, settings
):
    old, _ = records(verifikator)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_aksesdata WHERE id = %s", [old.pk])
    settings.KIS_RETENSI_AKSES_HARI = 730
    with frozen(wita(2026, 12, 6)):
        call_command("purge_dokumen", stdout=io.StringIO())
    assert not AksesData.objects.filter(pk=old.pk).exists()
