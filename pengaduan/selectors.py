"""Reading complaints and the guest book; who may see which is in access.py."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import HANDLERS
from .models import BukuTamu, Pengaduan


def open_q() -> Q:
    return ~Q(status=Pengaduan.Status.SELESAI)


def overdue_q() -> Q:
    """Open and past its target day (targets.terlambat, in the database)."""
    return open_q() & Q(tenggat__lt=timezone.localdate())


def status_counts(qs: QuerySet[Pengaduan]) -> dict[str, int]:
    counts = dict.fromkeys(Pengaduan.Status.values, 0)
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["terlambat"] = qs.filter(overdue_q()).count()
    counts["terbuka"] = (
        sum(n for status, n in counts.items() if status in Pengaduan.Status.values)
        - counts[Pengaduan.Status.SELESAI]
    )
    return counts


def handler_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=HANDLERS)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- For the dashboard ----------------------------------------------------------------


def _period(
    qs: QuerySet[Pengaduan], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Pengaduan]:
    """Complaints whose local creation date lies in [start, end] (None: unbounded)."""
    tz = timezone.get_current_timezone()
    if start is not None:
        qs = qs.filter(
            created_at__gte=datetime.datetime.combine(start, datetime.time.min, tz)
        )
    if end is not None:
        after = end + datetime.timedelta(days=1)
        qs = qs.filter(
            created_at__lt=datetime.datetime.combine(after, datetime.time.min, tz)
        )
    return qs


def pengaduan_counts(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    desa_ids=None,
) -> dict[str, int]:
    """Counts over the complaints created in [start, end] (local dates, inclusive).

    masuk = all of them; selesai = those now resolved; terbuka = the others
    (masuk = selesai + terbuka); terlambat = open ones past their target day.
    `desa_ids` narrows to some desa (None: every desa).
    """
    qs = _period(Pengaduan.objects.all(), start, end)
    if desa_ids is not None:
        if not isinstance(desa_ids, QuerySet):
            desa_ids = list(desa_ids)
        qs = qs.filter(desa_id__in=desa_ids)
    row = qs.aggregate(
        masuk=Count("pk"),
        selesai=Count("pk", filter=Q(status=Pengaduan.Status.SELESAI)),
        terlambat=Count("pk", filter=overdue_q()),
    )
    return {
        "masuk": row["masuk"],
        "selesai": row["selesai"],
        "terbuka": row["masuk"] - row["selesai"],
        "terlambat": row["terlambat"],
    }


def pengaduan_per_desa(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[int, int]:
    """Complaints created in [start, end] per desa id (desa without any are absent)."""
    rows = (
        _period(Pengaduan.objects.all(), start, end)
        .order_by()
        .values("desa_id")
        .annotate(n=Count("pk"))
    )
    return {row["desa_id"]: row["n"] for row in rows}


# --- Guest book -------------------------------------------------------------------


def buku_tamu_harian(
    tanggal: datetime.date, *, tamu: QuerySet[BukuTamu] | None = None
) -> QuerySet[BukuTamu]:
    """Visitors (of `tamu`, a user's scope; default all) who came in on one local
    day, in order of arrival."""
    tamu = BukuTamu.objects.all() if tamu is None else tamu
    return _day(tamu.select_related("dicatat_oleh"), tanggal).order_by(
        "waktu_masuk", "pk"
    )


def _day(qs, tanggal: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(tanggal, datetime.time.min, tz)
    return qs.filter(
        waktu_masuk__gte=start, waktu_masuk__lt=start + datetime.timedelta(days=1)
    )
