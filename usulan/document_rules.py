"""Which documents an usulan needs: the office profile's requirements and conditions.

Pure: it reads only the objects it is given (unsaved model instances will do), so
its table tests in tests/rules/test_requirements.py need no database. The reads
live in usulan/requirements.py."""

from collections.abc import Iterable
from dataclasses import dataclass

from kis_portal.offices.choices import BerlakuUntuk, Kategori, Kondisi, Level
from kis_portal.offices.models import DocumentRequirement, OfficeProfile

from .models import Anggota, Dokumen, Usulan

KATEGORI_FOR_KONDISI = {
    Kondisi.PREGNANT: Kategori.HAMIL,
    Kondisi.CHRONIC: Kategori.KRONIS,
    Kondisi.DISABILITY: Kategori.DISABILITAS,
}
LEVELS = (Level.PENGAJUAN, Level.KELUARGA, Level.ANGGOTA)


@dataclass
class RequiredDoc:
    requirement: DocumentRequirement
    anggota: Anggota | None = None
    dokumen: Dokumen | None = None
    received_on_paper: bool = False

    @property
    def level(self) -> str:
        return self.requirement.level

    @property
    def missing(self) -> bool:
        return self.dokumen is None and not self.received_on_paper

    @property
    def label(self) -> str:
        who = f" ({self.anggota.nama})" if self.anggota else ""
        return f"{self.requirement.nama}{who}"

    @property
    def key(self) -> str:
        """Identifies the item for upload forms and verifier notes."""
        suffix = f"-{self.anggota.pk}" if self.anggota else ""
        return f"{self.requirement.kode}{suffix}"


def applies(requirement: DocumentRequirement, *, jenis: str, level: str) -> bool:
    """Whether a requirement is of this level and this kind of usulan (before its condition)."""
    return requirement.level == level and requirement.berlaku_untuk in (
        BerlakuUntuk.ALL,
        jenis,
    )


def holds(
    kondisi: str,
    *,
    usulan: Usulan,
    members: list[Anggota],
    not_in_dtks: set[str],
    profile: OfficeProfile,
) -> bool:
    """Whether a requirement's condition holds for the usulan and these members."""
    if kondisi == Kondisi.ALWAYS:
        return True
    if kondisi == Kondisi.REAKTIVASI_FASKES:
        return usulan.is_reaktivasi and profile.reaktivasi_needs_letter(
            usulan.reaktivasi_alasan
        )
    if kondisi == Kondisi.TRANSFER_MANDIRI:
        return usulan.is_transfer_mandiri
    if kondisi == Kondisi.NOT_DTKS:
        return any(m.nik in not_in_dtks for m in members)
    kategori = KATEGORI_FOR_KONDISI[kondisi]
    return any(m.kategori == kategori for m in members)


def documents_needed(
    usulan: Usulan,
    *,
    profile: OfficeProfile,
    requirements: Iterable[DocumentRequirement],
    members: list[Anggota],
    not_in_dtks: set[str],
    documents: Iterable[Dokumen],
) -> list[RequiredDoc]:
    """Every document the usulan needs now, each with its uploaded file if any.

    `requirements` are the profile's, in its order; `documents` the files uploaded
    for the usulan, its members and its pengajuan."""
    requirements = list(requirements)
    uploaded = {(d.level, d.anggota_id, d.requirement_kode): d for d in documents}
    on_paper = set(usulan.berkas_diterima or [])
    out: list[RequiredDoc] = []
    for level in LEVELS:
        if level == Level.PENGAJUAN and usulan.pengajuan_id is None:
            continue  # counter registrations have no desa cover letter
        for req in requirements:
            if not applies(req, jenis=usulan.jenis, level=level):
                continue
            if level == Level.ANGGOTA:
                for member in members:
                    if holds(
                        req.kondisi,
                        usulan=usulan,
                        members=[member],
                        not_in_dtks=not_in_dtks,
                        profile=profile,
                    ):
                        doc = uploaded.get((level, member.pk, req.kode))
                        out.append(
                            RequiredDoc(
                                req,
                                anggota=member,
                                dokumen=doc,
                                received_on_paper=req.kode in on_paper,
                            )
                        )
            elif holds(
                req.kondisi,
                usulan=usulan,
                members=members,
                not_in_dtks=not_in_dtks,
                profile=profile,
            ):
                out.append(
                    RequiredDoc(
                        req,
                        dokumen=uploaded.get((level, None, req.kode)),
                        received_on_paper=req.kode in on_paper,
                    )
                )
    return out
