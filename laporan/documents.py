"""The report files: the monthly progress report (XLSX, PDF) and the register (XLSX)."""

from collections.abc import Callable

from django.utils import timezone

from kis_portal import xlsx
from kis_portal.offices.choices import DokumenTtd, Kategori
from kis_portal.offices.selectors import get_active_profile
from kis_portal.offices.signatures import penandatangan
from kis_portal.pdf import render_pdf, tanggal_indonesia
from kis_portal.privacy import mask_identifier

from .selectors import Lingkup, enrolled_register, monthly_progress

PENGADUAN_LABELS = (
    ("masuk", "Pengaduan masuk"),
    ("selesai", "Selesai"),
    ("terbuka", "Masih terbuka"),
    ("terlambat", "Terlambat ditangani"),
)


def _info_rows(lingkup: Lingkup) -> list[list]:
    return [
        ["Periode", lingkup.periode_label],
        ["Wilayah", lingkup.area_label],
        ["Dibuat", timezone.localtime().strftime("%d-%m-%Y %H:%M")],
        ["Satuan", "Jiwa (orang), kecuali pengaduan (jumlah pengaduan)"],
    ]


def monthly_workbook(lingkup: Lingkup) -> tuple[bytes, dict]:
    data = monthly_progress(lingkup)
    labels = [label for _key, label in data["kolom"]]
    keys = [key for key, _label in data["kolom"]]
    wb = xlsx.new_workbook()

    summary = [*_info_rows(lingkup), ["", ""]]
    summary.append(["Jumlah seluruh wilayah", ""])
    summary += [[label, data["total"][key]] for key, label in data["kolom"]]
    summary.append(["", ""])
    summary += [[label, data["pengaduan"][key]] for key, label in PENGADUAN_LABELS]
    xlsx.write_sheet(
        wb, "Ringkasan", ["Laporan perkembangan", ""], summary, widths=[34, 44]
    )

    def desa_rows():
        for row in data["per_desa"]:
            yield [
                row["desa"].kecamatan.nama,
                row["desa"].nama,
                *[row[key] for key in keys],
                row["pengaduan"],
            ]
        yield [
            "JUMLAH",
            "",
            *[data["total"][key] for key in keys],
            data["total"]["pengaduan"],
        ]

    xlsx.write_sheet(
        wb,
        "Per desa",
        ["Kecamatan", "Desa/kelurahan", *labels, "Pengaduan"],
        desa_rows(),
        widths=[20, 24, *[14] * (len(labels) + 1)],
    )
    xlsx.write_sheet(
        wb,
        "Per desa dan kategori",
        ["Kecamatan", "Desa/kelurahan", "Kategori", *labels],
        (
            [
                row["desa"].kecamatan.nama,
                row["desa"].nama,
                row["kategori_label"],
                *[row[key] for key in keys],
            ]
            for row in data["per_desa_kategori"]
        ),
        widths=[20, 24, 34, *[14] * len(labels)],
    )
    xlsx.write_sheet(
        wb,
        "Per kategori",
        ["Kategori", *labels],
        (
            [row["kategori_label"], *[row[key] for key in keys]]
            for row in data["per_kategori"]
        ),
        widths=[34, *[14] * len(labels)],
    )
    urgent = data["darurat"]
    xlsx.write_sheet(
        wb,
        "Pasien darurat",
        [
            "Nomor usulan",
            "Faskes",
            "Desa/kelurahan",
            "Diajukan",
            "Status",
            "Jam sampai keputusan",
            f"Lewat target {urgent['target_jam']} jam",
            "Jam sampai aktif (terdaftar BPJS)",
        ],
        (
            [
                row["nomor"],
                row["faskes"],
                row["desa"].nama,
                timezone.localtime(row["diajukan"]).strftime("%d-%m-%Y %H:%M"),
                row["status"],
                row["jam_keputusan"],
                "ya" if row["lewat_target"] else "",
                row["jam_aktif"],
            ]
            for row in urgent["rows"]
        ),
        widths=[16, 30, 24, 18, 30, 14, 14, 18],
    )
    return xlsx.to_bytes(wb), data


def monthly_pdf(lingkup: Lingkup) -> tuple[bytes, dict]:
    data = monthly_progress(lingkup)
    profile = get_active_profile()
    keys = [key for key, _label in data["kolom"]]
    rows = [
        {
            "kecamatan": row["desa"].kecamatan.nama,
            "desa": row["desa"].nama,
            "values": [row[key] for key in keys],
            "pengaduan": row["pengaduan"],
        }
        for row in data["per_desa"]
    ]
    content = render_pdf(
        "laporan/pdf/bulanan.html",
        {
            "data": data,
            "rows": rows,
            "total": [data["total"][key] for key in keys],
            "kategori_rows": [
                {"label": row["kategori_label"], "values": [row[key] for key in keys]}
                for row in data["per_kategori"]
            ],
            "pengaduan_rows": [
                (label, data["pengaduan"][key]) for key, label in PENGADUAN_LABELS
            ],
            "tanggal": tanggal_indonesia(timezone.localdate()),
            "ttd": penandatangan(profile, DokumenTtd.LAPORAN),
        },
    )
    return content, data


def register_workbook(
    lingkup: Lingkup, *, progress: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """The register of enrolled participants, streamed in chunks (NIK masked)."""
    kategori = dict(Kategori.choices)
    counter = {"n": 0}

    def rows():
        for nik, noka, nama, desa, kecamatan, tmt, kat in enrolled_register(
            lingkup
        ).iterator(chunk_size=2000):
            counter["n"] += 1
            if progress and counter["n"] % 5000 == 0:
                progress(counter["n"])
            yield [
                counter["n"],
                mask_identifier(nik),
                noka,
                nama,
                desa,
                kecamatan,
                tmt,
                kategori.get(kat, kat),
            ]

    wb = xlsx.new_workbook()
    count = xlsx.write_sheet(
        wb,
        "Peserta terdaftar",
        ["No", "NIK", "NOKA", "Nama", "Desa/kelurahan", "Kecamatan", "TMT", "Kategori"],
        rows(),
        widths=[7, 20, 16, 30, 22, 20, 12, 34],
    )
    return xlsx.to_bytes(wb), count
