"""Builders for complaint tests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pengaduan.models import Pengaduan
from pengaduan.services import Laporan, pengaduan_create
from tests.usulan.factories import household, member
from usulan.models import Usulan
from usulan.services import usulan_save


def usulan_of(operator) -> Usulan:
    desa = operator.profile.desa
    return usulan_save(
        usulan=None,
        household=household(desa),
        members=[member(desa)],
        by=operator,
        desa=desa,
    )


def complaint(
    by, *, desa=None, kategori="terlambat", sumber=None, **extra
) -> Pengaduan:
    """A complaint recorded by `by` (an operator records for its own desa)."""
    if sumber is None:
        sumber = Pengaduan.Sumber.DESA if desa is None else Pengaduan.Sumber.LOKET
    data = Laporan(
        kategori=kategori,
        uraian=extra.pop("uraian", "Kartu belum sampai ke rumah warga."),
        pelapor_nama=extra.pop("pelapor_nama", "Ni Luh Pengadu"),
        desa=desa,
        **extra,
    )
    return pengaduan_create(data=data, by=by, sumber=sumber)


def backdate(pengaduan: Pengaduan, *, days: int) -> Pengaduan:
    """Pretend the complaint arrived `days` ago, with its target moved along."""
    created = timezone.now() - datetime.timedelta(days=days)
    tenggat = pengaduan.tenggat - datetime.timedelta(days=days)
    Pengaduan.objects.filter(pk=pengaduan.pk).update(
        created_at=created, tenggat=tenggat
    )
    pengaduan.refresh_from_db()
    return pengaduan


def fake_pdf(name="bukti.pdf") -> SimpleUploadedFile:
    """A file named like a PDF whose content is a web page."""
    return SimpleUploadedFile(
        name, b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
