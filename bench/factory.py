"""Bulk benchmark data: deterministic, fast (COPY / bulk_create), never committed.

People come from ``demo.people.PeopleFactory`` (Balinese names, valid
Buleleng NIKs). Each ``ensure_*`` function leaves its data set in the database
and records it in a small marker table, so a second benchmark that needs the
same data (or a second run against a kept database) reuses it instead of
building it again. Call them after ``common.setup()`` and ``common.migrate()``.

Data sets:
  * ``ensure_wilayah``: Buleleng (51.08), 9 kecamatan and 148 desa.
  * ``ensure_users``: one account per role (``bench_<role>``); the operator
    belongs to ``BENCH_DESA``.
  * ``ensure_usulan(n)``: n usulan with 1-5 members each (3.15 on average)
    spread over the 148 desa and two years, in every status.
  * ``ensure_dtks(n)``: one DTKS period of n persons: the members of 60% of
    the benchmark's households (when present) plus other residents.
  * ``waiting_approval(n)`` / ``cards_at_office(n)``: fresh cases for one bulk
    decision (B7): usulan waiting for the head of office, cards at the office.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from demo.people import GIVEN, Household, PeopleFactory
from distribusi.models import Kartu
from dtks.models import DtksPeriode
from kis_portal.accounts.services import user_create
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.services import profile_load_named
from kis_portal.wilayah.models import Desa
from kis_portal.wilayah.services import load_wilayah
from usulan.models import Anggota, Usulan
from verifikasi.models import CekLapangan, Pemeriksaan

# A fixed "now" for generated timestamps: the same data every run.
BASE = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)
SPAN_DAYS = 730
KABUPATEN = "51.08"
BENCH_DESA = "51.08.06.2001"  # Kalibukbuk, the demo's desa1
PERIODE = "2026-Q3"
NOMOR_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
COPY_CHUNK = 50_000
NULL = "\\N"

# (status, weight): most households of two years are enrolled by now.
STATUS_WEIGHTS = [
    ("draft", 8),
    ("diajukan", 20),
    ("dikembalikan", 4),
    ("cek_lapangan", 3),
    ("menunggu_acc", 2),
    ("siap", 8),
    ("dikirim", 5),
    ("terdaftar", 45),
    ("gagal_bpjs", 1),
    ("ditolak", 4),
]
READY = {"siap", "dikirim", "terdaftar", "gagal_bpjs"}
SIZE_WEIGHTS = [(1, 10), (2, 20), (3, 30), (4, 25), (5, 15)]
KATEGORI = ["miskin"] * 6 + ["kronis", "disabilitas", "hamil", "odgj", "tambahan"]


# --- Plumbing -------------------------------------------------------------------


def _marker(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_marker (name text PRIMARY KEY, value text)"
        )
        cursor.execute("SELECT value FROM bench_marker WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def _set_marker(name: str, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_marker WHERE name = %s", [name])
        if value is not None:
            cursor.execute("INSERT INTO bench_marker VALUES (%s, %s)", [name, value])


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY tuples into `table` (values already text-safe: no tab or newline)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        buffer = io.StringIO()
        pending = 0
        for row in rows:
            buffer.write("\t".join(NULL if v is None else str(v) for v in row) + "\n")
            pending += 1
            if pending >= COPY_CHUNK:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                count += pending
                buffer, pending = io.StringIO(), 0
        if pending:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            count += pending
    return count


@contextmanager
def bulk_load(
    *tables: str, memory: str = "256MB", unique: bool = False
) -> Iterator[None]:
    """Inside a transaction: load `tables` without their secondary indexes and
    (as a superuser) without per-row foreign-key triggers, then rebuild the
    indexes in one pass each (with `memory` as maintenance_work_mem): several
    times faster than maintaining them. `unique`: the UNIQUE constraints too."""
    constraints = []
    with connection.cursor() as cursor:
        if unique:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'u' "
                "AND conrelid::regclass::text = ANY(%s)",
                [list(tables)],
            )
            constraints = cursor.fetchall()
            for table, name, _ in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = (quote_ident(i.indexname))::regclass)
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{memory}'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def _analyze(*tables: str) -> None:
    """VACUUM ANALYZE: statistics and the visibility map, as autovacuum leaves them."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def nomor(prefix: str, index: int, when: datetime.datetime) -> str:
    """A registration number in the portal's format, unique per index."""
    code = []
    for _ in range(6):
        index, digit = divmod(index, len(NOMOR_ALPHABET))
        code.append(NOMOR_ALPHABET[digit])
    return f"{prefix}{when:%y%m}-{''.join(reversed(code))}"


def _weighted(pairs: list[tuple]) -> tuple[list, list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


# Middle and second names heard in Buleleng, on top of PeopleFactory's GIVEN.
# With 24 given names a million people share a few dozen words, which no
# regency does; the name search is measured on names about as varied as real ones.
MORE_NAMES = """
ADI AGUS AGUNG ALIT ANOM ARDANA ARI ARIYASA ARTA ARTHA ARYA ASTITI ASTUTI AYU
BAGUS BAYU BUDI CAHYA CANDRA CITRA DANA DARMA DARSANA DENI DEWA DEWANTARA DHARMA
DIAN DIANA DIVA DWI EKA GALANG GEDE GITA GUNA GUNAWAN HARTA INDRA INTAN JAYA
JULIANTINI KARTIKA KARYA KERTA KUSUMA LANANG LESTARI MADE MAHENDRA MAHARDIKA
MANIK MEGA MERTA MULIA NANDA NGURAH OKA PANDE PARWATI PASEK PRADNYA PRAMANA
PURNAMA PUSPA PUTRA PUTRI RAI RAMA RATNA RESTU SANJAYA SANTIKA SARI SASTRA SEDANA
SEDANAYASA SENA SETIAWAN SUARDIKA SUARSANA SUBAGIA SUDANA SUGIARTA SUKADANA
SUKARDANA SUKMA SUMADI SUPARTHA SURYA SUSILA SUTAMA SUTRISNA SWASTIKA TIRTA TRI
UTAMA WAHYU WARDANI WIBAWA WIDANA WIDYA WIJAYA WIRA WULAN YASA YOGA YULIANTARI
""".split()


class People:
    """PeopleFactory households per kecamatan with NIKs unique across the run.

    Names get a middle name and often a second given name (I PUTU EKA SUARDANA
    WIBAWA), so that a full name is about as rare as in a real register.
    """

    def __init__(self, seed: int, taken: set[str] | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data
        self.factories: dict[str, PeopleFactory] = {}
        self.taken = taken if taken is not None else set()
        self.names = MORE_NAMES + [g.upper() for g in GIVEN]

    def household(self, prefix6: str, size: int) -> Household:
        factory = self.factories.get(prefix6)
        if factory is None:
            factory = self.factories[prefix6] = PeopleFactory(
                prefix6, seed=self.seed * 100 + len(self.factories)
            )
        while True:
            home = factory.household(size)
            niks = [p.nik for p in home.members]
            if len(set(niks)) == len(niks) and not self.taken.intersection(niks):
                break
        self.taken.update(niks)
        rng = self.rng
        for person in home.members:
            words = person.nama.split()  # "I PUTU SUARDANA", "NI LUH ARIANI"
            if rng.random() < 0.7:
                words.insert(len(words) - 1, rng.choice(MORE_NAMES))
            if rng.random() < 0.5:
                words.append(rng.choice(self.names))
            person.nama = " ".join(dict.fromkeys(words))  # no word twice
        return home


# --- Region and accounts --------------------------------------------------------


def ensure_wilayah():
    """Buleleng's kecamatan and desa, and its office profile (active)."""

    if Desa.objects.filter(kode__startswith=KABUPATEN).count() < 148:
        load_wilayah(kode_kabupaten=KABUPATEN)
    if not OfficeProfile.objects.filter(is_active=True).exists():
        profile_load_named(name="buleleng", activate=True)
    return list(
        Desa.objects.filter(kode__startswith=KABUPATEN)
        .select_related("kecamatan")
        .order_by("kode")
    )


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
ROLES = [
    "operator_desa",
    "verifikator",
    "kepala_dinas",
    "petugas_lapangan",
    "petugas_distribusi",
    "staf_rekap",
    "admin",
]


def ensure_users() -> dict:
    """One account per role, keyed by role; the operator works for BENCH_DESA."""

    users = {}
    existing = {
        u.username: u
        for u in get_user_model().objects.filter(username__startswith="bench_")
    }
    for role in ROLES:
        username = f"bench_{role}"
        user = existing.get(username)
        if user is None:
            # Bench accounts log in with force_login: a fast hasher will do.
            with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
                user = user_create(
                    username=username,
                    password="bench-only-password-1",  # noqa: S106 - bench data
                    role=role,
                    desa=Desa.objects.get(kode=BENCH_DESA)
                    if role == "operator_desa"
                    else None,
                    first_name="Bench",
                    last_name=role.replace("_", " ").title(),
                )
        users[role] = user
    return users


# --- Usulan with members -----------------------------------------------------------


@dataclass
class UsulanSet:
    usulan: int
    anggota: int
    per_status: dict[str, int]


USULAN_COLUMNS = [
    "id",
    "nomor",
    "jenis",
    "sumber",
    "pengajuan_id",
    "desa_id",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "telepon",
    "noka_lama",
    "segmen_asal",
    "status",
    "berkas_diterima",
    "submitted_at",
    "version",
    "created_by_id",
    "created_at",
    "updated_at",
    "tanpa_kabar_hp",
    "jalur",
    "reaktivasi_alasan",
    "reaktivasi_keterangan",
]
ANGGOTA_COLUMNS = [
    "id",
    "usulan_id",
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "shdk",
    "status_kawin",
    "kode_faskes",
    "nama_faskes",
    "kategori",
    "telepon",
    "catatan",
    "siap_sejak",
    "status_bpjs",
    "noka",
    "keterangan_bpjs",
    "aktif",
    "noka_lama",
]
USULAN_TABLES = ["usulan_pengajuan", "usulan_usulan", "usulan_anggota"]


def ensure_usulan(n: int, *, seed: int = 11) -> UsulanSet:
    """n usulan with their members over the 148 desa (built once, then reused)."""
    key = f"usulan:{n}:{seed}:v7"
    if _marker("usulan") == key:
        return _usulan_summary()
    desas = ensure_wilayah()
    users = ensure_users()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {', '.join(USULAN_TABLES)} RESTART IDENTITY CASCADE"
            )
        _set_marker("usulan", None)
        _set_marker("dtks", None)
        with bulk_load(*USULAN_TABLES):
            _build_usulan(n, seed, desas, users["operator_desa"].pk)
        for table in USULAN_TABLES:
            _reset_sequence(table)
        _set_marker("usulan", key)
    _analyze(*USULAN_TABLES)
    return _usulan_summary()


def grow_usulan(factor: int) -> UsulanSet:
    """Make the usulan set `factor` times its size (at most 10), in the same mix.

    Copy k of every usulan, its cover letter and its members is another
    household of the same desa and status, submitted k minutes earlier: people
    of another regency's NIK code (Bali's, as grow_dtks), numbers of their own
    (ids, registration numbers, NOKA), so every list grows `factor` times.
    Set-based SQL, indexes rebuilt after. For measuring the lists at a larger
    size (B1), in a copy of the database (common.copy_database): the other
    benchmarks expect ensure_usulan's set.
    """
    if not 2 <= factor <= len(BALI) + 1:
        raise ValueError(f"factor {factor}: 2 to {len(BALI) + 1}")
    built = _marker("usulan") or ""
    if built.endswith(f":x{factor}"):
        return _usulan_summary()
    if ":x" in built:
        raise ValueError(f"the usulan set is grown already ({built})")
    with connection.cursor() as cursor:
        last = {}
        for table in USULAN_TABLES:
            cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")
            last[table] = cursor.fetchone()[0]
    p, u, a = (last[t] for t in USULAN_TABLES)
    with transaction.atomic(), bulk_load(*USULAN_TABLES, unique=True):
        # ensure_usulan (and ensure_dtks) build their sets again if asked here.
        _set_marker("usulan", f"{built}:x{factor}")
        with connection.cursor() as cursor:
            for k, kabupaten in enumerate(BALI[: factor - 1], start=1):
                params = {
                    "k": k,
                    "code": kabupaten.replace(".", ""),
                    "p": k * p,
                    "u": k * u,
                    "a": k * a,
                    "last_p": p,
                    "last_u": u,
                    "last_a": a,
                    "shift": f"{k} minutes",
                }
                cursor.execute(GROW_PENGAJUAN, params)
                cursor.execute(GROW_USULAN, params)
                cursor.execute(GROW_ANGGOTA, params)
        for table in USULAN_TABLES:
            _reset_sequence(table)
    _analyze(*USULAN_TABLES)
    return _usulan_summary()


def _grow_sql(table: str, columns: list[str], values: dict[str, str], last: str):
    """INSERT ... SELECT of `table`'s first rows (id <= `last`), some columns
    computed from the old."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # nosec B608 - our constants
        f"SELECT {', '.join(values.get(c, c) for c in columns)} FROM {table} "
        f"WHERE id <= %({last})s"
    )


def _usulan_summary() -> UsulanSet:
    per_status = dict(
        Usulan.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return UsulanSet(
        usulan=sum(per_status.values()),
        anggota=Anggota.objects.count(),
        per_status=per_status,
    )


def _build_usulan(n: int, seed: int, desas, created_by: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    people = People(seed)
    statuses, status_w = _weighted(STATUS_WEIGHTS)
    sizes, size_w = _weighted(SIZE_WEIGHTS)
    # One cover letter (pengajuan) per desa and month.
    pengajuan: dict[tuple[int, str], int] = {}
    pengajuan_rows: list[tuple] = []
    usulan_rows: list[tuple] = []
    anggota_rows: list[tuple] = []
    anggota_id = 0

    def flush() -> None:
        copy_rows("usulan_pengajuan", PENGAJUAN_COLUMNS, pengajuan_rows)
        copy_rows("usulan_usulan", USULAN_COLUMNS, usulan_rows)
        copy_rows("usulan_anggota", ANGGOTA_COLUMNS, anggota_rows)
        pengajuan_rows.clear()
        usulan_rows.clear()
        anggota_rows.clear()

    for index in range(1, n + 1):
        desa = desas[rng.randrange(len(desas))]
        created = BASE - datetime.timedelta(
            days=rng.random() * SPAN_DAYS, seconds=rng.randrange(86400)
        )
        status = rng.choices(statuses, status_w)[0]
        submitted = (
            None
            if status == "draft"
            else created + datetime.timedelta(hours=rng.randrange(1, 72))
        )
        updated = submitted or created
        loket = rng.random() < 0.1
        mig37 = rng.random() < 0.1
        pengajuan_id = None
        if not loket:
            month = f"{created:%y%m}"
            pengajuan_id = pengajuan.get((desa.pk, month))
            if pengajuan_id is None:
                pengajuan_id = pengajuan[(desa.pk, month)] = len(pengajuan) + 1
                pengajuan_rows.append(
                    (
                        pengajuan_id,
                        nomor("P", pengajuan_id, created),
                        desa.pk,
                        f"400/{pengajuan_id:05d}/{created:%m/%Y}",
                        created.date().isoformat(),
                        "",
                        created_by,
                        created.isoformat(),
                    )
                )
        home = people.household(
            desa.kecamatan.nik_prefix, rng.choices(sizes, size_w)[0]
        )
        phone = f"0812{rng.randrange(10**8):08d}" if rng.random() < 0.6 else ""
        # One card number per person (a unique constraint): from the index, not drawn.
        noka_lama = f"0001{index:09d}" if mig37 else ""
        usulan_rows.append(
            (
                index,
                nomor("U", index, created),
                "MIG37" if mig37 else "MIG34",
                "loket" if loket else "desa",
                pengajuan_id,
                desa.pk,
                home.no_kk,
                home.alamat,
                home.rt,
                home.rw,
                phone,
                noka_lama,
                "mandiri" if mig37 else "",
                status,
                "[]",
                submitted.isoformat() if submitted else None,
                1,
                created_by,
                created.isoformat(),
                updated.isoformat(),
                "f",
                "biasa",
                "",
                "",
            )
        )
        ready_at = (
            (submitted + datetime.timedelta(days=rng.randrange(1, 20))).isoformat()
            if status in READY
            else None
        )
        for position, person in enumerate(home.members):
            anggota_id += 1
            terdaftar = status == "terdaftar"
            anggota_rows.append(
                (
                    anggota_id,
                    index,
                    person.nik,
                    person.nama,
                    person.tempat_lahir,
                    person.tanggal_lahir.isoformat(),
                    person.jenis_kelamin,
                    person.shdk,
                    person.status_kawin,
                    "09020107",
                    "PUSKESMAS BULELENG I",
                    rng.choice(KATEGORI) if position == 0 else "miskin",
                    phone if position == 0 else "",
                    "",
                    ready_at,
                    "terdaftar" if terdaftar else "",
                    f"0002{anggota_id:09d}" if terdaftar else "",
                    "",
                    "f" if status == "ditolak" else "t",
                    noka_lama if position == 0 else "",  # the head holds the card
                )
            )
        if len(usulan_rows) >= COPY_CHUNK:
            flush()
    flush()


PENGAJUAN_COLUMNS = [
    "id",
    "nomor",
    "desa_id",
    "nomor_surat",
    "tanggal_surat",
    "keterangan",
    "created_by_id",
    "created_at",
]


def _numbered(column: str, prefix: str, key: str) -> str:
    """`column` as a 13-digit number: `prefix` + `key` (SQL); '' stays ''."""
    return (
        f"CASE WHEN {column} = '' THEN '' "
        f"ELSE '{prefix}' || lpad(({key})::text, 9, '0') END"
    )


GROW_PENGAJUAN = _grow_sql(
    "usulan_pengajuan",
    PENGAJUAN_COLUMNS,
    {
        "id": "id + %(p)s",
        "nomor": "nomor || '-' || %(k)s",
        "created_at": "created_at - %(shift)s::interval",
    },
    "last_p",
)
GROW_USULAN = _grow_sql(
    "usulan_usulan",
    USULAN_COLUMNS,
    {
        "id": "id + %(u)s",
        "nomor": "nomor || '-' || %(k)s",
        "pengajuan_id": "pengajuan_id + %(p)s",
        "no_kk": "%(code)s || substr(no_kk, 5)",
        "noka_lama": _numbered("noka_lama", "0001", "id + %(u)s"),
        "submitted_at": "submitted_at - %(shift)s::interval",
        "created_at": "created_at - %(shift)s::interval",
        "updated_at": "updated_at - %(shift)s::interval",
    },
    "last_u",
)
GROW_ANGGOTA = _grow_sql(
    "usulan_anggota",
    ANGGOTA_COLUMNS,
    {
        "id": "id + %(a)s",
        "usulan_id": "usulan_id + %(u)s",
        "nik": "%(code)s || substr(nik, 5)",
        "noka": _numbered("noka", "0002", "id + %(a)s"),
        # The head holds the usulan's old card number (one per person).
        "noka_lama": _numbered("noka_lama", "0001", "usulan_id + %(u)s"),
    },
    "last_a",
)


# --- DTKS ----------------------------------------------------------------------------

DTKS_COLUMNS = [
    "periode_id",
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_desa",
    "iddtks",
    "desil",
]


def ensure_dtks(n: int, *, seed: int = 23) -> int:
    """One DTKS period (PERIODE) of n persons; returns its id.

    The members of 60% of the usulan households present are in it (so the
    verifier's queue shows both kinds), the rest are other residents.
    """

    key = f"dtks:{n}:{seed}:{_marker('usulan')}:v2"
    if _marker("dtks") == key:
        return DtksPeriode.objects.get(kode=PERIODE).pk
    desas = ensure_wilayah()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE verifikasi_dtksrecord RESTART IDENTITY")
        DtksPeriode.objects.all().delete()
        periode = DtksPeriode.objects.create(kode=PERIODE, jumlah=n)
        taken = set(Anggota.objects.values_list("nik", flat=True))
        with bulk_load("verifikasi_dtksrecord"):
            with connection.cursor() as cursor:
                # Members of usulan households whose id ends in 0-5: 60% of them.
                cursor.execute(
                    """
                    INSERT INTO verifikasi_dtksrecord
                        (periode_id, nik, no_kk, nama, tanggal_lahir, jenis_kelamin,
                         kode_desa, iddtks, desil)
                    SELECT %s, a.nik, u.no_kk, a.nama, a.tanggal_lahir,
                           a.jenis_kelamin, d.kode,
                           'DTKS5108' || lpad(a.id::text, 9, '0'), 1 + a.id %% 4
                    FROM usulan_anggota a
                    JOIN usulan_usulan u ON u.id = a.usulan_id
                    JOIN wilayah_desa d ON d.id = u.desa_id
                    WHERE u.id %% 10 < 6
                    ORDER BY a.id
                    LIMIT %s
                    """,
                    [periode.pk, n],
                )
                present = cursor.rowcount
            copy_rows(
                "verifikasi_dtksrecord",
                DTKS_COLUMNS,
                _dtks_filler(periode.pk, n - present, seed, desas, taken),
            )
        _set_marker("dtks", key)
    _analyze("verifikasi_dtksrecord")
    return periode.pk


# Bali's other regencies (kabupaten/kota), for a register ten times Buleleng's.
BALI = ["51.01", "51.02", "51.03", "51.04", "51.05", "51.06", "51.07", "51.71", "51.09"]


def grow_dtks(periode_id: int, factor: int) -> int:
    """Make the period `factor` times its size (at most 10): Bali's other regencies.

    Each copy of the period's Buleleng people moves to another regency of Bali
    (its code in the NIK, No. KK and desa code: NIKs stay unique) and takes the
    last word of its name from another person, so that names mix as in a larger
    population instead of repeating. Set-based SQL, indexes rebuilt after. For
    measuring the lookups at a larger size (B2), in a copy of the database
    (common.copy_database): the other benchmarks expect ensure_dtks's period.
    Returns the period's rows.
    """
    if not 2 <= factor <= len(BALI) + 1:
        raise ValueError(f"factor {factor}: 2 to {len(BALI) + 1}")
    built = _marker("dtks") or ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM verifikasi_dtksrecord "
            "WHERE periode_id = %s AND kode_desa LIKE %s",
            [periode_id, f"{KABUPATEN}.%"],
        )
        low, high, count = cursor.fetchone()
    if built.endswith(f":x{factor}"):
        return count * factor
    if ":x" in built:
        raise ValueError(f"the period is grown already ({built})")
    with (
        transaction.atomic(),
        bulk_load("verifikasi_dtksrecord", memory="1GB", unique=True),
    ):
        # ensure_dtks builds the period again if asked for it here.
        _set_marker("dtks", f"{built}:x{factor}")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            for step, kabupaten in enumerate(BALI[: factor - 1], start=1):
                code = kabupaten.replace(".", "")
                cursor.execute(
                    r"""
                    INSERT INTO verifikasi_dtksrecord
                        (periode_id, nik, no_kk, nama, tanggal_lahir, jenis_kelamin,
                         kode_desa, iddtks, desil)
                    SELECT a.periode_id, %(code)s || substr(a.nik, 5),
                           CASE WHEN a.no_kk = '' THEN ''
                                ELSE %(code)s || substr(a.no_kk, 5) END,
                           COALESCE(regexp_replace(a.nama, '\S+$', '')
                                    || substring(b.nama FROM '\S+$'), a.nama),
                           a.tanggal_lahir, a.jenis_kelamin,
                           %(kabupaten)s || substr(a.kode_desa, 6),
                           a.iddtks || '-' || %(code)s, a.desil
                    FROM verifikasi_dtksrecord a
                    LEFT JOIN verifikasi_dtksrecord b
                      ON b.id = %(low)s + (a.id - %(low)s + %(shift)s) %% %(span)s
                     AND b.id BETWEEN %(low)s AND %(high)s
                     AND b.periode_id = a.periode_id
                    WHERE a.periode_id = %(periode)s AND a.id BETWEEN %(low)s AND %(high)s
                      AND a.kode_desa LIKE %(own)s
                    """,
                    {
                        "code": code,
                        "kabupaten": kabupaten,
                        "low": low,
                        "high": high,
                        "span": high - low + 1,
                        "shift": step * 7919,  # a prime: another person each time
                        "periode": periode_id,
                        "own": f"{KABUPATEN}.%",
                    },
                )
    DtksPeriode.objects.filter(pk=periode_id).update(jumlah=count * factor)
    _analyze("verifikasi_dtksrecord")
    return count * factor


def _dtks_filler(
    periode_id: int, count: int, seed: int, desas, taken: set[str]
) -> Iterator[tuple]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    people = People(seed, taken)
    made = 0
    while made < count:
        desa = desas[rng.randrange(len(desas))]
        home = people.household(desa.kecamatan.nik_prefix, rng.randint(1, 6))
        for person in home.members:
            if made >= count:
                break
            made += 1
            yield (
                periode_id,
                person.nik,
                home.no_kk,
                person.nama,
                person.tanggal_lahir.isoformat(),
                person.jenis_kelamin,
                desa.kode,
                f"DTKS5108F{made:08d}",
                rng.randint(1, 10),
            )


def dtks_sample(periode_id: int, k: int, *, seed: int = 5) -> list[tuple[str, str]]:
    """k (nik, nama) pairs spread over the period, for lookups."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(id), max(id) FROM verifikasi_dtksrecord "
            "WHERE periode_id = %s",
            [periode_id],
        )
        total, low, high = cursor.fetchone()
        rng = random.Random(seed)  # noqa: S311 - benchmark data
        ids = sorted({rng.randint(low, high) for _ in range(k * 2)})[: k * 2]
        cursor.execute(
            "SELECT nik, nama FROM verifikasi_dtksrecord WHERE id = ANY(%s)", [ids]
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows[:k]


# --- Fresh cases for one bulk decision (B7) ------------------------------------------


_fresh_seed = [1000]


def _fresh_people(count: int, prefix6: str) -> list[Household]:
    """Households whose NIKs no open usulan holds yet."""

    _fresh_seed[0] += 1
    people = People(_fresh_seed[0])
    homes = [people.household(prefix6, 3) for _ in range(count)]
    niks = [p.nik for h in homes for p in h.members]
    held = set()
    for start in range(0, len(niks), 5000):
        held.update(
            Anggota.objects.filter(
                nik__in=niks[start : start + 5000], aktif=True
            ).values_list("nik", flat=True)
        )
    return [h for h in homes if not held.intersection(p.nik for p in h.members)]


def _usulan_for(homes, *, desa, status, by, now):
    # Numbers of their own: the portal's random ones can meet the bulk set's.
    first = 10**8 + Usulan.objects.count()
    usulan = Usulan.objects.bulk_create(
        [
            Usulan(
                nomor=nomor("U", first + i, now),
                jenis="MIG34",
                sumber="desa",
                desa=desa,
                no_kk=h.no_kk,
                alamat=h.alamat,
                rt=h.rt,
                rw=h.rw,
                telepon=f"0813{i:08d}",
                status=status,
                submitted_at=now - datetime.timedelta(days=20),
                created_by=by,
            )
            for i, h in enumerate(homes)
        ]
    )
    members = []
    for u, h in zip(usulan, homes, strict=True):
        for position, p in enumerate(h.members):
            members.append(
                Anggota(
                    usulan=u,
                    nik=p.nik,
                    nama=p.nama,
                    tempat_lahir=p.tempat_lahir,
                    tanggal_lahir=p.tanggal_lahir,
                    jenis_kelamin=p.jenis_kelamin,
                    shdk=p.shdk,
                    status_kawin=p.status_kawin,
                    kode_faskes="09020107",
                    nama_faskes="PUSKESMAS BULELENG I",
                    kategori="kronis" if position == 0 else "miskin",
                    telepon=f"0813{u.pk:08d}" if position == 0 else "",
                )
            )
    Anggota.objects.bulk_create(members)
    return usulan, members


def waiting_approval(n: int, users: dict) -> list[int]:
    """n usulan (3 members each) accepted, field-checked, waiting for the kadis."""

    desas = list(Desa.objects.select_related("kecamatan").order_by("kode"))
    now = timezone.now()
    ids: list[int] = []
    while len(ids) < n:
        desa = desas[len(ids) % len(desas)]
        homes = _fresh_people(min(n - len(ids), 100), desa.kecamatan.nik_prefix)
        with transaction.atomic():
            usulan, _ = _usulan_for(
                homes,
                desa=desa,
                status="menunggu_acc",
                by=users["operator_desa"],
                now=now,
            )
            Pemeriksaan.objects.bulk_create(
                Pemeriksaan(
                    usulan=u,
                    putaran=1,
                    verifikator=users["verifikator"],
                    keputusan="terima",
                )
                for u in usulan
            )
            CekLapangan.objects.bulk_create(
                CekLapangan(
                    usulan=u,
                    petugas=users["petugas_lapangan"],
                    tanggal_kunjungan=now.date(),
                    temuan="Rumah semi permanen berlantai tanah.",
                    rekomendasi="layak",
                )
                for u in usulan
            )
        ids.extend(u.pk for u in usulan)
    return ids[:n]


_noka = [0]


def cards_at_office(n: int, users: dict, desa=None) -> list[int]:
    """n cards of enrolled members of one desa, received at the office."""

    desa = desa or Desa.objects.select_related("kecamatan").get(kode=BENCH_DESA)
    now = timezone.now()
    if not _noka[0]:
        _noka[0] = Kartu.objects.count() + 1
    ids: list[int] = []
    while len(ids) < n:
        # One card per household head: the others' cards come another day.
        homes = _fresh_people(min(n - len(ids), 200), desa.kecamatan.nik_prefix)
        with transaction.atomic():
            usulan, members = _usulan_for(
                homes, desa=desa, status="terdaftar", by=users["operator_desa"], now=now
            )
            heads = [m for m in members if m.shdk == "1"]
            for m in heads:
                m.status_bpjs, m.noka = "terdaftar", f"0003{_noka[0]:09d}"
                _noka[0] += 1

            Anggota.objects.bulk_update(heads, ["status_bpjs", "noka"])
            cards = Kartu.objects.bulk_create(
                Kartu(
                    noka=m.noka,
                    anggota=m,
                    desa=desa,
                    diterima_tanggal=now.date() - datetime.timedelta(days=3),
                    diterima_oleh=users["petugas_distribusi"],
                )
                for m in heads
            )
        ids.extend(c.pk for c in cards)
    return ids[:n]
