"""The office's DTSEN rule table: what a family's desil means for its proposal.

Since 2025 PBI-JK (APBN) covers desil 1-5 of the national ranking: a member
there should be proposed through SIKS-NG, so the regency's APBD money goes to
those APBN will not cover (desil 6-10, or not ranked). The table is office
configuration (OfficeProfile.aturan_desil) with these defaults; each entry
covers desil `dari`..`sampai` (both null: the unranked), names its route
(`jalur`), what it means for the operator (`arti`) and the justification the
office requires (`justifikasi`, may be empty).
"""

from dataclasses import dataclass
from typing import Any

from django.db import models


class JalurDesil(models.TextChoices):
    SIKS_NG = "siks_ng", "Usulkan lewat SIKS-NG (PBI-JK APBN)"
    APBD = "apbd", "Calon PBI APBD"


class DesilRekap(models.TextChoices):
    """Whether the desil decides who the APBD batch takes."""

    TAHAN = (
        "tahan",
        ("Anggota berjalur SIKS-NG tidak masuk rekap APBD, kecuali SIKS-NG menolaknya"),
    )
    ABAIKAN = "abaikan", "Desil tidak memengaruhi rekap APBD"


JUSTIFIKASI_APBD = (
    "Alasan keluarga ini dibiayai APBD: tidak layak PBI-JK APBN menurut desilnya, "
    "tetapi tidak mampu membayar iuran mandiri (dicatat verifikator)."
)
JUSTIFIKASI_TANPA_DESIL = (
    "Belum berperingkat di DTSEN: usulkan juga pemeringkatannya lewat desa, dan "
    "catat alasan keluarga ini dibiayai APBD."
)


def aturan_desil_default() -> list[dict[str, Any]]:
    return [
        {
            "dari": 1,
            "sampai": 5,
            "jalur": JalurDesil.SIKS_NG.value,
            "arti": "Layak PBI-JK (APBN): usulkan lewat SIKS-NG",
            "justifikasi": "",
        },
        {
            "dari": 6,
            "sampai": 10,
            "jalur": JalurDesil.APBD.value,
            "arti": "Calon PBI APBD",
            "justifikasi": JUSTIFIKASI_APBD,
        },
        {
            "dari": None,
            "sampai": None,
            "jalur": JalurDesil.APBD.value,
            "arti": "Calon PBI APBD (belum berperingkat)",
            "justifikasi": JUSTIFIKASI_TANPA_DESIL,
        },
    ]


@dataclass(frozen=True)
class AturanDesil:
    """One row of the rule table, as it applies to a member."""

    jalur: str
    arti: str
    justifikasi: str
    dari: int | None = None
    sampai: int | None = None

    @property
    def pita(self) -> str:
        """The band's name: 'desil 1-5', 'desil 7', 'belum berperingkat'."""
        if self.dari is None:
            return "belum berperingkat"
        if self.dari == self.sampai:
            return f"desil {self.dari}"
        return f"desil {self.dari}-{self.sampai}"

    @property
    def siks_ng(self) -> bool:
        return self.jalur == JalurDesil.SIKS_NG

    @property
    def jalur_label(self) -> str:
        return JalurDesil(self.jalur).label


def aturan_table(profile) -> list[AturanDesil]:
    """The profile's rule table (the defaults without a profile)."""
    rows = getattr(profile, "aturan_desil", None) or aturan_desil_default()
    return [
        AturanDesil(
            jalur=row["jalur"],
            arti=row.get("arti") or JalurDesil(row["jalur"]).label,
            justifikasi=row.get("justifikasi") or "",
            dari=row.get("dari"),
            sampai=row.get("sampai"),
        )
        for row in rows
    ]


def aturan_for(table: list[AturanDesil], desil: int | None) -> AturanDesil:
    """The row of `table` for `desil` (None: unranked, or no usable match)."""
    for row in table:
        if desil is None and row.dari is None:
            return row
        if (
            desil is not None
            and row.dari is not None
            and row.dari <= desil <= row.sampai
        ):
            return row
    raise LookupError(desil)  # aturan_desil_errors keeps every table complete


def aturan_desil_errors(value: Any) -> str:
    """Why a rule table cannot be used ('' when it can): every desil once, one unranked row."""
    if not isinstance(value, list) or not value:
        return "Tabel aturan desil harus berupa daftar baris."
    covered: list[int] = []
    unranked = 0
    for row in value:
        if not isinstance(row, dict) or row.get("jalur") not in JalurDesil.values:
            return (
                "Setiap baris aturan desil harus memuat jalur "
                f"({', '.join(JalurDesil.values)})."
            )
        if not isinstance(row.get("arti", ""), str) or not isinstance(
            row.get("justifikasi", ""), str
        ):
            return "Arti dan justifikasi aturan desil harus berupa teks."
        dari, sampai = row.get("dari"), row.get("sampai")
        if dari is None and sampai is None:
            unranked += 1
            continue
        if not (
            isinstance(dari, int)
            and isinstance(sampai, int)
            and 1 <= dari <= sampai <= 10
        ):
            return "Rentang desil harus angka 1 sampai 10 (dari <= sampai)."
        covered.extend(range(dari, sampai + 1))
    if sorted(covered) != list(range(1, 11)):
        return "Tabel aturan desil harus mencakup desil 1 sampai 10 tepat satu kali."
    if unranked != 1:
        return (
            'Tabel aturan desil harus memuat tepat satu baris "belum berperingkat" '
            "(dari dan sampai kosong/null)."
        )
    return ""
