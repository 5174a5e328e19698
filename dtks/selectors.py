"""Reading the registry: a person's status in the latest extract, search by name."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import BooleanField, F, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from kis_portal.bulk import among
from kis_portal.offices.desil import AturanDesil, aturan_for, aturan_table

from .models import DtksPeriode, DtksRecord, UsulanSiksng


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
    # Many NIKs as one array parameter on PostgreSQL: `nik__in` resolves
    # 40,000 parameters one by one (a locked batch of a peak month), a second
    # of Python.
    many = among(niks, otherwise=niks, db_type="varchar") if len(niks) > 1000 else niks
    records = DtksRecord.objects.filter(periode=periode, nik__in=many)
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


# --- DTSEN desil: matching proposed members to the ranking ----------------------


class CaraCocok(models.TextChoices):
    """How a member was matched to the latest ranking."""

    NIK = "nik", "cocok lewat NIK"
    KK = "kk", "cocok lewat No. KK keluarga"
    ANGGOTA = "anggota", "cocok lewat NIK anggota keluarga lain"
    KK_RAGU = "kk_ragu", "tidak dicocokkan"
    ANGGOTA_RAGU = "anggota_ragu", "tidak dicocokkan"
    TIDAK_ADA = "", "tidak ada di DTSEN"


AMBIGUOUS = {
    CaraCocok.KK_RAGU: (
        "NIK-nya tidak ada di DTSEN, dan orang-orang dengan No. KK ini di DTSEN "
        "berbeda desilnya: tidak dicocokkan agar tidak salah orang."
    ),
    CaraCocok.ANGGOTA_RAGU: (
        "NIK-nya dan No. KK-nya tidak ada di DTSEN, dan anggota keluarga lain yang "
        "ada di DTSEN berbeda desilnya: tidak dicocokkan agar tidak salah orang."
    ),
}


@dataclass(frozen=True)
class DesilMatch:
    """A member's desil in the latest ranking, how it was found, and why not."""

    cara: str = CaraCocok.TIDAK_ADA
    desil: int | None = None
    periode: str = ""

    @property
    def cocok(self) -> bool:
        return self.cara in (CaraCocok.NIK, CaraCocok.KK, CaraCocok.ANGGOTA)

    @property
    def alasan(self) -> str:
        """Why no desil is used ('' when one is)."""
        if not self.periode:
            return "Data DTSEN belum diimpor."
        if self.cara in AMBIGUOUS:
            return AMBIGUOUS[self.cara]
        if not self.cocok:
            return "NIK, No. KK dan anggota keluarga lain tidak ada di DTSEN."
        return ""

    @property
    def label(self) -> str:
        """'Desil 3 (cocok lewat NIK)', 'Belum berperingkat (cocok lewat No. KK)', ..."""
        if not self.cocok:
            return "Tanpa desil: " + self.alasan
        shown = f"Desil {self.desil}" if self.desil else "Belum berperingkat"
        return f"{shown} ({CaraCocok(self.cara).label}, {self.periode})"

    def aturan(self, table: list[AturanDesil]) -> AturanDesil:
        """What the office's rule table makes of it (unmatched: the unranked row)."""
        return aturan_for(table, self.desil if self.cocok else None)


# One statement for one household or a quarter of a million: the members (id,
# nik, household, no_kk) come from the caller's query; each is matched by its
# own NIK, else through the household's No. KK, else through the NIKs of the
# household's other members. A route whose records disagree on the desil is
# ambiguous: no desil, and the reason is shown.
MATCH_SQL = """
WITH m AS ({members}),
latest AS (SELECT id FROM {periode} ORDER BY kode DESC LIMIT 1),
own AS (
    SELECT m.id, m.household, r.desil FROM m
    JOIN {record} r ON r.periode_id = (SELECT id FROM latest) AND r.nik = m.nik
),
kk AS (
    SELECT h.household, min(coalesce(r.desil, 0)) AS lo,
           max(coalesce(r.desil, 0)) AS hi
    FROM (SELECT DISTINCT household, no_kk FROM m WHERE no_kk <> '') h
    JOIN {record} r ON r.periode_id = (SELECT id FROM latest) AND r.no_kk = h.no_kk
    GROUP BY h.household
),
other AS (
    SELECT household, min(coalesce(desil, 0)) AS lo, max(coalesce(desil, 0)) AS hi
    FROM own GROUP BY household
)
SELECT m.id, m.nik, m.grp,
    CASE WHEN own.id IS NOT NULL THEN 'nik'
         WHEN kk.lo = kk.hi THEN 'kk'
         WHEN kk.lo IS NOT NULL THEN 'kk_ragu'
         WHEN other.lo = other.hi THEN 'anggota'
         WHEN other.lo IS NOT NULL THEN 'anggota_ragu'
         ELSE '' END AS cara,
    CASE WHEN own.id IS NOT NULL THEN own.desil
         WHEN kk.lo = kk.hi THEN nullif(kk.lo, 0)
         WHEN kk.lo IS NULL AND other.lo = other.hi THEN nullif(other.lo, 0)
    END AS desil
FROM m
LEFT JOIN own ON own.id = m.id
LEFT JOIN kk ON kk.household = m.household
LEFT JOIN other ON other.household = m.household
"""  # nosec B608 - table names are the models' own; the members' SQL is the ORM's


def _match_query(
    members: QuerySet, *, household: str, no_kk: str, group: str = ""
) -> tuple[str, list]:
    """MATCH_SQL over `members` (rows with pk and nik): (sql, params).

    `household` and `no_kk` are the field paths of each member's household and
    its No. KK, `group` what the rows are counted by (the caller's models: dtks
    knows none above it).
    """
    rows = members.order_by().values(
        m_id=F("pk"),
        m_nik=F("nik"),
        m_household=F(household),
        m_kk=F(no_kk),
        m_grp=F(group or household),
    )
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    query = MATCH_SQL.format(
        members=(
            "SELECT m_id AS id, m_nik AS nik, m_household AS household, "  # nosec B608 - the ORM's own query, its values parameters
            f"m_kk AS no_kk, m_grp AS grp FROM ({sql}) src"
        ),
        periode=quote(DtksPeriode._meta.db_table),
        record=quote(DtksRecord._meta.db_table),
    )
    return query, list(params)


def desil_matches(
    members: QuerySet, *, household: str, no_kk: str, periode_label: bool = True
) -> Iterator[tuple[int, str, DesilMatch]]:
    """(member id, nik, match) for `members`, streamed (see _match_query).

    Without `periode_label` the matches name no period (one query less: the
    route and desil do not need it).
    """
    if periode_label:
        periode = latest_periode()
        kode = periode.kode if periode else ""
    else:
        kode = "-"
    query, params = _match_query(members, household=household, no_kk=no_kk)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        while batch := cursor.fetchmany(5000):
            for pk, nik, _grp, cara, desil in batch:
                yield pk, nik, DesilMatch(cara=cara, desil=desil, periode=kode)


def desil_counts(
    members: QuerySet, *, household: str, no_kk: str, group: str
) -> list[tuple[object, DesilMatch, int]]:
    """(group value, match, members) counted by the database, for a register.

    The matches carry no period code: counting needs only the route and desil.
    """
    query, params = _match_query(members, household=household, no_kk=no_kk, group=group)
    counted = (
        f"SELECT grp, cara, desil, count(*) FROM ({query}) matched "  # nosec B608 - built above from constants and the ORM
        "GROUP BY grp, cara, desil"
    )
    with connection.cursor() as cursor:
        cursor.execute(counted, params)
        return [
            (grp, DesilMatch(cara=cara, desil=desil, periode="-"), n)
            for grp, cara, desil, n in cursor.fetchall()
        ]


def desil_for_members(
    members: QuerySet, *, household: str, no_kk: str
) -> dict[int, DesilMatch]:
    """member id -> match, for a few households (one query)."""
    return {
        pk: match
        for pk, _, match in desil_matches(members, household=household, no_kk=no_kk)
    }


def siksng_for(niks: list[str]) -> dict[str, UsulanSiksng]:
    """The SIKS-NG record of each NIK that has one."""
    return {row.nik: row for row in UsulanSiksng.objects.filter(nik__in=niks)}


def held_for_siksng(
    members: QuerySet, profile, *, household: str, no_kk: str
) -> set[int]:
    """Members the APBD batch holds back: routed to SIKS-NG by the rule table and
    not (yet) refused there. Arguments as for desil_matches."""
    table = aturan_table(profile)
    routed: dict[str, int] = {}
    matches = desil_matches(
        members, household=household, no_kk=no_kk, periode_label=False
    )
    for pk, nik, match in matches:
        if match.aturan(table).siks_ng:
            routed[nik] = pk
    refused = set(
        UsulanSiksng.objects.filter(
            nik__in=list(routed), hasil=UsulanSiksng.Hasil.DITOLAK
        ).values_list("nik", flat=True)
    )
    return {pk for nik, pk in routed.items() if nik not in refused}
