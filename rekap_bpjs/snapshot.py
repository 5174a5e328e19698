"""The data of one member as BPJS receives it, keyed by export field.

Locking a batch stores this dict on each item, so later edits to an usulan never
change what was sent. Export layouts (office profile columns) pick from it.
"""

from django.conf import settings

from kis_portal.offices.choices import JenisUsulan
from kis_portal.offices.fields import EXPORT_FIELDS
from usulan.models import Anggota

JENIS_MUTASI = {
    "mandiri": "PERALIHAN DARI PBPU MANDIRI",
    "pbi_apbn": "PERALIHAN DARI PBI APBN",
    "ppu": "PERALIHAN DARI PPU",
    "pbpu_pemda": "PERALIHAN DARI PBPU PEMDA",
    "lainnya": "PENGAKTIFAN KEMBALI",
}


def member_snapshot(anggota: Anggota, *, nomor_urut: int, dtks_label: str = "") -> dict:
    """Every export field for one member; dates as ISO text, identifiers as text."""
    usulan = anggota.usulan
    desa = usulan.desa
    kecamatan = desa.kecamatan
    kabupaten = kecamatan.kode[:5]
    data = {
        "nomor_urut": nomor_urut,
        "no_kk": usulan.no_kk,
        "nik": anggota.nik,
        "nama": anggota.nama,
        "tempat_lahir": anggota.tempat_lahir,
        "tanggal_lahir": anggota.tanggal_lahir.isoformat(),
        "jenis_kelamin": anggota.jenis_kelamin,
        "pisat": anggota.pisat,
        "shdk": anggota.shdk,
        "status_kawin": anggota.status_kawin,
        "alamat": usulan.alamat,
        "rt": usulan.rt,
        "rw": usulan.rw,
        "kode_pos": "",
        "kode_provinsi": kabupaten[:2],
        "nama_provinsi": "",
        "kode_kabupaten": kabupaten,
        "nama_kabupaten": getattr(settings, "KIS_KABUPATEN_NAMA", ""),
        "kode_kecamatan": kecamatan.kode,
        "nama_kecamatan": kecamatan.nama,
        "kode_desa": desa.kode,
        "nama_desa": desa.nama,
        "kode_faskes": anggota.kode_faskes,
        "nama_faskes": anggota.nama_faskes,
        "kode_faskes_gigi": "",
        "kelas_rawat": "3",
        "jenis_peserta": "22",
        "no_hp": anggota.telepon or usulan.telepon,
        "email": "",
        "tmt": "",
        "kewarganegaraan": "WNI",
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
    }
    missing = set(EXPORT_FIELDS) - set(data)
    if missing:  # a new export field must be given a value here
        raise KeyError(f"snapshot lacks export fields: {sorted(missing)}")
    return data
