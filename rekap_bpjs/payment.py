"""The monthly premium payment recommendation for Dinas Kesehatan.

A member counts for a month when enrolled through this portal (status_bpjs
"terdaftar") with a TMT on or before the month's last day: BPJS bills the whole
month once coverage starts in it. Members without a TMT are not counted. The
portal does not record people leaving the segment, so a past month counts the
members enrolled today; the reconciliation shows who left.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from kis_portal import xlsx
from kis_portal.offices.choices import DokumenTtd
from kis_portal.offices.selectors import get_active_profile
from kis_portal.offices.signatures import penandatangan
from kis_portal.pdf import BULAN, render_pdf, tanggal_indonesia
from kis_portal.privacy import mask_identifier
from usulan.models import Anggota

PREMI_DEFAULT = 42000
PERIODE_RE = re.compile(r"^(\d{4})-(\d{2})$")
ANNEX_HEADERS = ["No", "NOKA", "NIK (disamarkan)", "Nama", "Desa/Kelurahan", "TMT"]


class PeriodeError(ValueError):
    """A periode that is not 'YYYY-MM' (message in Indonesian)."""


@dataclass(frozen=True)
class Periode:
    year: int
    month: int

    @classmethod
    def parse(cls, value: str) -> "Periode":
        match = PERIODE_RE.match(str(value or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise PeriodeError("Periode harus berformat TTTT-BB, misalnya 2026-11.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def last_day(self) -> datetime.date:
        days = calendar.monthrange(self.year, self.month)[1]
        return datetime.date(self.year, self.month, days)

    @property
    def label(self) -> str:
        """'November 2026'."""
        return f"{BULAN[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def premi() -> int:
    return int(getattr(settings, "KIS_PREMI_PBI", PREMI_DEFAULT))


def rupiah(amount: int) -> str:
    """1260000 -> 'Rp 1.260.000'."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def covered(until: datetime.date) -> QuerySet[Anggota]:
    """Members enrolled through the portal with coverage started by `until`."""
    return Anggota.objects.filter(
        status_bpjs=Anggota.StatusBpjs.TERDAFTAR, tmt__isnull=False, tmt__lte=until
    )


def enrolled_per_month(year: int) -> list[tuple[int, int]]:
    """(month, number of members covered in that month) for the 12 months."""
    last = datetime.date(year, 12, 31)
    before = covered(datetime.date(year - 1, 12, 31)).count()
    by_month = dict(
        covered(last)
        .filter(tmt__year=year)
        .order_by()
        .values("tmt__month")
        .annotate(n=Count("pk"))
        .values_list("tmt__month", "n")
    )
    result = []
    running = before
    for month in range(1, 13):
        running += by_month.get(month, 0)
        result.append((month, running))
    return result


def recommendation(periode: str) -> dict:
    """count x premium = total for one month ('YYYY-MM'), with display texts."""
    month = Periode.parse(periode)
    count = covered(month.last_day).count()
    premium = premi()
    total = count * premium
    return {
        "periode": str(month),
        "bulan": month.label,
        "count": count,
        "premium": premium,
        "total": total,
        "premium_rp": rupiah(premium),
        "total_rp": rupiah(total),
    }


def recommendation_pdf(periode: str) -> bytes:
    """The letter to Kepala Dinas Kesehatan recommending the month's payment.

    Signed by the profile's delegate for it or the head of office, never by the
    clerk who asked for it.
    """
    data = recommendation(periode)
    profile = get_active_profile()
    nama_dinas = profile.nama_dinas if profile else settings.KIS_OFFICE_NAME
    context = {
        **data,
        "count_text": f"{data['count']:,}".replace(",", "."),
        "nama_dinas": nama_dinas,
        "pemerintah": profile.pemerintah if profile else "",
        "kota": profile.kota_surat if profile else "",
        "tanggal": tanggal_indonesia(timezone.localdate()),
        "ttd": penandatangan(profile, DokumenTtd.REKOMENDASI),
    }
    return render_pdf("rekap_bpjs/pdf/rekomendasi_pembayaran.html", context)


def recommendation_annex_xlsx(periode: str) -> bytes:
    """One row per member counted, then the total row."""
    data = recommendation(periode)
    month = Periode.parse(periode)
    members = (
        covered(month.last_day)
        .select_related("usulan__desa")
        .order_by("usulan__desa__nama", "nama", "pk")
    )

    def rows():
        for number, member in enumerate(members.iterator(chunk_size=2000), start=1):
            yield [
                number,
                member.noka,
                mask_identifier(member.nik),
                member.nama,
                member.usulan.desa.nama,
                member.tmt,
            ]
        yield [
            None,
            "JUMLAH",
            None,
            f"{data['count']} orang × {data['premium_rp']}",
            None,
            data["total_rp"],
        ]

    wb = xlsx.new_workbook()
    xlsx.write_sheet(
        wb,
        f"Lampiran {month}",
        ANNEX_HEADERS,
        rows(),
        widths=[6, 16, 20, 34, 22, 14],
    )
    return xlsx.to_bytes(wb)
