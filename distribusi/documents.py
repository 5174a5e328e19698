"""The printed tanda terima (berita acara serah terima) and the XLSX lists."""

from collections.abc import Iterable

from kis_portal import xlsx
from kis_portal.pdf import render_pdf, tanggal_indonesia
from kis_portal.privacy import TELEPON, mask_identifier, number_for

from .models import Kanal, Kartu, SerahTerima
from .selectors import counts_by_batch, counts_by_desa


def tanda_terima_pdf(serah: SerahTerima, *, for_user) -> bytes:
    """The receipt; the collector's phone is masked for a reader who needs no phones."""
    by = serah.dibuat_oleh
    telepon = number_for(for_user, serah.penerima_telepon, TELEPON)
    return render_pdf(
        "distribusi/pdf/tanda_terima.html",
        {
            "serah": serah,
            "penerima_telepon": telepon,
            "rows": serah.rincian,
            "tanggal": tanggal_indonesia(serah.tanggal),
            "petugas": by.get_full_name() or by.username,
            "ke_desa": serah.kanal == Kanal.DESA,
        },
        nomor=serah.nomor,
    )


def tanda_terima_filename(serah: SerahTerima) -> str:
    return f"tanda-terima-{serah.nomor.replace('/', '-')}.pdf"


STATUS_LABELS = dict(Kartu.Status.choices)
KARTU_HEADERS = [
    "NOKA",
    "NIK",
    "Nama",
    "Desa/kelurahan",
    "Kecamatan",
    "Rekap",
    "Status",
    "Diterima Dinsos",
    "Tanda terima",
    "Diserahkan",
    "Diterima warga",
    "Keterangan",
]


def _kartu_rows(cards: Iterable[Kartu]):
    for card in cards:
        yield [
            card.noka,
            mask_identifier(card.anggota.nik),
            card.anggota.nama,
            card.desa.nama,
            card.desa.kecamatan.nama,
            card.batch.periode if card.batch_id else "",
            STATUS_LABELS[card.status],
            card.diterima_tanggal,
            card.serah_terima.nomor if card.serah_terima_id else "",
            card.diserahkan_tanggal,
            card.warga_tanggal,
            card.kembali_alasan,
        ]


def _count_rows(rows: list[dict], keys: list[str]):
    for row in rows:
        yield [row[k] or "-" for k in keys] + [
            row["jumlah"],
            *(row[value] for value in Kartu.Status.values),
            row["terlambat"],
        ]


def kartu_workbook(qs, *, progress=None) -> tuple[bytes, int]:
    """The filtered card list, then counts per desa and per batch, as XLSX."""
    wb = xlsx.new_workbook()
    total = 0

    def rows():
        nonlocal total
        for card in qs.iterator(chunk_size=2000):
            total += 1
            if progress and total % 2000 == 0:
                progress(total)
            yield from _kartu_rows([card])

    xlsx.write_sheet(
        wb,
        "Kartu",
        KARTU_HEADERS,
        rows(),
        widths=[16, 19, 28, 20, 18, 9, 22, 13, 20, 13, 13, 30],
    )
    status_headers = ["Jumlah", *STATUS_LABELS.values(), "Terlambat diserahkan"]
    xlsx.write_sheet(
        wb,
        "Per desa",
        ["Kecamatan", "Desa/kelurahan", *status_headers],
        _count_rows(counts_by_desa(qs), ["desa__kecamatan__nama", "desa__nama"]),
        widths=[20, 24, 9, 16, 24, 16, 14, 14],
    )
    xlsx.write_sheet(
        wb,
        "Per rekap",
        ["Rekap", *status_headers],
        _count_rows(counts_by_batch(qs), ["batch__periode"]),
        widths=[10, 9, 16, 24, 16, 14, 14],
    )
    return xlsx.to_bytes(wb), total


SERAH_TERIMA_HEADERS = [
    "Nomor",
    "Tanggal",
    "Saluran",
    "Desa/kelurahan",
    "Penerima",
    "Jabatan",
    "Jumlah kartu",
    "Scan bertanda tangan",
    "Dibuat oleh",
]


def serah_terima_workbook(qs) -> tuple[bytes, int]:
    """The filtered list of hand-overs, one row each, as XLSX."""
    wb = xlsx.new_workbook()
    kanal = dict(Kanal.choices)

    def rows():
        for serah in qs.iterator(chunk_size=2000):
            yield [
                serah.nomor,
                serah.tanggal,
                kanal[serah.kanal],
                serah.desa.nama if serah.desa_id else "",
                serah.penerima_nama,
                serah.penerima_jabatan,
                serah.jumlah,
                "Sudah" if serah.scan else "Belum",
                serah.dibuat_oleh.get_full_name() or serah.dibuat_oleh.username,
            ]

    count = xlsx.write_sheet(
        wb,
        "Tanda terima",
        SERAH_TERIMA_HEADERS,
        rows(),
        widths=[22, 12, 26, 22, 26, 20, 8, 12, 20],
    )
    return xlsx.to_bytes(wb), count
