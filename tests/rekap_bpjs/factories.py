"""Builders for the batch tests: ready households, BPJS result files."""

import datetime
import io

import openpyxl

from tests.clock import WITA
from tests.usulan.factories import household, member
from usulan.models import Usulan
from usulan.services import usulan_save

# Households become ready here; the batch tests use periods around it.
BASE = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=WITA)


def ready_household(operator, *, kategori="miskin", size=1, minutes=0) -> Usulan:
    """A household already verified (SIAP), ready at BASE + minutes."""
    desa = operator.profile.desa
    # Only a woman of child-bearing age may be "ibu hamil" (usulan/checks.py).
    hamil = kategori == "hamil"
    people = [
        member(
            desa,
            kategori=kategori,
            sex="P" if hamil else "L",
            birth=datetime.date((1995 if hamil else 1970) + i, 1, 1 + i),
        )
        for i in range(size)
    ]
    usulan = usulan_save(
        usulan=None, household=household(desa), members=people, by=operator, desa=desa
    )
    Usulan.objects.filter(pk=usulan.pk).update(status=Usulan.Status.SIAP)
    usulan.anggota_set.update(siap_sejak=BASE + datetime.timedelta(minutes=minutes))
    return usulan


TMT = datetime.date(2026, 12, 1)


def noka(n: int) -> str:
    return f"{n:013d}"


def xlsx_bytes(rows: list[list], *, header=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Umpan Balik"
    ws.append(["UMPAN BALIK PENDAFTARAN PESERTA PBI APBD - KAB. BULELENG"])
    ws.append(["Periode November 2026"])
    ws.append(header or ["No Kartu", "N I K", "Nama", "Status", "Keterangan", "TMT"])
    for index, row in enumerate(rows):
        ws.append(row)
        if index % 3 == 1:
            ws.append([])  # blank rows in between
    ws.append([None, None, None, None, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
