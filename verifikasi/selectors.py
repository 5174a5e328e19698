from dataclasses import dataclass

from .models import DtksPeriode, DtksRecord


@dataclass(frozen=True)
class DtksStatus:
    """Whether a NIK is in the latest DTKS extract, and its desil (DTSEN)."""

    terdaftar: bool
    periode: str = ""
    desil: int | None = None

    @property
    def label(self) -> str:
        if not self.periode:
            return "DTKS belum diimpor"
        if not self.terdaftar:
            return f"Tidak terdaftar di DTKS {self.periode}"
        desil = f", desil {self.desil}" if self.desil else ""
        return f"Terdaftar di DTKS {self.periode}{desil}"


def latest_periode() -> DtksPeriode | None:
    return DtksPeriode.objects.order_by("-kode").first()


def dtks_status_for(niks: list[str]) -> dict[str, DtksStatus]:
    """Look up many NIKs in the latest extract with one query."""
    periode = latest_periode()
    if periode is None:
        return {nik: DtksStatus(terdaftar=False) for nik in niks}
    found = dict(
        DtksRecord.objects.filter(periode=periode, nik__in=niks).values_list(
            "nik", "desil"
        )
    )
    return {
        nik: DtksStatus(
            terdaftar=nik in found, periode=periode.kode, desil=found.get(nik)
        )
        for nik in niks
    }
