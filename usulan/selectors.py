from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kis_portal.accounts.access import operator_desa_id
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from verifikasi.selectors import DtksStatus, dtks_status_for

from .models import Anggota, Usulan
from .requirements import RequiredDoc, required_documents


@dataclass(frozen=True)
class NikConflict:
    """Where a NIK already is: enough to find it, nothing more of another desa's data."""

    nik: str
    desa: str
    status: str
    tanggal: str
    nomor: str  # only filled when the asker may see that usulan

    @property
    def message(self) -> str:
        where = f"usulan {self.nomor}, " if self.nomor else ""
        return (
            f"NIK ini sudah diusulkan ({where}{self.desa}, status: {self.status}, "
            f"tanggal {self.tanggal})."
        )


def nik_conflicts(
    niks: list[str], *, exclude_usulan_id: int | None, user
) -> dict[str, NikConflict]:
    """Open or enrolled usulan holding any of `niks`, keyed by NIK."""
    qs = Anggota.objects.filter(nik__in=niks, aktif=True).select_related("usulan__desa")
    if exclude_usulan_id:
        qs = qs.exclude(usulan_id=exclude_usulan_id)
    own_desa = operator_desa_id(user)
    out = {}
    for member in qs:
        usulan = member.usulan
        visible = own_desa is None or usulan.desa_id == own_desa
        out[member.nik] = NikConflict(
            nik=member.nik,
            desa=str(usulan.desa),
            status=usulan.get_status_display(),
            tanggal=usulan.created_at.strftime("%d-%m-%Y"),
            nomor=usulan.nomor if visible else "",
        )
    return out


def usulan_members(usulan: Usulan) -> list[Anggota]:
    return list(usulan.anggota_set.all())


def dtks_for_members(members: list[Anggota]) -> dict[str, DtksStatus]:
    return dtks_status_for([m.nik for m in members])


@dataclass
class UsulanReview:
    """Everything the detail page and the submit check need, computed once."""

    usulan: Usulan
    members: list[Anggota]
    dtks: dict[str, DtksStatus]
    profile: OfficeProfile | None
    docs: list[RequiredDoc]

    @property
    def missing(self) -> list[str]:
        """Everything that stops the usulan from being submitted, in Indonesian."""
        usulan, members, profile = self.usulan, self.members, self.profile
        out: list[str] = []
        if not members:
            out.append("Belum ada anggota keluarga yang diusulkan.")
        out.extend(
            f"Dokumen belum diunggah: {d.label}." for d in self.docs if d.missing
        )
        if (
            profile
            and profile.wajib_no_hp
            and not usulan.telepon
            and not any(m.telepon for m in members)
        ):
            out.append("Nomor HP wajib diisi (keluarga atau anggota).")
        if profile and profile.wajib_faskes:
            out.extend(
                f"Faskes belum dipilih untuk {m.nama}."
                for m in members
                if not m.kode_faskes
            )
        return out


def review_usulan(usulan: Usulan) -> UsulanReview:
    members = usulan_members(usulan)
    dtks = dtks_for_members(members)
    profile = get_active_profile()
    docs = required_documents(
        usulan,
        profile=profile,
        not_in_dtks={nik for nik, status in dtks.items() if not status.terdaftar},
        members=members,
    )
    return UsulanReview(
        usulan=usulan, members=members, dtks=dtks, profile=profile, docs=docs
    )


def documents_for(usulan: Usulan) -> list[RequiredDoc]:
    return review_usulan(usulan).docs


def missing_items(usulan: Usulan) -> list[str]:
    return review_usulan(usulan).missing


def status_counts(qs: QuerySet[Usulan]) -> dict[str, int]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Usulan.Status.values}


def usulan_list(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """List rows with their member count and first member's name in the same query."""
    return qs.annotate(
        jumlah_anggota=Count("anggota_set", distinct=True),
    ).select_related("desa__kecamatan", "pengajuan")


def search_usulan(qs: QuerySet[Usulan], term: str) -> QuerySet[Usulan]:
    term = term.strip()
    if not term:
        return qs
    digits = term.replace(" ", "")
    if digits.isdigit() and len(digits) >= 6:
        return qs.filter(
            Q(no_kk__startswith=digits) | Q(anggota_set__nik__startswith=digits)
        ).distinct()
    return qs.filter(
        Q(nomor__iexact=term)
        | Q(anggota_set__nama__icontains=term)
        | Q(alamat__icontains=term)
    ).distinct()
