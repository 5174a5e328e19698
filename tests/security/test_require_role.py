"""Every service refuses a role it does not serve, in words the user reads.

Each service checks its role through kis_portal.roles.require_role before anything
else; the view shows the ValidationError's messages. Here each service is called
by a role it does not serve: it refuses with its own Indonesian message and
changes nothing.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from distribusi.services import (
    Penerima,
    kartu_confirm_received,
    kartu_receive_batch,
    kartu_receive_scanned,
    serah_terima_attach_scan,
    serah_terima_create,
)
from kis_portal.audit.models import AuditEvent
from notifikasi.services import pesan_keluar_retry
from pengaduan.models import Pengaduan
from pengaduan.services import (
    Laporan,
    buku_tamu_record,
    pengaduan_assign,
    pengaduan_change_status,
    pengaduan_create,
)
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_close, batch_lock, batch_set_member
from usulan.services import anggota_correct, usulan_reject, usulan_return
from verifikasi.approval import cek_lapangan_record, persetujuan_decide, sk_issue
from verifikasi.services import keputusan_save, klaim_take

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)
LAPORAN = Laporan(
    kategori="lainnya", uraian="Kartu belum sampai ke rumah.", pelapor_nama="Made"
)

# (who calls, the service call, the message the user reads)
CASES = {
    "usulan_return": (
        "operator_a",
        lambda by: usulan_return(usulan_id=0, by=by, notes=[]),
        "Hanya verifikator yang dapat mengembalikan usulan.",
    ),
    "usulan_reject": (
        "operator_a",
        lambda by: usulan_reject(usulan_id=0, by=by, reason="x"),
        "Hanya verifikator yang dapat menolak usulan.",
    ),
    "anggota_correct": (
        "verifikator",
        lambda by: anggota_correct(anggota_id=0, data={}, alasan="x", by=by),
        "Hanya admin yang dapat mengoreksi data warga.",
    ),
    "klaim_take": (
        "admin_user",
        lambda by: klaim_take(usulan_id=0, by=by),
        "Hanya verifikator yang dapat memeriksa usulan.",
    ),
    "keputusan_save": (
        "admin_user",
        lambda by: keputusan_save(usulan_id=0, by=by, keputusan="terima", items={}),
        "Hanya verifikator yang dapat memeriksa usulan.",
    ),
    "cek_lapangan_record": (
        "verifikator",
        lambda by: cek_lapangan_record(
            usulan_id=0,
            by=by,
            tanggal_kunjungan=TODAY,
            temuan="x",
            rekomendasi="layak",
            photos=[],
        ),
        "Hanya petugas lapangan yang dapat mencatat cek lapangan.",
    ),
    "persetujuan_decide": (
        "admin_user",
        lambda by: persetujuan_decide(usulan_ids=[0], by=by, keputusan="setuju"),
        "Hanya Kepala Dinas yang dapat memberi persetujuan.",
    ),
    "sk_issue": (
        "admin_user",
        lambda by: sk_issue(periode="2026-10", by=by),
        "Hanya Kepala Dinas yang dapat menerbitkan SK penetapan.",
    ),
    "batch_build": (
        "kadis",
        lambda by: batch_build(periode="2026-11", by=by),
        "Hanya staf rekap BPJS yang dapat menyusun rekap.",
    ),
    "batch_set_member": (
        "kadis",
        lambda by: batch_set_member(
            periode="2026-11", anggota_id=0, ambil=True, alasan="x", by=by
        ),
        "Hanya staf rekap BPJS yang dapat menyusun rekap.",
    ),
    "batch_lock": (
        "kadis",
        lambda by: batch_lock(periode="2026-11", by=by),
        "Hanya staf rekap BPJS yang dapat menyusun rekap.",
    ),
    "batch_close": (
        "kadis",
        lambda by: batch_close(periode="2026-11", by=by),
        "Hanya staf rekap BPJS yang dapat menyusun rekap.",
    ),
    "result_apply": (
        "kadis",
        lambda by: result_apply(periode="2026-11", content=b"", filename="x", by=by),
        "Hanya staf rekap BPJS yang dapat mengimpor hasil BPJS.",
    ),
    "kartu_receive_scanned": (
        "rekap",
        lambda by: kartu_receive_scanned(text="", tanggal=TODAY, by=by),
        "Hanya petugas distribusi yang dapat melakukan ini.",
    ),
    "kartu_receive_batch": (
        "rekap",
        lambda by: kartu_receive_batch(periode="2026-11", tanggal=TODAY, by=by),
        "Hanya petugas distribusi yang dapat melakukan ini.",
    ),
    "serah_terima_create": (
        "operator_a",
        lambda by: serah_terima_create(
            kartu_ids=[0], kanal="desa", penerima=Penerima(nama="x"), by=by
        ),
        "Hanya petugas distribusi yang dapat melakukan ini.",
    ),
    "serah_terima_attach_scan": (
        "operator_a",
        lambda by: serah_terima_attach_scan(serah_terima_id=0, checked=None, by=by),
        "Hanya petugas distribusi yang dapat melakukan ini.",
    ),
    "kartu_confirm_received": (
        "verifikator",
        lambda by: kartu_confirm_received(kartu_id=0, tanggal=TODAY, by=by),
        "Anda tidak berwenang mengubah kartu ini.",
    ),
    "pengaduan_create (desa)": (
        "loket",
        lambda by: pengaduan_create(data=LAPORAN, by=by, sumber="desa"),
        "Hanya operator desa yang mengadu atas nama desa.",
    ),
    "pengaduan_create (loket)": (
        "kadis",
        lambda by: pengaduan_create(data=LAPORAN, by=by, sumber="loket"),
        "Anda tidak dapat mencatat pengaduan.",
    ),
    "pengaduan_assign": (
        "kadis",
        lambda by: pengaduan_assign(pengaduan_id=0, petugas=by, by=by),
        "Anda tidak dapat menugaskan pengaduan.",
    ),
    "pengaduan_change_status": (
        "operator_a",
        lambda by: pengaduan_change_status(pengaduan_id=0, to="selesai", by=by),
        "Anda tidak dapat mengubah status pengaduan.",
    ),
    "buku_tamu_record": (
        "kadis",
        lambda by: buku_tamu_record(nama="Tamu", keperluan="lainnya", by=by),
        "Hanya petugas loket yang mencatat.",
    ),
    "pesan_keluar_retry": (
        "rekap",
        lambda by: pesan_keluar_retry(pk=0, by=by),
        "Hanya admin yang dapat mengirim ulang pesan.",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_service_refuses_a_role_it_does_not_serve_with_its_message(request, name):
    who, call, message = CASES[name]
    user = request.getfixturevalue(who)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        call(user)
    # What the view shows (" ".join(exc.messages)) is the service's own sentence.
    assert refused.value.messages == [message]
    assert refused.value.code == "role"
    assert AuditEvent.objects.count() == events
    assert not Pengaduan.objects.exists()
