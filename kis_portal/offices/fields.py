"""The data fields an export column can take its value from (docs/domain.md, "Formats").

Column layouts in an office profile name these keys; the rekap exporter maps each
key to a member's value. Adding a field here is the only code change a new layout
could need, and most new templates only reorder or rename columns.
"""

EXPORT_FIELDS: dict[str, str] = {
    "nomor_urut": "Nomor urut baris",
    "no_kk": "Nomor KK",
    "nik": "NIK",
    "nama": "Nama lengkap",
    "tempat_lahir": "Tempat lahir",
    "tanggal_lahir": "Tanggal lahir",
    "jenis_kelamin": "Jenis kelamin (L/P)",
    "pisat": "PISAT (hubungan dengan peserta: 1-5)",
    "shdk": "SHDK (hubungan dalam KK)",
    "status_kawin": "Status perkawinan",
    "alamat": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "kode_pos": "Kode pos",
    "kode_provinsi": "Kode provinsi",
    "nama_provinsi": "Nama provinsi",
    "kode_kabupaten": "Kode kabupaten/kota",
    "nama_kabupaten": "Nama kabupaten/kota",
    "kode_kecamatan": "Kode kecamatan",
    "nama_kecamatan": "Nama kecamatan",
    "kode_desa": "Kode desa/kelurahan",
    "nama_desa": "Nama desa/kelurahan",
    "kode_faskes": "Kode faskes tingkat I",
    "nama_faskes": "Nama faskes tingkat I",
    "kode_faskes_gigi": "Kode dokter gigi",
    "kelas_rawat": "Kelas rawat (3)",
    "jenis_peserta": "Jenis peserta (22 = PBI APBD)",
    "no_hp": "Nomor HP",
    "email": "Email",
    "tmt": "TMT (mulai berlaku)",
    "kewarganegaraan": "Kewarganegaraan",
    "kategori": "Kategori prioritas",
    "status_dtks": "Status DTKS",
    "id_dtks": "ID DTKS",
    "desil": "Desil DTSEN",
    "nomor_usulan": "Nomor usulan portal",
    "keterangan": "Keterangan",
    "noka": "Nomor kartu (NOKA) lama",
    "segmen_asal": "Segmen asal",
    "jenis_mutasi": "Jenis mutasi (pengaktifan/peralihan/tambah anggota)",
}

# The office's own data: left out of every export unless the profile's
# kolom_internal is on (UU 27/2022: send BPJS no diagnosis or poverty status
# it did not ask for).
INTERNAL_FIELDS: frozenset[str] = frozenset(
    {"kategori", "status_dtks", "id_dtks", "desil", "nomor_usulan", "keterangan"}
)

# Fields whose value the profile's constants give (nilai_tetap).
CONSTANT_FIELDS: tuple[str, ...] = ("jenis_peserta", "kelas_rawat", "kewarganegaraan")

# Fields whose portal code the profile's code maps translate (peta_kode).
CODED_FIELDS: tuple[str, ...] = ("jenis_kelamin", "status_kawin", "pisat")
