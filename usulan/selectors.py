from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from dtks.selectors import DtksStatus, dtks_status_for
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile

from .access import usulan_for_user
from .models import Anggota, Usulan
from .reaktivasi import judged_on, window
from .requirements import RequiredDoc, required_documents


@dataclass(frozen=True)
class NikConflict:
    """Where a NIK already is. Only an asker who may open that usulan learns which."""

    nik: str
    visible: bool  # the asker may open the usulan holding the NIK
    nomor: str
    desa: str
    status: str
    tanggal: str

    @property
    def message(self) -> str:
        if not self.visible:
            return NIK_ELSEWHERE
        return (
            f"NIK ini sudah diusulkan (usulan {self.nomor}, {self.desa}, status: "
            f"{self.status}, tanggal {self.tanggal})."
        )


# Told to whoever may not see the other usulan: nothing of another desa's data,
# whom to ask instead.
NIK_ELSEWHERE = (
    "NIK ini sudah diusulkan melalui desa/kelurahan lain atau loket Dinas Sosial. "
    "Warga tidak dapat diusulkan dua kali; bila warga sudah pindah ke desa Anda, "
    "hubungi Dinas Sosial."
)


def nik_conflicts(
    niks: list[str], *, exclude_usulan_id: int | None, user
) -> dict[str, NikConflict]:
    """Open or enrolled usulan holding any of `niks`, keyed by NIK."""
    qs = Anggota.objects.filter(nik__in=niks, aktif=True).select_related("usulan__desa")
    if exclude_usulan_id:
        qs = qs.exclude(usulan_id=exclude_usulan_id)
    members = list(qs)
    if not members:
        return {}
    visible = set(
        usulan_for_user(user)
        .filter(pk__in={m.usulan_id for m in members})
        .values_list("pk", flat=True)
    )
    return {
        m.nik: NikConflict(
            nik=m.nik,
            visible=m.usulan_id in visible,
            nomor=m.usulan.nomor,
            desa=str(m.usulan.desa),
            status=m.usulan.get_status_display(),
            tanggal=timezone.localtime(m.usulan.created_at).strftime("%d-%m-%Y"),
        )
        for m in members
    }


def member_niks(usulan_id: int | None) -> set[str]:
    """The NIKs already saved in this usulan (known to whoever edits it)."""
    if not usulan_id:
        return set()
    return set(
        Anggota.objects.filter(usulan_id=usulan_id).values_list("nik", flat=True)
    )


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
    head = Anggota.objects.filter(usulan=OuterRef("pk")).order_by(
        # The head of the family when there is one, else the first member typed.
        Case(When(shdk=Anggota.Shdk.KEPALA, then=0), default=1),
        "pk",
    )
    return qs.annotate(
        jumlah_anggota=Count("anggota_set", distinct=True),
        nama_kepala=Subquery(head.values("nama")[:1]),
    ).select_related("desa__kecamatan", "pengajuan")


def usulan_label(usulan: Usulan) -> str:
    """ "U-2026-0001 (I MADE SUKERTA)": messages name the family, not only a number."""
    head = (
        usulan.anggota_set.order_by(
            Case(When(shdk=Anggota.Shdk.KEPALA, then=0), default=1), "pk"
        )
        .values_list("nama", flat=True)
        .first()
    )
    return f"{usulan.nomor} ({head})" if head else usulan.nomor


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


def reaktivasi_window(usulan: Usulan):
    """The reactivation's window check as the Dinas Sosial judges it: on the day
    the usulan was first submitted, or today before that; None when the
    usulan is not a reactivation."""
    if not usulan.is_reaktivasi or usulan.reaktivasi_nonaktif_sejak is None:
        return None
    return window(
        usulan.reaktivasi_nonaktif_sejak,
        profile=get_active_profile(),
        today=judged_on(usulan),
    )
