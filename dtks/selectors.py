"""Reading the registry: a person's status in the latest extract, search by name."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from .models import DtksPeriode, DtksRecord


@dataclass(frozen=True)
class DtksStatus:
    """Whether a NIK is in the latest DTKS extract, and its desil (DTSEN)."""

    terdaftar: bool
    periode: str = ""
    desil: int | None = None

    @property
    def label(self) -> str:
        if not self.periode:
            return "DTKS belum diimpor"
        if not self.terdaftar:
            return f"Tidak terdaftar di DTKS {self.periode}"
        desil = f", desil {self.desil}" if self.desil else ""
        return f"Terdaftar di DTKS {self.periode}{desil}"


def latest_periode() -> DtksPeriode | None:
    return DtksPeriode.objects.order_by("-kode").first()


NAME_SEARCH_LIMIT = 50
NAME_WORD = re.compile(r"[^\W_]+")
# Matches the GIN index of migration verifikasi 0003 (PostgreSQL), made when DTKS
# lived in verifikasi: the words of the name.
NAME_MATCH_PG = (
    'to_tsvector(\'simple\'::regconfig, "verifikasi_dtksrecord"."nama") '
    "@@ to_tsquery('simple'::regconfig, %s)"
)


def name_words(nama: str) -> list[str]:
    """The words of a name as typed: letters and digits, upper case."""
    return NAME_WORD.findall((nama or "").upper())


def dtks_search_nama(
    nama: str,
    *,
    limit: int = NAME_SEARCH_LIMIT,
    records: QuerySet[DtksRecord] | None = None,
) -> tuple[list[DtksRecord], bool]:
    """People of the latest period whose name has every word of `nama`.

    Whole words in any order: "putu suardana" finds I PUTU EKA SUARDANA. On
    PostgreSQL the words of 3+ letters go through the word index (migration
    verifikasi 0003); I, NI and other short words, which half the names carry, are checked
    on the few rows it returns. Without an ORDER BY the database stops after
    `limit` + 1 matches; the page shows them sorted, and whether there were more.
    `records` is what the user may read (default: every record).
    """
    words = list(dict.fromkeys(name_words(nama)))
    periode = latest_periode()
    if periode is None or not words:
        return [], False
    records = DtksRecord.objects.all() if records is None else records
    qs = records.filter(periode=periode)
    indexed = [w for w in words if len(w) >= 3]
    if connection.vendor == "postgresql" and indexed:
        tsquery = " & ".join(w.lower() for w in indexed)
        qs = qs.filter(RawSQL(NAME_MATCH_PG, [tsquery], output_field=BooleanField()))  # nosec B611 - constant SQL, the words are a parameter
        words = [w for w in words if len(w) < 3]
    for word in words:
        qs = qs.filter(nama__iregex=rf"(^|[\W_]){word}([\W_]|$)")
    found = list(
        qs.only("nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_desa", "desil")[
            : limit + 1
        ]
    )
    more = len(found) > limit
    return sorted(found[:limit], key=lambda r: (r.nama, r.pk)), more


def dtks_status_for(niks: list[str]) -> dict[str, DtksStatus]:
    """Look up many NIKs in the latest extract with one query."""
    periode = latest_periode()
    if periode is None:
        return {nik: DtksStatus(terdaftar=False) for nik in niks}
    records = DtksRecord.objects.filter(periode=periode)
    if connection.vendor == "postgresql" and len(niks) > 1000:
        # One array parameter: `nik__in` resolves 40,000 parameters one by one
        # (a locked batch of a peak month), a second of Python.
        records = records.filter(
            nik__in=RawSQL("SELECT unnest(%s::varchar[])", [list(niks)])
        )
    else:
        records = records.filter(nik__in=niks)
    found = dict(records.values_list("nik", "desil"))
    return {
        nik: DtksStatus(
            terdaftar=nik in found, periode=periode.kode, desil=found.get(nik)
        )
        for nik in niks
    }


def registered_in_latest_periode(
    *, nik, records: QuerySet[DtksRecord] | None = None
) -> QuerySet[DtksRecord]:
    """The latest period's records of `nik` (a value or an OuterRef), for Exists().

    The latest period is a subquery: no period means nobody is in DTKS.
    """
    latest = DtksPeriode.objects.order_by("-kode").values("pk")[:1]
    records = DtksRecord.objects.all() if records is None else records
    return records.filter(periode_id=Subquery(latest), nik=nik)


def find_in_latest(
    nik: str, *, records: QuerySet[DtksRecord] | None = None
) -> DtksRecord | None:
    """The record of one NIK in the latest period (of `records`), or None (one query).

    One NIK per period (a unique constraint): no ORDER BY needed, as first() adds.
    """
    found = list(
        registered_in_latest_periode(nik=nik, records=records).select_related(
            "periode"
        )[:1]
    )
    return found[0] if found else None
