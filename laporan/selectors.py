"""The dashboard's and the reports' figures: aggregate queries only.

A regency has 100-250 thousand participants, so every figure is one grouped
query (values/annotate/Count); Python only merges a few hundred grouped rows.

Definitions (shown on the pages too):
- usulan in a period: created in it (`Usulan.created_at`), area by the usulan's desa;
- time at a stage: from the history (`AuditEvent`, action "status"): verification
  from each submission (to "diajukan") to the verifier's decision (the next change
  away from "diajukan"); BPJS from "dikirim" to the result (the next change away
  from "dikirim"). A round belongs to the period in which it started;
- the monthly report counts people (jiwa) by desa and priority category.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from distribusi.models import Kartu
from dtks.selectors import desil_counts
from kis_portal.audit.models import AuditEvent
from kis_portal.offices.choices import Kategori
from kis_portal.offices.desil import JalurDesil, aturan_table
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.pdf import BULAN
from kis_portal.wilayah.models import Desa, Kecamatan
from pengaduan.selectors import pengaduan_counts, pengaduan_per_desa
from rekap_bpjs.models import Batch, BatchItem, Nonaktif
from usulan.darurat import hours_between, target_jam
from usulan.models import Anggota, KasusDarurat, Usulan

S = Usulan.Status
BULAN_PENDEK = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
# Stages of an usulan for the area table, in pipeline order.
PROSES = (S.DIAJUKAN, S.DIKEMBALIKAN, S.CEK_LAPANGAN, S.MENUNGGU_ACC)
TAHAP_WILAYAH = (
    ("diproses", "Verifikasi", PROSES),
    ("siap", "Siap", (S.SIAP,)),
    ("dikirim", "Di BPJS", (S.DIKIRIM,)),
    ("terdaftar", "Terdaftar", (S.TERDAFTAR,)),
    ("gagal", "Gagal BPJS", (S.GAGAL_BPJS,)),
    ("ditolak", "Ditolak", (S.DITOLAK,)),
)
# Columns of the monthly report, in order.
KOLOM_BULANAN = (
    ("diterima", "Usulan diterima"),
    ("diverifikasi", "Lolos verifikasi"),
    ("dikirim", "Dikirim ke BPJS"),
    ("terdaftar", "Terdaftar"),
    ("gagal", "Gagal BPJS"),
    ("kartu_warga", "Kartu sampai ke warga"),
)


# --- Scope -------------------------------------------------------------------------


@dataclass(frozen=True)
class Lingkup:
    """A period [start, end) of whole months (either end may be open) and an area."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    kecamatan: Kecamatan | None = None
    desa: Desa | None = None

    @property
    def start_dt(self) -> datetime.datetime | None:
        return _local_midnight(self.start) if self.start else None

    @property
    def end_dt(self) -> datetime.datetime | None:
        return _local_midnight(self.end) if self.end else None

    @property
    def last_day(self) -> datetime.date | None:
        return self.end - datetime.timedelta(days=1) if self.end else None

    def months(self) -> list[datetime.date]:
        """The first day of every month in the period (a closed period only)."""
        if not (self.start and self.end):
            return []
        out, day = [], self.start
        while day < self.end:
            out.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return out

    def periodes(self) -> list[str]:
        return [day.strftime("%Y-%m") for day in self.months()]

    def area_q(self, desa_path: str) -> Q:
        """Restrict a queryset to the area, through its path to a Desa."""
        if self.desa is not None:
            return Q(**{desa_path: self.desa.pk})
        if self.kecamatan is not None:
            return Q(**{f"{desa_path}__kecamatan": self.kecamatan.pk})
        return Q()

    def datetime_q(self, field: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start_dt})
        if self.end:
            q &= Q(**{f"{field}__lt": self.end_dt})
        return q

    def date_q(self, field: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end:
            q &= Q(**{f"{field}__lt": self.end})
        return q

    def periode_q(self, field: str) -> Q:
        """Batch periods ("YYYY-MM", which sort as text) inside the period."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start.strftime("%Y-%m")})
        if self.end:
            q &= Q(**{f"{field}__lt": self.end.strftime("%Y-%m")})
        return q

    def desa_ids(self) -> list[int] | None:
        """The desa of the area, or None for the whole regency."""
        if self.desa is None and self.kecamatan is None:
            return None
        return list(desa_in_area(self).values_list("pk", flat=True))

    @property
    def periode_label(self) -> str:
        if not (self.start or self.end):
            return "Semua waktu"
        first = bulan_label(self.start) if self.start else "awal"
        last = bulan_label(self.last_day) if self.end else "sekarang"
        return first if first == last else f"{first} s.d. {last}"

    @property
    def area_label(self) -> str:
        if self.desa is not None:
            return f"{self.desa} (Kecamatan {self.desa.kecamatan.nama})"
        if self.kecamatan is not None:
            return f"Kecamatan {self.kecamatan.nama}"
        return "Seluruh kabupaten"


def desa_in_area(lingkup: Lingkup) -> QuerySet[Desa]:
    if lingkup.desa is not None:
        return Desa.objects.filter(pk=lingkup.desa.pk)
    if lingkup.kecamatan is not None:
        return Desa.objects.filter(kecamatan=lingkup.kecamatan)
    return Desa.objects.all()


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def bulan_label(day: datetime.date, *, pendek: bool = False) -> str:
    names = BULAN_PENDEK if pendek else BULAN
    return f"{names[day.month - 1]} {day.year}"


def _kategori_labels() -> dict[str, str]:
    return dict(Kategori.choices)


def _usulan_ct() -> ContentType:
    return ContentType.objects.get_for_model(Usulan)


# --- Dashboard ---------------------------------------------------------------------


def usulan_in_scope(lingkup: Lingkup) -> QuerySet[Usulan]:
    return Usulan.objects.filter(
        lingkup.datetime_q("created_at"), lingkup.area_q("desa")
    ).order_by()


def counts_by_status(lingkup: Lingkup) -> list[dict]:
    """Usulan (KK) created in the period by their current status, in pipeline order."""
    counts = dict(
        usulan_in_scope(lingkup).values_list("status").annotate(n=Count("pk"))
    )
    return [
        {"status": value, "label": label, "jumlah": counts.get(value, 0)}
        for value, label in S.choices
    ]


def counts_by_month(lingkup: Lingkup) -> list[dict]:
    """Usulan submitted (not drafts) created per month, KK and jiwa."""
    rows = (
        usulan_in_scope(lingkup)
        .exclude(status=S.DRAFT)
        .annotate(bulan=TruncMonth("created_at"))
        .values("bulan")
        .annotate(kk=Count("pk", distinct=True), jiwa=Count("anggota_set"))
    )
    found = {}
    for row in rows:
        month = row["bulan"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date()
        found[month.replace(day=1)] = row
    months = lingkup.months() or sorted(found)
    return [
        {
            "bulan": month,
            "label": BULAN_PENDEK[month.month - 1],
            "label_panjang": bulan_label(month, pendek=True),
            "kk": found.get(month, {}).get("kk", 0),
            "jiwa": found.get(month, {}).get("jiwa", 0),
        }
        for month in months
    ]


def counts_by_area(lingkup: Lingkup) -> dict:
    """Usulan by kecamatan (whole regency) or by desa (a kecamatan or desa chosen)."""
    by_desa = lingkup.kecamatan is not None or lingkup.desa is not None
    keys = (
        ("desa_id", "desa__nama", "desa__kecamatan__nama")
        if by_desa
        else ("desa__kecamatan_id", "desa__kecamatan__nama")
    )
    stages = {
        key: Count("pk", filter=Q(status__in=statuses))
        for key, _label, statuses in TAHAP_WILAYAH
    }
    rows = (
        usulan_in_scope(lingkup)
        .exclude(status=S.DRAFT)
        .values(*keys)
        .annotate(jumlah=Count("pk"), **stages)
        .order_by(*reversed(keys[1:]))
    )
    out = [
        {
            "nama": row["desa__nama"] if by_desa else row["desa__kecamatan__nama"],
            "kecamatan": row["desa__kecamatan__nama"],
            "jumlah": row["jumlah"],
            "tahap": [row[key] for key, _label, _s in TAHAP_WILAYAH],
        }
        for row in rows
    ]
    return {
        "per": "desa" if by_desa else "kecamatan",
        "rows": out,
        "tahap": [label for _key, label, _s in TAHAP_WILAYAH],
    }


def counts_by_kategori(lingkup: Lingkup) -> list[dict]:
    """Members (jiwa) of the usulan in the period by priority category."""
    rows = dict(
        (row["kategori"], row)
        for row in Anggota.objects.filter(
            usulan__in=usulan_in_scope(lingkup).exclude(status=S.DRAFT)
        )
        .order_by()
        .values("kategori")
        .annotate(
            jiwa=Count("pk"),
            terdaftar=Count("pk", filter=Q(status_bpjs=Anggota.StatusBpjs.TERDAFTAR)),
        )
    )
    return [
        {
            "kategori": value,
            "label": label,
            "jiwa": rows.get(value, {}).get("jiwa", 0),
            "terdaftar": rows.get(value, {}).get("terdaftar", 0),
        }
        for value, label in Kategori.choices
    ]


def counts_by_desil(lingkup: Lingkup) -> dict:
    """Members (jiwa) of the usulan in the period by DTSEN desil band and route,
    per desa, under the office profile's rule table (one grouped query)."""
    # The rule table only: the profile's requirements are not needed here.
    table = aturan_table(OfficeProfile.objects.filter(is_active=True).first())
    bands = list(dict.fromkeys(row.pita for row in table))
    members = Anggota.objects.filter(
        usulan__in=usulan_in_scope(lingkup).exclude(status=S.DRAFT)
    )
    per_desa: dict[int, dict] = {}
    for desa_id, match, n in desil_counts(
        members, household="usulan_id", no_kk="usulan__no_kk", group="usulan__desa_id"
    ):
        row = per_desa.setdefault(
            desa_id,
            {"pita": dict.fromkeys(bands, 0), "jalur": dict.fromkeys(JalurDesil, 0)},
        )
        aturan = match.aturan(table)
        row["pita"][aturan.pita] += n
        row["jalur"][JalurDesil(aturan.jalur)] += n
        row["ragu"] = row.get("ragu", 0) + (0 if match.cocok or not match.cara else n)
    names = {
        d.pk: (d.nama, d.kecamatan.nama)
        for d in Desa.objects.filter(pk__in=per_desa).select_related("kecamatan")
    }
    rows = [
        {
            "nama": names[desa_id][0],
            "kecamatan": names[desa_id][1],
            "jumlah": sum(row["pita"].values()),
            "pita": [row["pita"][band] for band in bands],
            "jalur": [row["jalur"][jalur] for jalur in JalurDesil],
            "ragu": row.get("ragu", 0),
        }
        for desa_id, row in per_desa.items()
    ]
    rows.sort(key=lambda row: (row["kecamatan"], row["nama"]))
    total = {
        "jumlah": sum(row["jumlah"] for row in rows),
        "pita": [sum(row["pita"][i] for row in rows) for i in range(len(bands))],
        "jalur": [sum(row["jalur"][i] for row in rows) for i in range(len(JalurDesil))],
        "ragu": sum(row["ragu"] for row in rows),
    }
    return {
        "pita": bands,
        "jalur": [jalur.label for jalur in JalurDesil],
        "rows": rows,
        "total": total,
    }


# --- Time at each stage --------------------------------------------------------------


@dataclass(frozen=True)
class Tahap:
    kode: str
    nama: str
    masuk: str  # the status whose arrival starts the clock
    target_min: int
    target_max: int
    batas: tuple[int, ...]  # upper bounds (days) of the buckets below the target


def sop_targets() -> list[Tahap]:
    """The SOP targets: verification from the office profile, BPJS from settings."""
    profile = get_active_profile()
    verif_max = profile.verification_days if profile else 20
    bpjs_min, bpjs_max = getattr(settings, "KIS_SOP_BPJS_HARI", (20, 90))
    verif_min = int(getattr(settings, "KIS_SOP_VERIFIKASI_MIN_HARI", 1))
    return [
        Tahap(
            "verifikasi",
            "Verifikasi",
            S.DIAJUKAN,
            verif_min,
            verif_max,
            tuple(sorted({b for b in (1, 7, 14) if b < verif_max} | {verif_max})),
        ),
        Tahap(
            "bpjs",
            "Proses BPJS",
            S.DIKIRIM,
            int(bpjs_min),
            int(bpjs_max),
            tuple(sorted({b for b in (bpjs_min, 30, 60) if b < bpjs_max} | {bpjs_max})),
        ),
    ]


def _status_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, content_type=_usulan_ct()
    ).order_by()


def stage_durations(lingkup: Lingkup, tahap: Tahap) -> dict:
    """One aggregate query: rounds of a stage started in the period, and their length."""
    ends = (
        _status_events()
        .filter(
            object_id=OuterRef("object_id"),
            from_status=tahap.masuk,
            created_at__gte=OuterRef("created_at"),
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    starts = _status_events().filter(
        lingkup.datetime_q("created_at"), to_status=tahap.masuk
    )
    area = lingkup.area_q("desa")
    if area:
        ids = (
            Usulan.objects.filter(area)
            .order_by()
            .annotate(oid=Cast("pk", CharField()))
            .values("oid")
        )
        starts = starts.filter(object_id__in=ids)
    starts = starts.annotate(selesai=Subquery(ends)).annotate(
        durasi=ExpressionWrapper(
            F("selesai") - F("created_at"), output_field=DurationField()
        )
    )
    day = datetime.timedelta(days=1)
    buckets, lower = {}, None
    for index, upper in enumerate(tahap.batas):
        q = Q(durasi__lte=upper * day)
        if lower is not None:
            q &= Q(durasi__gt=lower * day)
        buckets[f"b{index}"] = Count("pk", filter=Q(selesai__isnull=False) & q)
        lower = upper
    now = timezone.now()
    agg = starts.aggregate(
        mulai=Count("pk"),
        selesai_n=Count("pk", filter=Q(selesai__isnull=False)),
        lewat=Count("pk", filter=Q(durasi__gt=tahap.target_max * day)),
        rata=Avg("durasi", filter=Q(selesai__isnull=False)),
        maks=Max("durasi"),
        berjalan=Count("pk", filter=Q(selesai__isnull=True)),
        berjalan_lewat=Count(
            "pk",
            filter=Q(
                selesai__isnull=True,
                created_at__lt=now - tahap.target_max * day,
            ),
        ),
        **buckets,
    )
    labels, lower = [], None
    for upper in tahap.batas:
        labels.append(f"≤ {upper} hari" if lower is None else f"{lower}–{upper} hari")
        lower = upper
    rows = [
        {"label": label, "jumlah": agg[f"b{i}"], "lewat": False}
        for i, label in enumerate(labels)
    ]
    rows.append(
        {"label": f"> {tahap.target_max} hari", "jumlah": agg["lewat"], "lewat": True}
    )
    selesai = agg["selesai_n"]
    return {
        "tahap": tahap,
        "mulai": agg["mulai"],
        "selesai": selesai,
        "tepat": selesai - agg["lewat"],
        "lewat": agg["lewat"],
        "persen_tepat": round(100 * (selesai - agg["lewat"]) / selesai)
        if selesai
        else None,
        "rata_hari": _days(agg["rata"]),
        "maks_hari": _days(agg["maks"]),
        "berjalan": agg["berjalan"],
        "berjalan_lewat": agg["berjalan_lewat"],
        "rows": rows,
    }


def _days(value) -> float | None:
    if value is None:
        return None
    if not isinstance(value, datetime.timedelta):  # pragma: no cover - driver quirk
        value = datetime.timedelta(microseconds=float(value))
    return round(value.total_seconds() / 86400, 1)


def stage_times(lingkup: Lingkup) -> list[dict]:
    return [stage_durations(lingkup, tahap) for tahap in sop_targets()]


# --- Quota, cards, complaints ----------------------------------------------------------


def quota_by_month(lingkup: Lingkup) -> list[dict]:
    """Each monthly batch of the period: its quota against the members taken.

    The quota is the regency's, so this table ignores the area filter.
    """
    rows = (
        Batch.objects.filter(lingkup.periode_q("periode"))
        .order_by("periode")
        .annotate(
            diambil=Count("items", filter=Q(items__diambil=True)),
            terdaftar=Count(
                "items", filter=Q(items__hasil=Anggota.StatusBpjs.TERDAFTAR)
            ),
            gagal=Count("items", filter=Q(items__hasil=Anggota.StatusBpjs.GAGAL)),
        )
        .values("periode", "status", "kuota", "diambil", "terdaftar", "gagal")
    )
    labels = dict(Batch.Status.choices)
    out = []
    for row in rows:
        kuota = row["kuota"]
        out.append(
            {
                **row,
                "status_label": labels.get(row["status"], row["status"]),
                "sisa": max(kuota - row["diambil"], 0) if kuota is not None else None,
                "persen": round(100 * row["diambil"] / kuota) if kuota else None,
            }
        )
    return out


def cards_pending(lingkup: Lingkup) -> dict[str, int]:
    """Cards not yet in the citizen's hands, and enrolled members without a card.

    A backlog of today: the area filter applies, the period does not.
    """
    counts = Kartu.objects.filter(lingkup.area_q("desa")).aggregate(
        dinsos=Count("pk", filter=Q(status=Kartu.Status.DITERIMA_DINSOS)),
        diserahkan=Count("pk", filter=Q(status=Kartu.Status.DISERAHKAN)),
    )
    counts["belum_dicetak"] = Anggota.objects.filter(
        lingkup.area_q("usulan__desa"),
        status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
        kartu__isnull=True,
    ).count()
    counts["total"] = counts["dinsos"] + counts["diserahkan"] + counts["belum_dicetak"]
    return counts


def complaint_counts(lingkup: Lingkup) -> dict[str, int]:
    """The complaints app's counts (its period is of local dates, end inclusive)."""

    return pengaduan_counts(
        start=lingkup.start, end=lingkup.last_day, desa_ids=lingkup.desa_ids()
    )


def complaints_per_desa(lingkup: Lingkup) -> dict[int, int]:
    return pengaduan_per_desa(start=lingkup.start, end=lingkup.last_day)


def deactivations_open(lingkup: Lingkup) -> dict:
    """BPJS-deactivated participants whose desa has not yet acted, per desa (the
    area's, whatever the period: an open task stays open), and how many of them
    are past their reactivation deadline (WITA's today)."""
    today = timezone.localdate()
    rows = (
        Nonaktif.objects.filter(lingkup.area_q("desa"), status=Nonaktif.Status.TERBUKA)
        .values("desa_id", "desa__nama", "desa__kecamatan__nama")
        .annotate(
            jumlah=Count("pk"),
            lewat_batas=Count("pk", filter=Q(batas__lt=today)),
        )
        .order_by("-jumlah", "desa__nama")
    )
    per_desa = [
        {
            "desa_id": row["desa_id"],
            "nama": row["desa__nama"],
            "kecamatan": row["desa__kecamatan__nama"],
            "jumlah": row["jumlah"],
            "lewat_batas": row["lewat_batas"],
        }
        for row in rows
    ]
    return {
        "per_desa": per_desa,
        "total": sum(row["jumlah"] for row in per_desa),
        "lewat_batas": sum(row["lewat_batas"] for row in per_desa),
    }


def dashboard(lingkup: Lingkup) -> dict:
    return {
        "nonaktif": deactivations_open(lingkup),
        "status": counts_by_status(lingkup),
        "bulan": counts_by_month(lingkup),
        "wilayah": counts_by_area(lingkup),
        "kategori": counts_by_kategori(lingkup),
        "desil": counts_by_desil(lingkup),
        "durasi": stage_times(lingkup),
        "kuota": quota_by_month(lingkup),
        "kartu": cards_pending(lingkup),
        "pengaduan": complaint_counts(lingkup),
    }


# --- Monthly progress report -------------------------------------------------------------


def _first_submissions(lingkup: Lingkup):
    """Usulan ids (as integers) first submitted (draft -> diajukan) in the period."""
    return (
        _status_events()
        .filter(
            lingkup.datetime_q("created_at"),
            from_status=S.DRAFT,
            to_status=S.DIAJUKAN,
        )
        .annotate(uid=Cast("object_id", IntegerField()))
        .values("uid")
    )


def monthly_progress(lingkup: Lingkup) -> dict:
    """People (jiwa) per desa and category through the pipeline in the period.

    - diterima: members of usulan first submitted in the period;
    - diverifikasi: members who passed verification (ready) in the period;
    - dikirim/terdaftar/gagal: members sent in, enrolled or failed by, the monthly
      batches of the period's months;
    - kartu_warga: cards confirmed received by the citizen in the period;
    - pengaduan: complaints created in the period, per desa only.
    """
    cells: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((k for k, _l in KOLOM_BULANAN), 0)
    )

    def collect(key: str, qs, desa_path: str, kategori_path: str) -> None:
        rows = (
            qs.filter(lingkup.area_q(desa_path))
            .order_by()
            .values(desa_path, kategori_path)
            .annotate(n=Count("pk"))
        )
        for row in rows:
            cells[(row[desa_path], row[kategori_path])][key] += row["n"]

    collect(
        "diterima",
        Anggota.objects.filter(usulan_id__in=_first_submissions(lingkup)),
        "usulan__desa",
        "kategori",
    )
    collect(
        "diverifikasi",
        Anggota.objects.filter(lingkup.datetime_q("siap_sejak")),
        "usulan__desa",
        "kategori",
    )
    items = BatchItem.objects.filter(lingkup.periode_q("batch__periode"))
    collect(
        "dikirim",
        items.filter(diambil=True).exclude(batch__status=Batch.Status.DRAFT),
        "anggota__usulan__desa",
        "anggota__kategori",
    )
    collect(
        "terdaftar",
        items.filter(hasil=Anggota.StatusBpjs.TERDAFTAR),
        "anggota__usulan__desa",
        "anggota__kategori",
    )
    collect(
        "gagal",
        items.filter(hasil=Anggota.StatusBpjs.GAGAL),
        "anggota__usulan__desa",
        "anggota__kategori",
    )
    collect(
        "kartu_warga",
        Kartu.objects.filter(
            lingkup.date_q("warga_tanggal"), status=Kartu.Status.DITERIMA_WARGA
        ),
        "desa",
        "anggota__kategori",
    )

    desa_list = list(
        desa_in_area(lingkup)
        .select_related("kecamatan")
        .order_by("kecamatan__nama", "nama")
    )
    per_desa_complaints = complaints_per_desa(lingkup)
    keys = [k for k, _l in KOLOM_BULANAN]
    kategori_labels = _kategori_labels()
    kategori_order = {value: i for i, value in enumerate(Kategori.values)}

    per_desa, per_desa_kategori = [], []
    totals = dict.fromkeys(keys, 0)
    totals["pengaduan"] = 0
    for desa in desa_list:
        row = {"desa": desa, **dict.fromkeys(keys, 0)}
        found = sorted(
            (kategori for (desa_id, kategori) in cells if desa_id == desa.pk),
            key=lambda k: kategori_order.get(k, 99),
        )
        for kategori in found:
            values = cells[(desa.pk, kategori)]
            per_desa_kategori.append(
                {
                    "desa": desa,
                    "kategori": kategori,
                    "kategori_label": kategori_labels.get(kategori, kategori),
                    **values,
                }
            )
            for key in keys:
                row[key] += values[key]
        row["pengaduan"] = per_desa_complaints.get(desa.pk, 0)
        for key in keys:
            totals[key] += row[key]
        totals["pengaduan"] += row["pengaduan"]
        per_desa.append(row)

    per_kategori = {
        value: {"kategori": value, "kategori_label": label, **dict.fromkeys(keys, 0)}
        for value, label in Kategori.choices
    }
    for (_desa_id, kategori), values in cells.items():
        row = per_kategori.setdefault(
            kategori,
            {
                "kategori": kategori,
                "kategori_label": kategori,
                **dict.fromkeys(keys, 0),
            },
        )
        for key in keys:
            row[key] += values[key]

    return {
        "lingkup": lingkup,
        "darurat": urgent_times(lingkup),
        "kolom": KOLOM_BULANAN,
        "per_desa": per_desa,
        "per_desa_kategori": per_desa_kategori,
        "per_kategori": list(per_kategori.values()),
        "total": totals,
        "pengaduan": complaint_counts(lingkup),
    }


# --- Urgent patients from a faskes -------------------------------------------------------


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


def urgent_times(lingkup: Lingkup) -> dict:
    """Urgent cases submitted in the period: hours from submission to the verifier's
    decision and to activation (BPJS enrolled), against the profile's target.

    One row per case (number, faskes, desa, hours): no names, no NIK.
    """
    cases = list(
        KasusDarurat.objects.filter(
            lingkup.area_q("usulan__desa"),
            lingkup.datetime_q("usulan__submitted_at"),
            usulan__submitted_at__isnull=False,
        )
        .select_related("usulan__desa__kecamatan")
        .order_by("usulan__submitted_at", "pk")
    )
    target = target_jam()
    rows = []
    for kasus in cases:
        usulan = kasus.usulan
        rows.append(
            {
                "nomor": usulan.nomor,
                "faskes": kasus.nama_faskes,
                "desa": usulan.desa,
                "diajukan": usulan.submitted_at,
                "status": usulan.get_status_display(),
                "jam_keputusan": hours_between(usulan.submitted_at, kasus.diputus_at),
                "jam_aktif": hours_between(usulan.submitted_at, kasus.terdaftar_at),
            }
        )
    decided = [r["jam_keputusan"] for r in rows if r["jam_keputusan"] is not None]
    active = [r["jam_aktif"] for r in rows if r["jam_aktif"] is not None]
    for row in rows:
        hours = row["jam_keputusan"]
        row["lewat_target"] = hours is not None and hours > target
    return {
        "target_jam": target,
        "rows": rows,
        "jumlah": len(rows),
        "diputus": len(decided),
        "terdaftar": len(active),
        "lewat_target": sum(1 for r in rows if r["lewat_target"]),
        "median_keputusan": _median(decided),
        "maks_keputusan": max(decided) if decided else None,
        "median_aktif": _median(active),
        "maks_aktif": max(active) if active else None,
    }


# --- Register of enrolled participants --------------------------------------------------


def enrolled_register(lingkup: Lingkup) -> QuerySet[Anggota]:
    """Every enrolled participant of the area (TMT in the period when one is given)."""
    return (
        Anggota.objects.filter(
            lingkup.area_q("usulan__desa"),
            lingkup.date_q("tmt"),
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
        )
        .order_by("usulan__desa__kecamatan__nama", "usulan__desa__nama", "nama", "pk")
        .values_list(
            "nik",
            "noka",
            "nama",
            "usulan__desa__nama",
            "usulan__desa__kecamatan__nama",
            "tmt",
            "kategori",
        )
    )
