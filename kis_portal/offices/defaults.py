"""Default export layouts: BPJS's 34-column (new) and 37-column (has a NOKA) forms.

The real BPJS templates are not public (docs/domain.md, "Formats"): these follow the
fields of the FDIP registration form. An office with its real template replaces
them in its profile (admin screen or profile JSON) without a code change.
"""

MIG34_COLUMNS: list[tuple[str, str, str]] = [
    ("NO", "nomor_urut", "number"),
    ("NO KK", "no_kk", "text"),
    ("NIK", "nik", "text"),
    ("NAMA LENGKAP", "nama", "text"),
    ("TEMPAT LAHIR", "tempat_lahir", "text"),
    ("TANGGAL LAHIR", "tanggal_lahir", "date_dmy"),
    ("JENIS KELAMIN", "jenis_kelamin", "text"),
    ("PISAT", "pisat", "text"),
    ("STATUS KAWIN", "status_kawin", "text"),
    ("ALAMAT", "alamat", "text"),
    ("RT", "rt", "text"),
    ("RW", "rw", "text"),
    ("KODE POS", "kode_pos", "text"),
    ("KODE PROPINSI", "kode_provinsi", "text"),
    ("NAMA PROPINSI", "nama_provinsi", "text"),
    ("KODE DATI II", "kode_kabupaten", "text"),
    ("NAMA DATI II", "nama_kabupaten", "text"),
    ("KODE KECAMATAN", "kode_kecamatan", "text"),
    ("NAMA KECAMATAN", "nama_kecamatan", "text"),
    ("KODE DESA", "kode_desa", "text"),
    ("NAMA DESA", "nama_desa", "text"),
    ("KODE FASKES TK I", "kode_faskes", "text"),
    ("NAMA FASKES TK I", "nama_faskes", "text"),
    ("KODE DOKTER GIGI", "kode_faskes_gigi", "text"),
    ("KELAS RAWAT", "kelas_rawat", "text"),
    ("JENIS PESERTA", "jenis_peserta", "text"),
    ("NO HP", "no_hp", "text"),
    ("EMAIL", "email", "text"),
    ("TMT", "tmt", "date_dmy"),
    ("KEWARGANEGARAAN", "kewarganegaraan", "text"),
    # The office's own columns: written only when the profile's kolom_internal is
    # on (UU 27/2022: BPJS is sent no poverty status or diagnosis it did not ask for).
    ("KATEGORI", "kategori", "text"),
    ("STATUS DTKS", "status_dtks", "text"),
    ("NO USULAN", "nomor_usulan", "text"),
    ("KETERANGAN", "keterangan", "text"),
]

MIG37_COLUMNS: list[tuple[str, str, str]] = [
    *MIG34_COLUMNS[:3],
    ("NOKA", "noka", "text"),
    *MIG34_COLUMNS[3:-1],
    ("SEGMEN ASAL", "segmen_asal", "text"),
    ("JENIS MUTASI", "jenis_mutasi", "text"),
    MIG34_COLUMNS[-1],
]

# Values every row carries, as BPJS codes them for the regional PBI track.
NILAI_TETAP: dict[str, str] = {
    "jenis_peserta": "22",  # PBI (APBD); 21 is PBI (APBN)
    "kelas_rawat": "3",
    "kewarganegaraan": "WNI",
}

# The portal's code -> the code written in the file, per coded field. PISAT maps
# the KK relationship (SHDK 1-11): 1-4 directly, the rest to 5 (tambahan).
PETA_KODE: dict[str, dict[str, str]] = {
    "jenis_kelamin": {"L": "L", "P": "P"},
    "status_kawin": {"1": "1", "2": "2", "3": "3", "4": "4"},
    "pisat": {
        "1": "1",
        "2": "2",
        "3": "3",
        "4": "4",
        **{str(shdk): "5" for shdk in range(5, 12)},
    },
}


def nilai_tetap_default() -> dict[str, str]:
    return dict(NILAI_TETAP)


def peta_kode_default() -> dict[str, dict[str, str]]:
    return {field: dict(codes) for field, codes in PETA_KODE.items()}
