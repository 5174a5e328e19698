"""The columns of BPJS's result file an office can give its own header spellings.

The import (rekap_bpjs/imports.py) knows the usual spellings; an office whose
BPJS branch writes others ("NIK PESERTA", "STATUS PROSES", "NO KARTU JKN") adds
them in its profile (`OfficeProfile.header_sinonim_hasil`), key -> spellings.
"""

from typing import Any

RESULT_HEADER_FIELDS: dict[str, str] = {
    "nik": "NIK",
    "nama": "Nama peserta",
    "no_kk": "Nomor KK",
    "noka": "Nomor kartu (NOKA) baru",
    "status": "Status (BERHASIL/GAGAL)",
    "keterangan": "Keterangan/alasan",
    "tmt": "TMT (mulai berlaku)",
}


# BPJS's monthly list of deactivated participants (rekap_bpjs/deactivations.py).
NONAKTIF_HEADER_FIELDS: dict[str, str] = {
    "noka": "Nomor kartu (NOKA)",
    "nik": "NIK",
    "nama": "Nama peserta",
    "no_kk": "Nomor KK",
    "tanggal": "Tanggal dinonaktifkan",
    "keterangan": "Keterangan/alasan",
}


def default_header_sinonim_hasil() -> dict[str, list[str]]:
    return {key: [] for key in RESULT_HEADER_FIELDS}


def default_header_sinonim_nonaktif() -> dict[str, list[str]]:
    return {key: [] for key in NONAKTIF_HEADER_FIELDS}


def header_sinonim_errors(
    value: Any, fields: dict[str, str] = RESULT_HEADER_FIELDS
) -> str:
    """Why a synonyms value is unusable, or ''."""
    if not isinstance(value, dict):
        return "Isi berupa objek JSON: kunci kolom -> daftar judul, misalnya " + (
            '{"nik": ["NIK PESERTA"]}.'
        )
    unknown = sorted(set(value) - set(fields))
    if unknown:
        return (
            f"Kunci tidak dikenal: {', '.join(unknown)}. Pilihan: {', '.join(fields)}."
        )
    for key, names in value.items():
        if not isinstance(names, list) or not all(
            isinstance(name, str) and name.strip() for name in names
        ):
            return f'"{key}": isi berupa daftar judul kolom (teks), misalnya ["NIK PESERTA"].'
    return ""
