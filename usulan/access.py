"""Every usulan reaches a view through these: scoped by role and area first."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.accounts.models import UserProfile
from kis_portal.roles import Role, faskes_kode, has_role, operator_desa_id

from .models import Anggota, Dokumen, Pengajuan, Usulan

# Roles that see every usulan of the regency (the verifier may be narrowed to kecamatan).
READ_ALL_ROLES = (
    Role.LOKET,
    Role.VERIFIKATOR,
    Role.KADIS,
    Role.REKAP,
    Role.DISTRIBUSI,
    Role.ADMIN,
)
# Who prints an usulan's receipt (tanda terima), whatever its channel.
RECEIPT_ROLES = (Role.LOKET, Role.VERIFIKATOR, Role.ADMIN, Role.OPERATOR_DESA)


def _verifier_kecamatan_ids(user) -> list[int]:
    """A verifier narrowed to some kecamatan; [] means the whole regency."""
    if not has_role(user, Role.VERIFIKATOR) or has_role(user, Role.ADMIN, Role.KADIS):
        return []
    # Straight from the assignment table: one query, the profile row is not needed.
    assigned = UserProfile.kecamatan.through.objects.filter(userprofile__user=user)
    return list(assigned.values_list("kecamatan_id", flat=True))


def usulan_for_user(user) -> QuerySet[Usulan]:
    qs = Usulan.objects.select_related("desa__kecamatan")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(desa_id=desa_id)
    if (kode := faskes_kode(user)) is not None:
        # A faskes user: the urgent cases its own faskes submitted, nothing else.
        return qs.filter(sumber=Usulan.Sumber.FASKES, darurat__kode_faskes=kode)
    if not has_role(user, *READ_ALL_ROLES):
        return qs.none()
    if kecamatan_ids := _verifier_kecamatan_ids(user):
        return qs.filter(desa__kecamatan_id__in=kecamatan_ids)
    return qs


def get_usulan_for_user(user, pk: int) -> Usulan:
    return get_object_or_404(usulan_for_user(user), pk=pk)


def pengajuan_for_user(user) -> QuerySet[Pengajuan]:
    qs = Pengajuan.objects.select_related("desa__kecamatan")
    if not getattr(user, "is_authenticated", False) or faskes_kode(user) is not None:
        return qs.none()
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return qs.filter(desa_id=desa_id)
    if not has_role(user, *READ_ALL_ROLES):
        return qs.none()
    if kecamatan_ids := _verifier_kecamatan_ids(user):
        return qs.filter(desa__kecamatan_id__in=kecamatan_ids)
    return qs


def get_anggota_for_user(
    user, usulan_pk: int, anggota_pk: int
) -> tuple[Usulan, Anggota]:
    """A member of an usulan the user may open (404 otherwise, as for none)."""
    usulan = get_usulan_for_user(user, usulan_pk)
    return usulan, get_object_or_404(usulan.anggota_set, pk=anggota_pk)


def get_pengajuan_for_user(user, pk: int) -> Pengajuan:
    return get_object_or_404(pengajuan_for_user(user), pk=pk)


def get_dokumen_for_user(user, pk: int) -> Dokumen:
    """A document is visible exactly when its pengajuan/usulan is."""
    doc = get_object_or_404(Dokumen.objects.select_related("anggota"), pk=pk)
    if doc.pengajuan_id:
        get_pengajuan_for_user(user, doc.pengajuan_id)
    else:
        get_usulan_for_user(user, doc.usulan_id or doc.anggota.usulan_id)
    return doc


def can_edit(user, usulan: Usulan) -> bool:
    """The desa operator edits its own drafts and returned usulan; the counter its own."""
    if not usulan.is_editable_by_desa:
        return False
    if has_role(user, Role.OPERATOR_DESA):
        # Counter registrations belong to the counter, even in the operator's desa.
        return (
            usulan.sumber == Usulan.Sumber.DESA
            and usulan.desa_id == operator_desa_id(user)
        )
    if has_role(user, Role.LOKET):
        return usulan.sumber == Usulan.Sumber.LOKET
    return False


def darurat_for_user(user) -> QuerySet[Usulan]:
    """Urgent cases (jalur darurat) the user may follow, newest first: a faskes user
    its own faskes's, a desa operator its desa's, staff every one in their area."""
    return (
        usulan_for_user(user)
        .filter(sumber=Usulan.Sumber.FASKES, darurat__isnull=False)
        .select_related("darurat")
        .order_by("-submitted_at", "-pk")
    )


def get_darurat_for_user(user, pk: int) -> Usulan:
    return get_object_or_404(darurat_for_user(user), pk=pk)
