import csv
import functools
import gzip

from django.db.models import Count, Q, QuerySet

from .models import Desa, Kecamatan
from .services import BASE_CSV


def kecamatan_with_counts() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.annotate(
        jumlah_desa=Count("desa_set", filter=Q(desa_set__jenis=Desa.Jenis.DESA)),
        jumlah_kelurahan=Count(
            "desa_set", filter=Q(desa_set__jenis=Desa.Jenis.KELURAHAN)
        ),
    )


def region_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(kecamatan, desa) choices for the list filters, read with one query.

    Labels as the models print themselves ("Desa Kalibukbuk", "Buleleng
    (51.08.01)"), built from plain values: cheaper than 148 model instances.
    """
    jenis = dict(Desa.Jenis.choices)
    rows = Desa.objects.order_by("kode").values_list(
        "pk", "jenis", "nama", "kecamatan_id", "kecamatan__kode", "kecamatan__nama"
    )
    kecamatan: dict[int, tuple[str, str]] = {}
    desa = []
    for pk, kind, nama, kec_id, kec_kode, kec_nama in rows:
        desa.append((pk, f"{jenis.get(kind, kind)} {nama}"))
        kecamatan[kec_id] = (kec_kode, f"{kec_nama} ({kec_kode})")
    return (
        [
            (pk, label)
            for pk, (_, label) in sorted(kecamatan.items(), key=lambda kv: kv[1][0])
        ],
        desa,
    )


def desa_names(kodes) -> dict[str, str]:
    """The names of the desa with these codes, by code (unknown codes are absent)."""
    kodes = {kode for kode in kodes if kode}
    if not kodes:
        return {}
    return dict(Desa.objects.filter(kode__in=kodes).values_list("kode", "nama"))


@functools.cache
def region_names(kode_kabupaten: str) -> tuple[str, str]:
    """(province name, regency name) of a regency code such as 51.08, from the
    Kemendagri list; empty names for a code the list lacks."""
    provinsi = kode_kabupaten[:2]
    names = {provinsi: "", kode_kabupaten: ""}
    with gzip.open(BASE_CSV, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[0].strip() in names:
                names[row[0].strip()] = row[1].strip()
                if all(names.values()):
                    break
    return names[provinsi], names[kode_kabupaten]
