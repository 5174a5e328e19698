"""Who signs an office document, read from the office profile.

The head of office signs unless the profile names a delegate for that document,
who signs "a.n." (atas nama) the head with their own name and position. A name
the profile lacks is printed as a blank line to fill by hand, never replaced by
the name of whoever clicked the button.
"""

from dataclasses import dataclass

from .choices import DokumenTtd
from .models import OfficeProfile


@dataclass(frozen=True)
class Ttd:
    """The lines of one signature block."""

    jabatan: str
    nama: str = ""
    nip: str = ""
    pangkat: str = ""
    atas_nama: str = ""  # "a.n. Kepala Dinas Sosial ..." above a delegate's position

    @property
    def lengkap(self) -> bool:
        return bool(self.nama and self.nip)


def kepala(profile: OfficeProfile | None, *, fallback_nama: str = "") -> Ttd:
    """The head of office's block; `fallback_nama` only for the head's own acts."""
    if profile is None:
        return Ttd(jabatan="Kepala Dinas", nama=fallback_nama)
    return Ttd(
        jabatan=profile.kepala_jabatan_lengkap,
        nama=profile.kepala_nama or fallback_nama,
        nip=profile.kepala_nip,
        pangkat=profile.kepala_pangkat,
    )


def penandatangan(profile: OfficeProfile | None, dokumen: str) -> Ttd:
    """Who signs `dokumen` (a DokumenTtd): the profile's delegate, else the head."""
    if profile is None:
        return kepala(None)
    delegate = next(
        (d for d in profile.penandatangan.all() if d.dokumen == dokumen), None
    )
    if delegate is None:
        return kepala(profile)
    return Ttd(
        atas_nama=f"a.n. {profile.kepala_jabatan_lengkap}",
        jabatan=delegate.jabatan,
        nama=delegate.nama,
        nip=delegate.nip,
        pangkat=delegate.pangkat,
    )


def profile_warnings(profile: OfficeProfile) -> list[str]:
    """What a signed document of this profile would print as a blank line."""
    warnings = []
    if not profile.kepala_nama:
        warnings.append(
            "Nama Kepala Dinas kosong: surat, SK dan laporan dicetak dengan garis "
            "kosong untuk nama penanda tangan."
        )
    if not profile.kepala_nip:
        warnings.append("NIP Kepala Dinas kosong: dicetak sebagai garis kosong.")
    delegated = {d.dokumen for d in profile.penandatangan.all()}
    for dokumen in DokumenTtd:
        if dokumen not in delegated and not profile.kepala_nama:
            warnings.append(f"{dokumen.label}: belum ada penanda tangan.")
    if profile.sk_penetapan and not profile.sk_mengingat.strip():
        warnings.append(
            "SK penetapan diterbitkan tetapi dasar hukum (mengingat) belum diisi."
        )
    return warnings
