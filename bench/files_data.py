"""Deterministic data for the file benchmarks (B3-B6), made in the benchmark DB.

People come from ``demo.people.PeopleFactory`` (Balinese names,
valid Buleleng NIKs), one factory per kecamatan so that NIKs stay unique. The
same seed always gives the same households, files and rows. Nothing here is
committed data: every file is generated at run time into ``bench/out/data``.

Rows made here carry a marker (usulan numbers start with ``BF``, batches use
periods in the 2030s) and are deleted before being made again, so reruns work
and other benchmarks' data is left alone.
"""

from __future__ import annotations

import datetime
import io
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from bench.common import RESULTS_DIR
from demo.people import GIVEN, PeopleFactory
from kis_portal.accounts.services import user_create
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.services import profile_load_named
from kis_portal.privacy import mask_identifier
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa
from kis_portal.wilayah.services import load_wilayah
from rekap_bpjs.models import Batch, BatchItem
from rekap_bpjs.snapshot import member_snapshot
from usulan.models import Anggota, Usulan

KABUPATEN = "51.08"
PROFILE = "buleleng"
NOMOR_PREFIX = "BF"
DATA_DIR = RESULTS_DIR / "data"
FASKES = [
    ("17070101", "PUSKESMAS BULELENG I"),
    ("17070201", "PUSKESMAS SUKASADA I"),
    ("17070301", "PUSKESMAS SAWAN I"),
    ("17070401", "PUSKESMAS SERIRIT I"),
    ("17070501", "PUSKESMAS GEROKGAK II"),
    ("17070601", "PUSKESMAS BANJAR I"),
]
SEGMEN = ["mandiri", "pbi_apbn", "ppu", "pbpu_pemda", "lainnya"]
KATEGORI = ["miskin"] * 6 + ["kronis", "disabilitas", "hamil", "odgj", "tambahan"]


@dataclass
class Base:
    rekap: object  # staf rekap BPJS
    distribusi: object  # petugas distribusi
    desa: list  # every desa of the kabupaten, with its kecamatan


def prepare() -> Base:
    """Wilayah, the active office profile and the benchmark's staff (idempotent)."""

    if not Desa.objects.filter(kode__startswith=KABUPATEN).exists():
        load_wilayah(kode_kabupaten=KABUPATEN)
    if not OfficeProfile.objects.filter(slug=PROFILE, is_active=True).exists():
        profile_load_named(name=PROFILE, activate=True)
    users = {}
    for username, role, first, last in (
        ("bench_rekap", Role.REKAP, "Komang", "Astawa"),
        ("bench_distribusi", Role.DISTRIBUSI, "Kadek", "Widiastuti"),
    ):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password="bench-only-not-a-secret",  # noqa: S106
                role=role,
                first_name=first,
                last_name=last,
            )
        users[username] = user
    desa = list(
        Desa.objects.filter(kode__startswith=KABUPATEN)
        .select_related("kecamatan")
        .order_by("kode")
    )
    return Base(users["bench_rekap"], users["bench_distribusi"], desa)


# --- Households ------------------------------------------------------------------


def _households(
    base: Base, members: int, seed: int, serial: int | None = None
) -> Iterator[tuple]:
    """(desa, Household) pairs until `members` people, households of 1-5.

    `serial` is where each kecamatan's NIK serials start: two data sets that
    exist at once use ranges that do not overlap (NIKs are unique).
    """

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    by_kecamatan: dict[str, list] = {}
    for desa in base.desa:
        by_kecamatan.setdefault(desa.kecamatan.kode, []).append(desa)
    kecamatan = sorted(by_kecamatan)
    factories = {
        kode: PeopleFactory(kode.replace(".", ""), seed=seed) for kode in kecamatan
    }
    if serial is not None:
        for factory in factories.values():
            factory.serial = serial
    made = 0
    index = 0
    while made < members:
        kode = kecamatan[index % len(kecamatan)]
        index += 1
        size = min(members - made, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))
        home = factories[kode].household(size)
        made += len(home.members)
        yield rng.choice(by_kecamatan[kode]), home


def drop(periodes: list[str], tag: str) -> None:
    """Delete the batches of `periodes` and the households tagged `tag` (raw SQL)."""

    prefix = f"{NOMOR_PREFIX}{tag}-%"
    usulan = "SELECT id FROM usulan_usulan WHERE nomor LIKE %s"
    anggota = f"SELECT id FROM usulan_anggota WHERE usulan_id IN ({usulan})"
    batch = "SELECT id FROM rekap_bpjs_batch WHERE periode = ANY(%s)"
    statements = [
        (f"DELETE FROM notifikasi_pesankeluar WHERE anggota_id IN ({anggota})", 1),
        (
            f"DELETE FROM notifikasi_pesankeluar WHERE pesan_id IN (SELECT id FROM notifikasi_pesan WHERE usulan_id IN ({usulan}))",
            1,
        ),
        (f"DELETE FROM notifikasi_pesan WHERE usulan_id IN ({usulan})", 1),
        (f"DELETE FROM distribusi_kartu WHERE batch_id IN ({batch})", 2),
        (f"DELETE FROM rekap_bpjs_batchfile WHERE batch_id IN ({batch})", 2),
        (f"DELETE FROM rekap_bpjs_batchitem WHERE batch_id IN ({batch})", 2),
        (f"DELETE FROM rekap_bpjs_batchitem WHERE anggota_id IN ({anggota})", 1),
        (f"DELETE FROM rekap_bpjs_batch WHERE id IN ({batch})", 2),
        (f"DELETE FROM usulan_anggota WHERE usulan_id IN ({usulan})", 1),
        ("DELETE FROM usulan_usulan WHERE nomor LIKE %s", 1),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, kind in statements:
            cursor.execute(sql, [prefix] if kind == 1 else [periodes])


def sent_batch(
    base: Base,
    *,
    periode: str,
    members: int,
    seed: int,
    tag: str,
    serial: int = 0,
    jenis: str = "MIG37",
    locked: bool = True,
):
    """A locked batch of `members` people, households DIKIRIM, snapshots stored.

    Built with bulk inserts (what batch_build + batch_lock leave behind), since
    building a 40,000-member batch through the verification path is not what
    these benchmarks measure. With `locked=False`, what batch_build alone leaves:
    a draft batch without snapshots, households SIAP, for batch_lock to take.
    """

    rng = random.Random(seed * 7 + 1)  # noqa: S311 - benchmark data
    now = timezone.now()
    homes: list[Usulan] = []
    people: list[list[Anggota]] = []
    for number, (desa, home) in enumerate(
        _households(base, members, seed, serial), start=1
    ):
        segmen = rng.choice(SEGMEN) if jenis == "MIG37" else ""
        usulan = Usulan(
            nomor=f"{NOMOR_PREFIX}{tag}-{periode}-{number:06d}",
            jenis=jenis,
            sumber=Usulan.Sumber.DESA,
            desa=desa,
            no_kk=home.no_kk,
            alamat=home.alamat,
            rt=home.rt,
            rw=home.rw,
            telepon=f"0812{rng.randint(10_000_000, 99_999_999)}",
            noka_lama=f"{rng.randint(1, 9_999_999_999):013d}" if segmen else "",
            segmen_asal=segmen,
            status=Usulan.Status.DIKIRIM if locked else Usulan.Status.SIAP,
            submitted_at=now,
            created_by=base.rekap,
        )
        kode, nama = rng.choice(FASKES)
        homes.append(usulan)
        people.append(
            [
                Anggota(
                    usulan=usulan,
                    nik=p.nik,
                    nama=p.nama,
                    tempat_lahir=p.tempat_lahir,
                    tanggal_lahir=p.tanggal_lahir,
                    jenis_kelamin=p.jenis_kelamin,
                    shdk=p.shdk,
                    status_kawin=p.status_kawin,
                    kode_faskes=kode,
                    nama_faskes=nama,
                    kategori=rng.choice(KATEGORI),
                    # Six in ten members gave a mobile number.
                    telepon=f"0813{rng.randint(10_000_000, 99_999_999)}"
                    if rng.random() < 0.6
                    else "",
                    siap_sejak=now,
                )
                for p in home.members
            ]
        )
    # NIKs are unique among open usulan: leave out anyone already there (data
    # another benchmark left) or met twice here; an emptied household goes.
    taken: set[str] = set()
    niks = [a.nik for group in people for a in group]
    for start in range(0, len(niks), 5000):
        taken.update(
            Anggota.objects.filter(
                aktif=True, nik__in=niks[start : start + 5000]
            ).values_list("nik", flat=True)
        )
    kept_homes, kept_people = [], []
    for usulan, group in zip(homes, people, strict=True):
        fresh = []
        for anggota in group:
            if anggota.nik not in taken:
                taken.add(anggota.nik)
                fresh.append(anggota)
        if fresh:
            kept_homes.append(usulan)
            kept_people.append(fresh)
    homes, people = kept_homes, kept_people
    kept = sum(len(group) for group in people)
    if kept < 0.9 * members:
        raise SystemExit(
            f"Only {kept:,} of {members:,} generated NIKs are free: open usulan in "
            "this database already use the rest (data another run left?)."
        )
    with transaction.atomic():
        Usulan.objects.bulk_create(homes, batch_size=2000)
        for usulan, group in zip(homes, people, strict=True):
            for anggota in group:
                anggota.usulan = usulan
        flat = [a for group in people for a in group]
        Anggota.objects.bulk_create(flat, batch_size=2000)
        batch = Batch.objects.create(
            periode=periode,
            status=Batch.Status.TERKUNCI if locked else Batch.Status.DRAFT,
            tanggal_batas=datetime.date(int(periode[:4]), int(periode[5:]), 20),
            created_by=base.rekap,
            built_at=now,
            locked_by=base.rekap if locked else None,
            locked_at=now if locked else None,
        )
        items = []
        for position, anggota in enumerate(flat, start=1):
            items.append(
                BatchItem(
                    batch=batch,
                    anggota=anggota,
                    nik=anggota.nik,
                    diambil=True,
                    urutan=position,
                    prioritas=1,
                    layout=jenis,
                    snapshot=member_snapshot(
                        anggota,
                        nomor_urut=position,
                        dtks_label="Terdaftar DTKS" if position % 3 else "Non-DTKS",
                    )
                    if locked
                    else {},
                )
            )
        BatchItem.objects.bulk_create(items, batch_size=2000)
    return batch


# --- BPJS's result file ----------------------------------------------------------

RESULT_TITLE = "DATA UMPAN BALIK PENDAFTARAN PESERTA PBI APBD - KAB. BULELENG"
REASONS = [
    "NIK tidak padan di Dukcapil",
    "Sudah JKN/Indikasi Ganda: 0001860343626 Aktif PBPU Pemda",
    "faskes tidak valid",
    "Data ganda dalam satu KK",
]
HEADERS = [
    ["No", "N I K", "No Kartu", "Nama Peserta", "Status ", "Keterangan", "TMT"],
    ["NO", "NIK", "NOKA", "NAMA", "STATUS", "KETERANGAN", "TMT PESERTA"],
]


@dataclass
class ResultFile:
    content: bytes
    rows: int  # data rows written (members, duplicates, strangers)
    expected: dict  # what preview_result should count


def result_file(batch, *, seed: int, header: int = 0) -> ResultFile:
    """BPJS's feedback on `batch` as real files come: messy on purpose.

    Title rows above the header; a header spelled differently; the header
    repeated at page breaks; blank rows; NIKs as number cells, as text, with an
    apostrophe or spaces; TMT as a date cell or as text in three spellings;
    status words in mixed case with stray spaces; a few repeated rows, NIKs not
    in the batch and malformed NOKAs; totals and a footnote after the data.
    """

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    items = list(
        batch.items.filter(diambil=True)
        .order_by("urutan")
        .values_list("nik", "snapshot__nama")
    )
    tmt = datetime.date(int(batch.periode[:4]) + 1, 1, 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Umpan Balik")
    ws.append([RESULT_TITLE])
    ws.append([f"PERIODE {batch.periode}"])
    ws.append([])
    head = HEADERS[header]
    ws.append(head)
    expected = dict.fromkeys(
        ("terdaftar", "gagal", "tidak_cocok", "salah_format", "duplikat"), 0
    )
    written = 0
    for number, (nik, nama) in enumerate(items, start=1):
        roll = rng.random()
        if number % 5000 == 0:
            ws.append([])
            ws.append(head)  # the header again at a page break
        if roll < 0.01:
            ws.append([None] * 7)  # a blank row
        failed = roll > 0.93
        # Unique per file and seed, and outside the factory's NOKA ranges (0001-0003
        # + an index): a drawn NOKA met a B1 member's card about 3 times in 40,000
        # rows, and the import rightly held those rows back as taken.
        noka = f"0009{seed % 100:02d}{number:07d}"
        nik_cell: object = nik
        style = rng.random()
        if style < 0.25:
            nik_cell = int(nik)  # a number cell
        elif style < 0.30:
            nik_cell = f"'{nik}"
        elif style < 0.33:
            nik_cell = f" {nik[:6]} {nik[6:12]} {nik[12:]} "
        if failed:
            status = rng.choice(["GAGAL", "Gagal", "DITOLAK", " gagal"])
            row = [number, nik_cell, None, nama, status, rng.choice(REASONS), None]
            expected["gagal"] += 1
        else:
            status = rng.choice(
                ["BERHASIL", "BERHASIL", "Berhasil", "SUKSES ", "AKTIF"]
            )
            when = rng.random()
            tmt_cell: object = tmt
            if when < 0.4:
                tmt_cell = tmt.strftime("%d/%m/%Y")
            elif when < 0.6:
                tmt_cell = tmt.strftime("%d-%m-%Y")
            elif when < 0.65:
                tmt_cell = tmt.isoformat()
            noka_cell: object = noka
            if roll < 0.003:
                noka_cell = int(noka)  # leading zeros lost
                if len(str(noka_cell)) >= 9:
                    expected["terdaftar"] += 1  # padded back to 13 digits
                else:
                    expected["salah_format"] += 1
            else:
                expected["terdaftar"] += 1
            row = [number, nik_cell, noka_cell, nama, status, None, tmt_cell]
        ws.append(row)
        written += 1
        if 0.5 < roll < 0.502:
            ws.append(row)  # the same row twice
            written += 1
            expected["duplikat"] += 1
        if number % 2000 == 0:
            # Kecamatan 99 does not exist: nobody in the batch has this NIK.
            stranger = f"510899010190{rng.randint(0, 9999):04d}"
            other = f"{rng.randint(1, 9_999_999_999):013d}"
            ws.append([None, stranger, other, "TIDAK DIKENAL", "BERHASIL", None, tmt])
            written += 1
            expected["tidak_cocok"] += 1
    ws.append([])
    ws.append([None, None, None, "JUMLAH", None, None, None])
    # A footer row with a name but no NIK or STATUS is shown as held back.
    expected["salah_format"] += 1
    ws.append(["Catatan: data ini bersifat rahasia, hanya untuk Dinas Sosial"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return ResultFile(buffer.getvalue(), written, expected)


# --- DTKS/DTSEN extract ----------------------------------------------------------

DTKS_HEADER = (
    "iddtks,provinsi,kabupaten_kota,kecamatan,desa_kelurahan,alamat,dusun,rt,rw,"
    "nomor_kk,nomor_nik,nama,tanggal_lahir,tempat_lahir,jenis_kelamin,"
    "nama_ibu_kandung,hubungan_keluarga,desil"
)
HUBUNGAN = {"1": "KEPALA KELUARGA", "3": "ISTRI", "4": "ANAK"}


def dtks_extract(base: Base, rows: int, *, seed: int = 11) -> Path:
    """A SIKS-NG extract of `rows` persons (tests/data/dtks_contoh.csv's shape).

    Written once per size into bench/out/data and reused by later runs.
    """
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"dtks-{rows}-{seed}.csv"
    if path.exists():
        return path

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        out.write(DTKS_HEADER + "\n")
        written = 0
        for desa, home in _households(base, rows, seed):
            kecamatan = desa.kecamatan
            for person in home.members:
                written += 1
                ibu = f"NI {rng.choice(GIVEN).upper()}"
                out.write(
                    f"DTKS5108{written:08d},BALI,BULELENG,{kecamatan.kode},{desa.kode},"
                    f"JL. RAYA,{home.alamat},{home.rt},{home.rw},{home.no_kk},"
                    f"{person.nik},{person.nama},{person.tanggal_lahir.isoformat()},"
                    f"{person.tempat_lahir},{person.jenis_kelamin},{ibu},"
                    f"{HUBUNGAN.get(person.shdk, 'FAMILI LAIN')},{rng.randint(1, 10)}\n"
                )
    partial.rename(path)
    return path


# --- Hand-over receipt rows ------------------------------------------------------


def receipt_rows(base: Base, count: int, *, seed: int = 21) -> list[dict]:
    """Rows as distribusi stores them on a receipt (SerahTerima.rincian)."""

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    rows = []
    for desa, home in _households(base, count, seed):
        alamat = f"{home.alamat}, RT {home.rt}/RW {home.rw}"
        for person in home.members:
            rows.append(
                {
                    "noka": f"{rng.randint(1, 9_999_999_999):013d}",
                    "nik": mask_identifier(person.nik),
                    "nama": person.nama,
                    "alamat": alamat,
                    "desa": desa.nama,
                }
            )
    return rows[:count]


# --- Memory ---------------------------------------------------------------------


class PeakRss:
    """Samples this process's resident memory every 20 ms while running."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1024 / 1024
