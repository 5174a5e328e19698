import csv
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Desa, Kecamatan

BASE_CSV = Path(__file__).parent / "data" / "base.csv.gz"
KABUPATEN_RE = re.compile(r"^\d{2}\.\d{2}$")


@dataclass
class LoadResult:
    kabupaten: str
    kecamatan_created: int = 0
    kecamatan_updated: int = 0
    desa_created: int = 0
    desa_updated: int = 0

    @property
    def changed(self) -> bool:
        return any(
            [
                self.kecamatan_created,
                self.kecamatan_updated,
                self.desa_created,
                self.desa_updated,
            ]
        )


class WilayahError(ValueError):
    pass


def read_regency(
    kode_kabupaten: str, source: Path = BASE_CSV
) -> tuple[str, list, list]:
    """Return (regency name, [(kode, nama)] kecamatan, [(kode, nama)] desa) from the list."""
    if not KABUPATEN_RE.match(kode_kabupaten):
        raise WilayahError("Kode kabupaten/kota harus berbentuk 51.08.")
    nama_kabupaten = ""
    kecamatan: list[tuple[str, str]] = []
    desa: list[tuple[str, str]] = []
    prefix = kode_kabupaten + "."
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 2:
                continue
            kode, nama = row[0].strip(), row[1].strip()
            if kode == kode_kabupaten:
                nama_kabupaten = nama
            elif kode.startswith(prefix):
                (kecamatan if kode.count(".") == 2 else desa).append((kode, nama))
    if not nama_kabupaten:
        raise WilayahError(
            f"Kode kabupaten/kota {kode_kabupaten} tidak ada di daftar Kemendagri."
        )
    return nama_kabupaten, kecamatan, desa


@transaction.atomic
def load_wilayah(*, kode_kabupaten: str, source: Path = BASE_CSV) -> LoadResult:
    """Create or update one regency's kecamatan and desa; a second run changes nothing."""
    _, kecamatan_rows, desa_rows = read_regency(kode_kabupaten, source)
    result = LoadResult(kabupaten=kode_kabupaten)
    existing_kec = {
        k.kode: k for k in Kecamatan.objects.filter(kode__startswith=kode_kabupaten)
    }
    for kode, nama in kecamatan_rows:
        current = existing_kec.get(kode)
        if current is None:
            existing_kec[kode] = Kecamatan.objects.create(kode=kode, nama=nama)
            result.kecamatan_created += 1
        elif current.nama != nama:
            current.nama = nama
            current.save(update_fields=["nama"])
            result.kecamatan_updated += 1

    existing_desa = {
        d.kode: d for d in Desa.objects.filter(kode__startswith=kode_kabupaten)
    }
    to_create = []
    for kode, nama in desa_rows:
        kecamatan = existing_kec[kode.rsplit(".", 1)[0]]
        jenis = Desa.jenis_from_kode(kode)
        current = existing_desa.get(kode)
        if current is None:
            to_create.append(
                Desa(kode=kode, nama=nama, jenis=jenis, kecamatan=kecamatan)
            )
        elif (current.nama, current.jenis, current.kecamatan_id) != (
            nama,
            jenis,
            kecamatan.pk,
        ):
            current.nama, current.jenis, current.kecamatan = nama, jenis, kecamatan
            current.save(update_fields=["nama", "jenis", "kecamatan"])
            result.desa_updated += 1
    Desa.objects.bulk_create(to_create)
    result.desa_created = len(to_create)
    return result
