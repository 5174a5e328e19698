"""The data of one member as BPJS receives it, keyed by export field.

Locking a batch stores this dict on each item, so later edits to an usulan (or
to the office profile) never change what was sent. Export layouts (office
profile columns) pick from it. The profile gives the constants, the code maps
and the style of region codes (docs/office-profiles.md).
"""

import datetime
from dataclasses import dataclass, field, fields
from typing import ClassVar

from kis_portal.offices.choices import JenisUsulan, KodeWilayah
from kis_portal.offices.defaults import nilai_tetap_default, peta_kode_default
from kis_portal.offices.fields import EXPORT_FIELDS
from kis_portal.offices.models import OfficeProfile
from kis_portal.wilayah.selectors import region_names
from usulan.models import Anggota, Usulan

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


EXPORT_KEYS = frozenset(EXPORT_FIELDS)


@dataclass(frozen=True)
class SnapshotRules:
    """What every member of one batch shares: the profile's constants, code maps
    and region style, the TMT asked for, the labels of the member categories."""

    constants: dict
    maps: dict
    style: str
    tmt: str
    kategori: dict
    segmen: dict
    # Each desa's fields, made once: a batch's 13,000 households live in ~150.
    places: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, profile: OfficeProfile | None, periode: str) -> "SnapshotRules":
        return cls(
            constants=(profile.nilai_tetap if profile else None)
            or nilai_tetap_default(),
            maps=(profile.peta_kode if profile else None) or peta_kode_default(),
            style=profile.kode_wilayah if profile else KodeWilayah.ANGKA,
            tmt=tmt_requested(periode) if periode else "",
            kategori=_labels(Anggota, "kategori"),
            segmen=_labels(Usulan, "segmen_asal"),
        )

    def coded(self, field: str, value: str) -> str:
        # A value the map lacks is written as the portal holds it.
        return self.maps.get(field, {}).get(value, value)

    def place(self, desa) -> dict:
        """The export fields of a desa (its region codes and names)."""
        known = self.places.get(desa.pk)
        if known is None:
            kecamatan = desa.kecamatan
            nama_provinsi, nama_kabupaten = region_names(kecamatan.kode[:5])
            known = self.places[desa.pk] = {
                **region_codes(desa.kode, self.style),
                "nama_provinsi": nama_provinsi,
                "nama_kabupaten": nama_kabupaten,
                "nama_kecamatan": kecamatan.nama,
                "nama_desa": desa.nama,
                # The portal's own desa code, whatever the style: the recap groups by it.
                "kode_desa_portal": desa.kode,
            }
        return known


def _labels(model, name: str) -> dict[str, str]:
    """{value: label} of a field's choices (get_FOO_display rebuilds it per call)."""
    return {
        value: str(label) for value, label in model._meta.get_field(name).flatchoices
    }


@dataclass(slots=True)
class SnapshotMember:
    """What `member_snapshot` reads of a member, read as plain values.

    A batch's lock reads its 40,000 members this way (`values_list(*FIELDS)`):
    a model instance each cost a third of the lock's Python time. `usulan` is
    the household, set by the reader.
    """

    FIELDS: ClassVar[tuple[str, ...]]  # the model fields, in this order
    usulan_id: int
    nik: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: datetime.date
    jenis_kelamin: str
    shdk: str
    status_kawin: str
    kode_faskes: str
    nama_faskes: str
    telepon: str
    kategori: str
    catatan: str
    noka_lama: str
    usulan: Usulan | None = field(default=None, repr=False)


SnapshotMember.FIELDS = tuple(
    f.name for f in fields(SnapshotMember) if f.name != "usulan"
)


def household_snapshot(usulan: Usulan, rules: SnapshotRules) -> dict:
    """The export fields every member of one household shares."""
    constants = rules.constants
    return {
        "no_kk": usulan.no_kk,
        "alamat": usulan.alamat,
        "rt": usulan.rt,
        "rw": usulan.rw,
        "kode_pos": "",
        **rules.place(usulan.desa),
        "kode_faskes_gigi": "",
        "kelas_rawat": constants.get("kelas_rawat", ""),
        "jenis_peserta": constants.get("jenis_peserta", ""),
        "email": "",
        "tmt": rules.tmt,
        "kewarganegaraan": constants.get("kewarganegaraan", ""),
        "id_dtks": "",
        "desil": "",
        "nomor_usulan": usulan.nomor,
        "segmen_asal": rules.segmen.get(usulan.segmen_asal, usulan.segmen_asal),
        "jenis_mutasi": JENIS_MUTASI.get(usulan.segmen_asal, ""),
    }


def member_snapshot(
    anggota: Anggota | SnapshotMember,
    *,
    nomor_urut: int,
    dtks_label: str = "",
    profile: OfficeProfile | None = None,
    periode: str = "",
    rules: SnapshotRules | None = None,
    household: dict | None = None,
) -> dict:
    """Every export field for one member; dates as ISO text, identifiers as text.

    A batch's lock passes the batch's `rules` and each household's part
    (`household_snapshot`), made once for all its members.
    """
    rules = rules or SnapshotRules.of(profile, periode)
    usulan = anggota.usulan
    if household is None:
        household = household_snapshot(usulan, rules)
    coded = rules.coded
    data = {
        **household,
        "nomor_urut": nomor_urut,
        "nik": anggota.nik,
        "nama": anggota.nama,
        "tempat_lahir": anggota.tempat_lahir,
        "tanggal_lahir": anggota.tanggal_lahir.isoformat(),
        "jenis_kelamin": coded("jenis_kelamin", anggota.jenis_kelamin),
        "pisat": coded("pisat", anggota.shdk),
        "shdk": anggota.shdk,
        "status_kawin": coded("status_kawin", anggota.status_kawin),
        "kode_faskes": anggota.kode_faskes,
        "nama_faskes": anggota.nama_faskes,
        "no_hp": anggota.telepon or usulan.telepon,
        "kategori": rules.kategori.get(anggota.kategori, anggota.kategori),
        "status_dtks": dtks_label,
        "keterangan": anggota.catatan,
        # Each MIG37 member's own previous card (issue 19): never the household's.
        "noka": anggota.noka_lama if usulan.jenis == JenisUsulan.MIG37 else "",
    }
    missing = EXPORT_KEYS.difference(data)
    if missing:  # a new export field must be given a value here
        raise KeyError(f"snapshot lacks export fields: {sorted(missing)}")
    return data
