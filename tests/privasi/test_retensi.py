"""Retention: the stored files of cases closed longer ago than the setting are
deleted by `manage.py purge_dokumen`; rows stay and record the purge."""

import datetime
import hashlib
import io
import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from distribusi.models import Kartu
from kis_portal.audit.models import AuditEvent
from pengaduan.models import Lampiran, Pengaduan
from tests.clock import frozen
from tests.pengaduan.factories import complaint
from tests.usulan.factories import make_usulan
from usulan.models import Dokumen, Usulan
from usulan.workflow import USULAN
from verifikasi.models import CekLapangan, FotoLapangan

pytestmark = pytest.mark.django_db

DAYS = 365


@pytest.fixture(autouse=True)
def retention(settings, db):
    settings.KIS_RETENSI_DOKUMEN_HARI = DAYS
    call_command("load_profile", "sop-pbi", verbosity=0)  # documents to upload


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def closed(operator, *, days_ago: int, to=Usulan.Status.TERDAFTAR) -> Usulan:
    """An usulan with its documents, closed (final status) `days_ago` days ago."""
    usulan = make_usulan(operator, upload=True)
    before = Usulan.Status.DIKIRIM if to == Usulan.Status.TERDAFTAR else "diajukan"
    Usulan.objects.filter(pk=usulan.pk).update(status=before)
    usulan.refresh_from_db()
    with frozen(ago(days_ago)):
        USULAN.move(usulan, to=to, by=None, reason="uji")
    return usulan


def photo_of(usulan: Usulan, petugas) -> FotoLapangan:
    cek = CekLapangan.objects.create(
        usulan=usulan,
        petugas=petugas,
        tanggal_kunjungan=timezone.localdate(),
        temuan="Rumah semi permanen.",
        rekomendasi=CekLapangan.Rekomendasi.choices[0][0],
    )
    content = b"\xff\xd8\xff\xe0 foto"
    foto = FotoLapangan(
        cek=cek,
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    foto.file.save("foto.jpg", ContentFile(content))
    return foto


def attachment(pengaduan: Pengaduan) -> Lampiran:
    lampiran = Lampiran(
        pengaduan=pengaduan,
        content_type="application/pdf",
        nama_asli="bukti.pdf",
        ukuran=4,
        sha256="0" * 64,
    )
    lampiran.berkas.save("bukti.pdf", ContentFile(b"%PDF"))
    return lampiran


def card_photo(usulan: Usulan, by, *, received_days_ago: int) -> Kartu:
    anggota = usulan.anggota_set.first()
    kartu = Kartu(
        noka=f"0001{anggota.nik[-9:]}",
        anggota=anggota,
        desa=usulan.desa,
        status=Kartu.Status.DITERIMA_WARGA,
        diterima_tanggal=timezone.localdate() - datetime.timedelta(days=500),
        diterima_oleh=by,
        warga_tanggal=timezone.localdate() - datetime.timedelta(days=received_days_ago),
    )
    kartu.warga_foto.save("foto.jpg", ContentFile(b"\xff\xd8\xff\xe0"))
    return kartu


FILE_FIELD = {
    Dokumen: "file",
    FotoLapangan: "file",
    Lampiran: "berkas",
    Kartu: "warga_foto",
}


def names(rows) -> list[str]:
    return [getattr(row, FILE_FIELD[type(row)]).name for row in rows]


def documents(usulan: Usulan) -> list[Dokumen]:
    return list(
        Dokumen.objects.filter(usulan=usulan)
        | Dokumen.objects.filter(anggota__usulan=usulan)
    )


@pytest.fixture
def cases(operator_a, lapangan, distribusi, loket):
    old = closed(operator_a, days_ago=DAYS + 30)
    refused = closed(operator_a, days_ago=DAYS + 1, to=Usulan.Status.DITOLAK)
    recent = closed(operator_a, days_ago=DAYS - 5)
    with frozen(ago(DAYS + 100)):
        still_open = make_usulan(operator_a, upload=True)
    Usulan.objects.filter(pk=still_open.pk).update(status=Usulan.Status.DIAJUKAN)
    done = complaint(operator_a)
    Pengaduan.objects.filter(pk=done.pk).update(
        status=Pengaduan.Status.SELESAI, resolved_at=ago(DAYS + 10)
    )
    done_recently = complaint(operator_a)
    Pengaduan.objects.filter(pk=done_recently.pk).update(
        status=Pengaduan.Status.SELESAI, resolved_at=ago(10)
    )
    waiting = complaint(operator_a)
    Pengaduan.objects.filter(pk=waiting.pk).update(created_at=ago(DAYS + 50))
    assert documents(old) and documents(refused) and documents(recent)
    return {
        "purged": [
            *documents(old),
            *documents(refused),
            photo_of(old, lapangan),
            attachment(done),
            card_photo(old, distribusi, received_days_ago=DAYS + 2),
        ],
        "kept": [
            *documents(recent),
            *documents(still_open),
            photo_of(recent, lapangan),
            attachment(done_recently),
            attachment(waiting),
            card_photo(recent, distribusi, received_days_ago=DAYS - 2),
        ],
    }


def reloaded(rows):
    return [type(row).objects.get(pk=row.pk) for row in rows]


def test_files_of_old_closed_cases_go_the_rest_stay(cases, caplog):
    purged_names = names(cases["purged"])
    kept_names = names(cases["kept"])
    assert all(default_storage.exists(n) for n in purged_names + kept_names)
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="privasi.retention"):
        call_command("purge_dokumen", stdout=out)

    assert not any(default_storage.exists(n) for n in purged_names)
    assert all(default_storage.exists(n) for n in kept_names)
    # The rows stay; their file name is emptied and an audit event says why.
    purged = reloaded(cases["purged"])
    assert names(purged) == [""] * len(purged)
    assert names(reloaded(cases["kept"])) == kept_names
    for row in purged:
        event = AuditEvent.objects.get(
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            action=AuditEvent.Action.DELETE,
        )
        assert f"masa simpan {DAYS} hari" in event.reason
    summary = AuditEvent.objects.get(content_type=None, action="delete")
    assert sum(summary.data["jumlah"].values()) == len(purged)
    assert summary.data["jumlah"]["foto_kartu"] == 1
    assert f"Selesai: {len(purged)} berkas dihapus." in out.getvalue()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"dokumen={summary.data['jumlah']['dokumen']}" in logged
    assert f"lampiran_pengaduan ids={cases['purged'][-2].pk}" in logged


def test_a_purged_document_is_gone_for_its_readers_too(login, verifikator, cases):
    call_command("purge_dokumen", stdout=io.StringIO())
    dokumen = cases["purged"][0]
    assert login(verifikator).get(f"/usulan/dokumen/{dokumen.pk}/").status_code == 404


def test_a_dry_run_deletes_nothing_and_writes_nothing(cases):
    every = names(cases["purged"]) + names(cases["kept"])
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("purge_dokumen", "--dry-run", stdout=out)
    assert all(default_storage.exists(n) for n in every)
    assert names(reloaded(cases["purged"])) == names(cases["purged"])
    assert AuditEvent.objects.count() == events
    assert "tidak ada berkas yang dihapus" in out.getvalue()
    assert "Foto penyerahan kartu: 1 berkas akan dihapus" in out.getvalue()


def test_a_second_run_finds_nothing_more(cases):
    call_command("purge_dokumen", stdout=io.StringIO())
    out = io.StringIO()
    call_command("purge_dokumen", stdout=out)
    assert "Selesai: 0 berkas dihapus." in out.getvalue()
    assert AuditEvent.objects.filter(content_type=None, action="delete").count() == 1


def test_the_retention_period_comes_from_the_setting_or_the_option(cases, settings):
    settings.KIS_RETENSI_DOKUMEN_HARI = DAYS + 200
    call_command("purge_dokumen", stdout=io.StringIO())
    assert all(default_storage.exists(n) for n in names(cases["purged"]))
    with pytest.raises(CommandError, match="paling sedikit 1 hari"):
        call_command("purge_dokumen", "--hari", "0", stdout=io.StringIO())
