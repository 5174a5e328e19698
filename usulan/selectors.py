from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from dtks.models import UsulanSiksng
from dtks.selectors import (
    DesilMatch,
    DtksStatus,
    desil_for_members,
    dtks_status_for,
    held_for_siksng,
    siksng_for,
)
from kis_portal.offices.desil import AturanDesil, DesilRekap, aturan_table
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile

from .access import usulan_for_user
from .models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Anggota, Pengembalian, Usulan
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

    @cached_property
    def desil(self) -> dict[int, DesilMatch]:
        """member pk -> desil match in the latest DTSEN ranking (one query)."""
        return member_desil(self.usulan.anggota_set.all())

    @cached_property
    def aturan(self) -> list[AturanDesil]:
        return aturan_table(self.profile)

    @cached_property
    def siksng(self) -> dict[str, UsulanSiksng]:
        return siksng_for([m.nik for m in self.members])

    def desil_rows(self) -> dict[int, "MemberDesil"]:
        """member pk -> desil, its meaning under the rule table, the SIKS-NG record."""
        return {
            m.pk: MemberDesil(
                match=self.desil.get(m.pk, DesilMatch()),
                aturan=self.desil.get(m.pk, DesilMatch()).aturan(self.aturan),
                siksng=self.siksng.get(m.nik),
            )
            for m in self.members
        }

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


@dataclass(frozen=True)
class MemberDesil:
    """What the detail page and the checklist show of one member's DTSEN desil."""

    match: DesilMatch
    aturan: AturanDesil
    siksng: UsulanSiksng | None

    @property
    def apbd_boleh(self) -> bool:
        """APBD may pay for this member: not routed to SIKS-NG, or refused there."""
        return not self.aturan.siks_ng or (
            self.siksng is not None and self.siksng.hasil == UsulanSiksng.Hasil.DITOLAK
        )


def member_desil(members: QuerySet[Anggota]) -> dict[int, DesilMatch]:
    """member pk -> desil match (dtks.selectors), for these members' households."""
    return desil_for_members(members, household="usulan_id", no_kk="usulan__no_kk")


def held_for_siksng_ids(members: QuerySet[Anggota], profile) -> set[int]:
    """Members the APBD batch holds back for SIKS-NG, as the profile says.

    Nobody when the profile ignores the desil; never an urgent patient (lane
    darurat). The match looks at every member of the candidates' households.
    """
    if profile is None or profile.desil_di_rekap != DesilRekap.TAHAN:
        return set()
    households = Anggota.objects.filter(usulan__in=members.values("usulan_id")).exclude(
        usulan__jalur=Usulan.Jalur.DARURAT
    )
    held = held_for_siksng(
        households, profile, household="usulan_id", no_kk="usulan__no_kk"
    )
    return held


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
    return status_counts_and_total(qs)[0]


def status_counts_and_total(qs: QuerySet[Usulan]) -> tuple[dict[str, int], int]:
    """The number of usulan of each status, and of all of them, in one query."""
    # COUNT(*), not COUNT(id): the (desa, status, ...) index alone answers it.
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("*")))
    return (
        {status: counts.get(status, 0) for status in Usulan.Status.values},
        sum(counts.values()),
    )


def usulan_list(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """List rows with their member count and first member's name in the same query."""
    head = Anggota.objects.filter(usulan=OuterRef("pk")).order_by(
        # The head of the family when there is one, else the first member typed.
        Case(When(shdk=Anggota.Shdk.KEPALA, then=0), default=1),
        "pk",
    )
    return (
        qs.annotate(
            jumlah_anggota=member_count(),
            nama_kepala=Subquery(head.values("nama")[:1]),
        )
        .select_related(None)
        .select_related("desa")
        # Only what the list shows: a page is read and built 25 rows at a time.
        .only("nomor", "no_kk", "jenis", "status", "created_at", "desa__nama")
    )


def member_count() -> Coalesce:
    """An usulan's number of members, as a subquery per row (no GROUP BY over
    the row's joined columns)."""
    members = (
        Anggota.objects.filter(usulan=OuterRef("pk"))
        .order_by()
        .values("usulan")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(members), 0)


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


def _plain(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def usulan_snapshot(usulan: Usulan, review: UsulanReview | None = None) -> dict:
    """What the usulan holds now, as JSON: kept when it is returned to the desa."""
    review = review or review_usulan(usulan)
    return {
        "keluarga": {f: _plain(getattr(usulan, f)) for f in HOUSEHOLD_FIELDS},
        "anggota": {
            str(m.pk): {f: _plain(getattr(m, f)) for f in MEMBER_FIELDS}
            for m in review.members
        },
        "dokumen": {
            doc.key: {"label": doc.label, "sha256": doc.dokumen.sha256}
            for doc in review.docs
            if doc.dokumen is not None
        },
    }


def _shown(model, field: str, raw: str) -> str:
    """A stored value as the operator knows it: a choice's label, a date d-m-Y."""
    if not raw:
        return "(kosong)"
    choices = dict(model._meta.get_field(field).choices or [])
    if raw in choices:
        return str(choices[raw])
    if field == "tanggal_lahir" and len(raw) == 10:
        year, month, day = raw.split("-")
        return f"{day}-{month}-{year}"
    return raw


def _label(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


def _field_changes(model, before: dict, after: dict) -> list[str]:
    return [
        f"{_label(model, f)}: {_shown(model, f, before.get(f, ''))}"
        f" → {_shown(model, f, after[f])}"
        for f in after
        if before.get(f, "") != after[f]
    ]


@dataclass
class Perubahan:
    """What the desa changed since the usulan was last returned, and its answer."""

    putaran: int
    dikembalikan_at: object
    balasan: str
    keluarga: list[str]
    anggota: list[str]
    dokumen: list[str]
    dokumen_diganti: set[str]
    anggota_diubah: set[int] = field(default_factory=set)

    @property
    def data_diubah(self) -> bool:
        return bool(self.keluarga or self.anggota)

    @property
    def ada_perubahan(self) -> bool:
        return bool(self.keluarga or self.anggota or self.dokumen)

    @property
    def boleh_diajukan_ulang(self) -> bool:
        """Something fixed, or the verifier's note answered."""
        return self.ada_perubahan or bool(self.balasan.strip())


def changes_since_return(
    usulan: Usulan, review: UsulanReview | None = None
) -> Perubahan | None:
    """The difference between the usulan now and when it was last returned.

    None when it was never returned (or returned before returns were recorded).
    """
    last = usulan.pengembalian_set.order_by("-putaran").first()
    if last is None:
        return None
    review = review or review_usulan(usulan)
    now = usulan_snapshot(usulan, review)
    then = last.isi or {}
    keluarga = _field_changes(Usulan, then.get("keluarga", {}), now["keluarga"])
    anggota: list[str] = []
    anggota_diubah: set[int] = set()
    before_members = then.get("anggota", {})
    for pk, fields in now["anggota"].items():
        if pk not in before_members:
            anggota.append(f"Anggota ditambahkan: {fields['nama']}")
            anggota_diubah.add(int(pk))
            continue
        lines = _field_changes(Anggota, before_members[pk], fields)
        anggota.extend(f"{fields['nama']} · {line}" for line in lines)
        if lines:
            anggota_diubah.add(int(pk))
    anggota.extend(
        f"Anggota dihapus: {fields.get('nama', '')}"
        for pk, fields in before_members.items()
        if pk not in now["anggota"]
    )
    before_docs = then.get("dokumen", {})
    diganti = {
        key
        for key, doc in now["dokumen"].items()
        if key in before_docs and before_docs[key]["sha256"] != doc["sha256"]
    }
    baru = {key for key in now["dokumen"] if key not in before_docs}
    dokumen = [
        f"{now['dokumen'][key]['label']}: "
        + ("diganti" if key in diganti else "diunggah")
        for key in now["dokumen"]
        if key in diganti or key in baru
    ]
    return Perubahan(
        putaran=last.putaran,
        dikembalikan_at=last.created_at,
        balasan=last.balasan,
        keluarga=keluarga,
        anggota=anggota,
        dokumen=dokumen,
        dokumen_diganti=diganti | baru,
        anggota_diubah=anggota_diubah,
    )


@dataclass(frozen=True)
class SalinanAnggota:
    """One person as a return's snapshot holds them: their own part and their
    household's, never the other members'."""

    pengembalian: Pengembalian
    keluarga: list[tuple[str, str]]  # (label, value as the operator knows it)
    anggota: list[tuple[str, str]]
    masih_sama: bool  # the member is still on the usulan with this NIK


def _labelled(model, values: dict, fields) -> list[tuple[str, str]]:
    return [
        (_label(model, f), _shown(model, f, values[f])) for f in fields if values.get(f)
    ]


def snapshots_holding(nik: str) -> list[SalinanAnggota]:
    """Every snapshot kept when an usulan was returned that holds this NIK.

    Snapshots are history: a member the desa later corrected or removed is still
    in them, so a data-subject request must show them too."""
    rows = list(
        Pengembalian.objects.annotate(teks=Cast("isi", output_field=TextField()))
        .filter(teks__contains=nik)  # narrows; the NIK is matched exactly below
        .select_related("usulan")
        .order_by("created_at", "pk")
    )
    found = [
        (row, pk, fields)
        for row in rows
        for pk, fields in (row.isi or {}).get("anggota", {}).items()
        if fields.get("nik") == nik
    ]
    still = set(
        Anggota.objects.filter(
            pk__in=[int(pk) for _, pk, _ in found], nik=nik
        ).values_list("pk", flat=True)
    )
    return [
        SalinanAnggota(
            pengembalian=row,
            keluarga=_labelled(Usulan, row.isi.get("keluarga", {}), HOUSEHOLD_FIELDS),
            anggota=_labelled(Anggota, fields, MEMBER_FIELDS),
            masih_sama=int(pk) in still,
        )
        for row, pk, fields in found
    ]


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
