"""The verifier's checklist for one usulan: documents from the profile, data checks."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from kis_portal.identifiers import check_nik_matches, validate_kk, validate_nik
from usulan.checks import nik_region_warning
from usulan.darurat import KK, KTP, SURAT, berkas_status, papers_overdue
from usulan.models import Anggota, Usulan
from usulan.reaktivasi import Jendela
from usulan.selectors import (
    MemberDesil,
    UsulanReview,
    reaktivasi_window,
    review_usulan,
)

# Reasons the office writes most often (docs/domain.md, "Office procedures"): picked
# from a list or typed.
COMMON_REASONS = [
    "Dokumen tidak terbaca/buram",
    "Dokumen bukan milik anggota ini",
    "SKTM belum bermeterai",
    "SKTM belum ditandatangani/dicap Perbekel/Lurah",
    "KK bukan terbaru",
    "Nama tidak sesuai KK",
    "NIK tidak sesuai e-KTP",
    "Surat riwayat sakit tidak dari faskes",
    "Dokumen kedaluwarsa",
]


@dataclass
class ChecklistItem:
    key: str
    label: str
    anggota: Anggota | None = None
    dokumen: object = None
    must_be_stamped: bool = False
    on_paper: bool = False


@dataclass
class DataCheck:
    label: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Checklist:
    review: UsulanReview
    items: list[ChecklistItem]
    data_checks: list[DataCheck]
    duplicates: list[str]
    # (member, desil and its meaning under the office's rule table)
    desil: list[tuple[Anggota, MemberDesil]] = field(default_factory=list)
    # A reactivation's window check (judged on the submission day): past the
    # window is not a refusal, the verifier decides (usulan/reaktivasi.py).
    reaktivasi: Jendela | None = None

    @property
    def usulan(self) -> Usulan:
        return self.review.usulan


def _darurat_items(usulan: Usulan, members: list[Anggota]) -> list[ChecklistItem]:
    """An urgent case's papers: the faskes letter always; the KK and KTP once they
    are there, and required once the profile's window for them has passed."""
    papers = berkas_status(usulan)
    overdue = papers_overdue(usulan)
    items = [
        ChecklistItem(
            key="surat_faskes", label=SURAT[1], dokumen=papers["surat_faskes"]
        )
    ]
    if papers["kk"] or overdue:
        items.append(ChecklistItem(key="kk", label=KK[1], dokumen=papers["kk"]))
    member = members[0] if members else None
    if member is not None and (papers["ktp"] or overdue):
        items.append(
            ChecklistItem(
                key=f"ktp-{member.pk}",
                label=f"{KTP[1]} ({member.nama})",
                anggota=member,
                dokumen=papers["ktp"],
            )
        )
    return items


def build_checklist(usulan: Usulan) -> Checklist:
    review = review_usulan(usulan)
    if usulan.jalur == Usulan.Jalur.DARURAT and hasattr(usulan, "darurat"):
        items = _darurat_items(usulan, review.members)
        items.append(ChecklistItem(key="data", label="Isian formulir (data pasien)"))
        return Checklist(
            review=review,
            items=items,
            data_checks=_data_checks(usulan, review.members),
            duplicates=_possible_duplicates(usulan, review.members),
        )
    items = [
        ChecklistItem(
            key=doc.key,
            label=doc.label,
            anggota=doc.anggota,
            dokumen=doc.dokumen,
            must_be_stamped=doc.requirement.bermeterai,
            on_paper=doc.received_on_paper,
        )
        for doc in review.docs
    ]
    # The data itself is an item too: a wrong name or NIK is returned like a document.
    items.append(
        ChecklistItem(key="data", label="Isian formulir (data keluarga dan anggota)")
    )
    desil = review.desil_rows()
    data_checks = _data_checks(usulan, review.members)
    for check, member in zip(data_checks[1:], review.members, strict=True):
        check.warnings.extend(_desil_warnings(desil[member.pk]))
    return Checklist(
        review=review,
        items=items,
        data_checks=data_checks,
        duplicates=_possible_duplicates(usulan, review.members),
        desil=[(m, desil[m.pk]) for m in review.members],
        reaktivasi=reaktivasi_window(usulan),
    )


def _desil_warnings(row: MemberDesil) -> list[str]:
    """What the rule table asks the verifier to look at for one member."""
    if row.aturan.siks_ng and not row.apbd_boleh:
        state = (
            row.siksng.get_hasil_display().lower()
            if row.siksng
            else "belum dicatat diusulkan"
        )
        return [
            f"{row.match.label}: {row.aturan.arti} (SIKS-NG: {state}). Rekap APBD "
            "menahannya bila profil kantor mengatur begitu."
        ]
    if not row.match.cocok and row.match.cara:
        return [row.match.alasan]
    return []


def _data_checks(usulan: Usulan, members: list[Anggota]) -> list[DataCheck]:
    """The intake rules re-run: data may have been imported or edited since."""
    checks = []
    household = DataCheck(label=f"No. KK {usulan.no_kk}")
    try:
        validate_kk(usulan.no_kk)
    except ValidationError as exc:
        household.problems.extend(exc.messages)
    checks.append(household)
    for member in members:
        check = DataCheck(label=member.nama)
        try:
            validate_nik(member.nik)
        except ValidationError as exc:
            check.problems.extend(exc.messages)
        else:
            check.problems.extend(
                check_nik_matches(
                    member.nik, member.tanggal_lahir, member.jenis_kelamin
                ).values()
            )
            warning = nik_region_warning(member.nik, usulan.desa)
            if warning:
                check.warnings.append(warning)
        checks.append(check)
    return checks


def _possible_duplicates(usulan: Usulan, members: list[Anggota]) -> list[str]:
    """Same person proposed elsewhere under another NIK, or the same KK twice."""
    out = []
    others = Usulan.objects.exclude(pk=usulan.pk).exclude(status=Usulan.Status.DITOLAK)
    for other in others.filter(no_kk=usulan.no_kk).select_related("desa")[:5]:
        out.append(
            f"No. KK yang sama ada di usulan {other.nomor} ({other.desa}, {other.get_status_display()})."
        )
    for member in members:
        same = (
            Anggota.objects.filter(
                aktif=True, nama=member.nama, tanggal_lahir=member.tanggal_lahir
            )
            .exclude(usulan=usulan)
            .select_related("usulan__desa")
            .first()
        )
        if same:
            out.append(
                f"{member.nama} (lahir {member.tanggal_lahir:%d-%m-%Y}) juga ada di usulan "
                f"{same.usulan.nomor} ({same.usulan.desa}) dengan NIK lain."
            )
    return out
