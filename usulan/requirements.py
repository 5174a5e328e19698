"""Which documents an usulan needs, from the active office profile's conditions."""

from dataclasses import dataclass

from django.db.models import Q

from kis_portal.offices.choices import Kategori, Kondisi, Level
from kis_portal.offices.models import DocumentRequirement, OfficeProfile

from .models import Anggota, Dokumen, Usulan

KATEGORI_FOR_KONDISI = {
    Kondisi.PREGNANT: Kategori.HAMIL,
    Kondisi.CHRONIC: Kategori.KRONIS,
    Kondisi.DISABILITY: Kategori.DISABILITAS,
}


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


def _holds(
    kondisi: str,
    *,
    usulan: Usulan,
    members: list[Anggota],
    not_in_dtks: set[str],
    profile: OfficeProfile,
) -> bool:
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


def required_documents(
    usulan: Usulan,
    *,
    profile: OfficeProfile | None,
    not_in_dtks: set[str],
    members: list[Anggota] | None = None,
) -> list[RequiredDoc]:
    """Every document the usulan needs now, each with its uploaded file if any."""
    if profile is None:
        return []
    members = list(usulan.anggota_set.all()) if members is None else members
    uploaded = {
        (d.level, d.anggota_id, d.requirement_kode): d
        for d in _documents_of(usulan, members)
    }
    on_paper = set(usulan.berkas_diterima or [])
    out: list[RequiredDoc] = []
    for level in (Level.PENGAJUAN, Level.KELUARGA, Level.ANGGOTA):
        if level == Level.PENGAJUAN and usulan.pengajuan_id is None:
            continue  # counter registrations have no desa cover letter
        for req in profile.requirements_for(jenis=usulan.jenis, level=level):
            if level == Level.ANGGOTA:
                for member in members:
                    if _holds(
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
            elif _holds(
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


def _documents_of(usulan: Usulan, members: list[Anggota]) -> list[Dokumen]:
    query = Q(usulan=usulan) | Q(anggota__in=[m.pk for m in members])
    if usulan.pengajuan_id:
        query |= Q(pengajuan_id=usulan.pengajuan_id)
    return list(Dokumen.objects.filter(query).select_related("uploaded_by"))
