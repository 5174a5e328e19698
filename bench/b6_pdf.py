"""B6: PDFs: the one-page hand-over receipt and 500-row listings.

Portal path: ``kis_portal.pdf.render_pdf`` through the real documents:
``distribusi.documents.tanda_terima_pdf`` (berita acara serah terima: a
one-page receipt of 3 cards, and the receipt of a desa's 500 cards from a
batch, which lists every card) and the SK penetapan of 500 members
(``verifikasi/pdf/sk_penetapan.html``). Floor: WeasyPrint rendering a bare
HTML table of the same rows (no letterhead, no stylesheet).

Targets: receipt <= 0.5 s; 500 rows within 1.3x the floor.

    .venv/bin/python bench/b6_pdf.py          # full size
    QUICK=1 .venv/bin/python bench/b6_pdf.py  # 1/100 (5 rows)
"""

import datetime
import io
import os
import sys
from html import escape
from pathlib import Path

from distribusi.documents import tanda_terima_pdf
from distribusi.models import Kanal, SerahTerima
from kis_portal.offices.selectors import get_active_profile
from kis_portal.pdf import render_pdf
from usulan.models import Anggota, Usulan
from verifikasi.approval import sk_context as portal_sk_context
from verifikasi.models import SkPenetapan

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

os.environ.setdefault("MEDIA_ROOT", str(common.RESULTS_DIR / "media"))
common.setup()

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from bench import files_data  # noqa: E402

ROWS = common.scale(500)
RECEIPT_ROWS = 3  # the most that fits on one page with the signatures
REPEAT = 5  # the receipt (fast)
LONG_REPEAT = 3  # the 500-row documents


def serah_terima(base, rows: list[dict]):
    desa = base.desa[0]
    return SerahTerima(
        nomor="BA/0001/DINSOS/2031",
        tahun=2031,
        urut=1,
        tanggal=datetime.date(2031, 3, 2),
        kanal=Kanal.DESA,
        desa=desa,
        penerima_nama="I KETUT SUTAMA",
        penerima_jabatan="Perbekel",
        penerima_telepon="081234567890",
        rincian=rows,
        jumlah=len(rows),
        dibuat_oleh=base.distribusi,
    )


def bare_table(rows: list[list[str]]) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<html><body><table>{body}</table></body></html>"


def floor_pdf(rows: list[list[str]]) -> bytes:
    return HTML(string=bare_table(rows)).write_pdf()


def sk_context(base, count: int):
    """The SK penetapan's context for `count` members (in memory, not saved)."""

    members = []
    for index, (desa, home) in enumerate(files_data._households(base, count, seed=31)):
        usulan = Usulan(pk=index + 1, desa=desa, no_kk=home.no_kk, jenis="MIG34")
        for p in home.members:
            members.append(
                Anggota(
                    usulan=usulan,
                    nik=p.nik,
                    nama=p.nama,
                    kategori=files_data.KATEGORI[len(members) % 11],
                )
            )
    sk = SkPenetapan(
        nomor="SK/001/DINSOS/2031",
        tahun=2031,
        urut=1,
        periode="2031-02",
        tanggal=datetime.date(2031, 3, 2),
        kadis=base.rekap,
    )
    return portal_sk_context(sk, members[:count], get_active_profile(), base.rekap)


def main() -> None:
    common.migrate()

    report = common.Report(
        "B6",
        "PDF: tanda terima dan daftar 500 baris",
        f"receipt of {RECEIPT_ROWS} cards; receipt of {ROWS} cards; SK penetapan "
        f"of {ROWS} members; A4, Buleleng letterhead with logo",
    )
    base = files_data.prepare()

    receipt = serah_terima(base, files_data.receipt_rows(base, RECEIPT_ROWS))
    cold = common.timed(lambda: tanda_terima_pdf(receipt, for_user=None))[0]
    receipt_time = common.median(
        common.timed(lambda: tanda_terima_pdf(receipt, for_user=None), REPEAT)
    )
    report.figure(
        f"tanda terima, {RECEIPT_ROWS} cards (median of {REPEAT})",
        receipt_time,
        "s",
        target="<= 0.5 s",
        ok=receipt_time <= 0.5,
    )
    receipt_pages = len(
        PdfReader(io.BytesIO(tanda_terima_pdf(receipt, for_user=None))).pages
    )
    report.note(
        f"first render in the process (fonts loaded): {cold:.3f} s; "
        f"{receipt_pages} page(s)"
    )

    rows = files_data.receipt_rows(base, ROWS)
    listing = serah_terima(base, rows)
    pages = len(PdfReader(io.BytesIO(tanda_terima_pdf(listing, for_user=None))).pages)
    table = [
        [str(n), r["noka"], r["nik"], r["nama"], f"{r['alamat']}, {r['desa']}"]
        for n, r in enumerate(rows, start=1)
    ]
    floor = common.median(common.timed(lambda: floor_pdf(table), LONG_REPEAT))
    portal = common.median(
        common.timed(lambda: tanda_terima_pdf(listing, for_user=None), LONG_REPEAT)
    )
    report.figure(
        f"tanda terima, {ROWS} cards (median of {LONG_REPEAT})",
        portal,
        "s",
        floor=floor,
        target="<= 1.3x floor",
        ok=portal <= 1.3 * floor,
    )

    context = sk_context(base, ROWS)
    sk_rows = [
        [str(n), r["nik"], r["nama"], r["desa"], r["kategori"]]
        for n, r in enumerate(context["rows"], start=1)
    ]
    sk_floor = common.median(common.timed(lambda: floor_pdf(sk_rows), LONG_REPEAT))
    sk_time = common.median(
        common.timed(
            lambda: render_pdf("verifikasi/pdf/sk_penetapan.html", context),
            LONG_REPEAT,
        )
    )
    report.figure(
        f"SK penetapan, {ROWS} members (median of {LONG_REPEAT})",
        sk_time,
        "s",
        floor=sk_floor,
        target="<= 1.3x floor",
        ok=sk_time <= 1.3 * sk_floor,
    )
    report.note(f"receipt of {ROWS} cards: {pages} pages")
    report.save()


if __name__ == "__main__":
    main()
