"""Demo complaints in several states and today's guest book (called from seed_demo)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pengaduan.models import BukuTamu, Pengaduan
from pengaduan.services import (
    Laporan,
    buku_tamu_catat,
    pengaduan_buat,
    pengaduan_tanggapi,
    pengaduan_tugaskan,
    pengaduan_ubah_status,
)
from usulan.models import Usulan


@transaction.atomic
def seed_pengaduan() -> None:
    if Pengaduan.objects.exists() or BukuTamu.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    if not {"desa1", "loket", "verifikator", "distribusi"} <= users.keys():
        return
    desa1, loket = users["desa1"], users["loket"]
    verifikator, distribusi = users["verifikator"], users["distribusi"]
    desa = desa1.profile.desa
    usulan = (
        Usulan.objects.filter(desa=desa).exclude(status=Usulan.Status.DRAFT).first()
    )
    nomor = usulan.nomor if usulan else ""

    # From desa1, about a household still waiting: answered and being handled.
    dijawab = pengaduan_buat(
        data=Laporan(
            kategori=Pengaduan.Kategori.TERLAMBAT,
            uraian="Keluarga ini sudah diusulkan lebih dari sebulan, belum ada kabar.",
            pelapor_nama="Ni Made Sukerti",
            pelapor_telepon="081338001122",
            nomor_usulan=nomor,
        ),
        by=desa1,
        sumber=Pengaduan.Sumber.DESA,
    )
    pengaduan_tugaskan(pengaduan_id=dijawab.pk, petugas=verifikator, by=verifikator)
    pengaduan_tanggapi(
        pengaduan_id=dijawab.pk,
        isi="Usulan sedang diverifikasi; hasilnya paling lambat minggu ini.",
        by=verifikator,
    )

    # At the counter, two weeks ago: past its target, still waiting for Dukcapil.
    terlambat = pengaduan_buat(
        data=Laporan(
            kategori=Pengaduan.Kategori.DATA_SALAH,
            uraian="Tanggal lahir pada kartu tidak sama dengan KTP.",
            pelapor_nama="Gede Artawan",
            pelapor_telepon="085737001234",
            desa=desa,
        ),
        by=loket,
        sumber=Pengaduan.Sumber.LOKET,
    )
    pengaduan_tugaskan(pengaduan_id=terlambat.pk, petugas=loket, by=loket)
    pengaduan_ubah_status(
        pengaduan_id=terlambat.pk,
        to=Pengaduan.Status.MENUNGGU_DUKCAPIL,
        alasan="Menunggu perbaikan data kependudukan.",
        by=loket,
    )
    past = timezone.now() - datetime.timedelta(days=20)
    Pengaduan.objects.filter(pk=terlambat.pk).update(
        created_at=past,
        tenggat=timezone.localdate(past) + datetime.timedelta(days=14),
    )

    # From the public form: new, nobody on it yet.
    pengaduan_buat(
        data=Laporan(
            kategori=Pengaduan.Kategori.TIDAK_DITERIMA,
            uraian="Kata petugas kartu sudah dikirim ke desa, tapi saya belum menerima.",
            pelapor_nama="Komang Sudiasa",
            pelapor_telepon="087861002345",
            desa=desa,
        ),
        by=None,
        sumber=Pengaduan.Sumber.PUBLIK,
    )

    # Resolved.
    selesai = pengaduan_buat(
        data=Laporan(
            kategori=Pengaduan.Kategori.TIDAK_DITERIMA,
            uraian="Kartu belum sampai ke rumah warga.",
            pelapor_nama="Putu Wirawan",
            desa=desa,
        ),
        by=desa1,
        sumber=Pengaduan.Sumber.DESA,
    )
    pengaduan_ubah_status(
        pengaduan_id=selesai.pk,
        to=Pengaduan.Status.SELESAI,
        alasan="Kartu diserahkan ke desa; warga mengambil di kantor desa.",
        by=distribusi,
    )

    now = timezone.localtime()
    visitors = [
        ("Nyoman Sudarsana", "Desa Kalibukbuk", "konsultasi", 8, 15),
        ("Luh Putu Sari", "Desa Unggahan", "daftar", 9, 5),
        ("Gede Artawan", "Desa Kalibukbuk", "pengaduan", 9, 40),
    ]
    for nama, asal, keperluan, hour, minute in visitors:
        jam = datetime.time(min(hour, now.hour), minute if hour < now.hour else 0)
        buku_tamu_catat(nama=nama, asal=asal, keperluan=keperluan, jam=jam, by=loket)
