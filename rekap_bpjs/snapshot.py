"""The data of one member as BPJS receives it, keyed by export field.

Locking a batch stores this dict on each item, so later edits to an usulan (or
to the office profile) never change what was sent. Export layouts (office
profile columns) pick from it. The profile gives the constants, the code maps
and the style of region codes (docs/office-profiles.md).
"""

import datetime

from kis_portal.offices.choices import JenisUsulan, KodeWilayah
from kis_portal.offices.defaults import nilai_tetap_default, peta_kode_default
from kis_portal.offices.fields import EXPORT_FIELDS
from kis_portal.offices.models import OfficeProfile
from kis_portal.wilayah.selectors import region_names
from usulan.models import Anggota

JENIS_MUTASI = {
    "mandiri": "PERALIHAN DARI PBPU MANDIRI",
    "pbi_apbn": "PERALIHAN DARI PBI APBN",
    "ppu": "PERALIHAN DARI PPU",
    "pbpu_pemda": "PERALIHAN DARI PBPU PEMDA",
    "lainnya": "PENGAKTIFAN KEMBALI",
}


def region_codes(kode_desa: str, style: str) -> dict[str, str]:
    """The four region codes of a desa (51.08.06.2001) in one style."""
    parts = kode_desa.split(".")
    dotted = [".".join(parts[: level + 1]) for level in range(len(parts))]
    if style == KodeWilayah.TITIK:
        codes = dotted
    elif style == KodeWilayah.BAGIAN:
        codes = parts
    else:
        codes = [code.replace(".", "") for code in dotted]
    codes += [""] * (4 - len(codes))
    return dict(
        zip(
            ("kode_provinsi", "kode_kabupaten", "kode_kecamatan", "kode_desa"),
            codes[:4],
            strict=True,
        )
    )


def tmt_requested(periode: str) -> str:
    """Coverage asked from the 1st of the month after the batch's ('2026-11')."""
    year, month = (int(part) for part in periode.split("-"))
    return datetime.date(year + month // 12, month % 12 + 1, 1).isoformat()


def member_snapshot(
    anggota: Anggota,
    *,
    nomor_urut: int,
    dtks_label: str = "",
    profile: OfficeProfile | None = None,
    periode: str = "",
) -> dict:
    """Every export field for one member; dates as ISO text, identifiers as text."""
    usulan = anggota.usulan
    desa = usulan.desa
    kecamatan = desa.kecamatan
    nama_provinsi, nama_kabupaten = region_names(kecamatan.kode[:5])
    constants = (profile.nilai_tetap if profile else None) or nilai_tetap_default()
    maps = (profile.peta_kode if profile else None) or peta_kode_default()
    style = profile.kode_wilayah if profile else KodeWilayah.ANGKA

    def coded(field: str, value: str) -> str:
        # A value the map lacks is written as the portal holds it.
        return maps.get(field, {}).get(value, value)

    data = {
        "nomor_urut": nomor_urut,
        "no_kk": usulan.no_kk,
        "nik": anggota.nik,
        "nama": anggota.nama,
        "tempat_lahir": anggota.tempat_lahir,
        "tanggal_lahir": anggota.tanggal_lahir.isoformat(),
        "jenis_kelamin": coded("jenis_kelamin", anggota.jenis_kelamin),
        "pisat": coded("pisat", anggota.shdk),
        "shdk": anggota.shdk,
        "status_kawin": coded("status_kawin", anggota.status_kawin),
        "alamat": usulan.alamat,
        "rt": usulan.rt,
        "rw": usulan.rw,
        "kode_pos": "",
        **region_codes(desa.kode, style),
        "nama_provinsi": nama_provinsi,
        "nama_kabupaten": nama_kabupaten,
        "nama_kecamatan": kecamatan.nama,
        "nama_desa": desa.nama,
        "kode_faskes": anggota.kode_faskes,
        "nama_faskes": anggota.nama_faskes,
        "kode_faskes_gigi": "",
        "kelas_rawat": constants.get("kelas_rawat", ""),
        "jenis_peserta": constants.get("jenis_peserta", ""),
        "no_hp": anggota.telepon or usulan.telepon,
        "email": "",
        "tmt": tmt_requested(periode) if periode else "",
        "kewarganegaraan": constants.get("kewarganegaraan", ""),
        "kategori": anggota.get_kategori_display(),
        "status_dtks": dtks_label,
        "id_dtks": "",
        "desil": "",
        "nomor_usulan": usulan.nomor,
        "keterangan": anggota.catatan,
        # Each MIG37 member's own previous card (issue 19): never the household's.
        "noka": anggota.noka_lama if usulan.jenis == JenisUsulan.MIG37 else "",
        "segmen_asal": usulan.get_segmen_asal_display() if usulan.segmen_asal else "",
        "jenis_mutasi": JENIS_MUTASI.get(usulan.segmen_asal, ""),
        # The portal's own desa code, whatever the style: the recap groups by it.
        "kode_desa_portal": desa.kode,
    }
    missing = set(EXPORT_FIELDS) - set(data)
    if missing:  # a new export field must be given a value here
        raise KeyError(f"snapshot lacks export fields: {sorted(missing)}")
    return data
