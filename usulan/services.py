"""Writes of the usulan stage: create, edit, documents, submit, return, reject."""

import datetime
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.offices.choices import JenisUsulan, Level
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, require_role
from kis_portal.uploads import check_upload
from kis_portal.wilayah.models import Desa

from .checks import household_errors, member_errors, members_together_errors
from .models import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    Anggota,
    Catatan,
    Dokumen,
    Pengajuan,
    Pengembalian,
    Usulan,
)
from .reaktivasi import lane_for
from .selectors import changes_since_return, review_usulan, usulan_snapshot
from .workflow import USULAN

logger = logging.getLogger(__name__)


class StaleEdit(ValidationError):
    """Someone else saved the usulan since this form was opened."""


class IncompleteUsulan(ValidationError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("Usulan belum lengkap.", code="incomplete")
        self.missing = missing


NOTHING_FIXED = (
    "Belum ada yang diperbaiki sejak usulan dikembalikan. Perbaiki data atau "
    "dokumen sesuai catatan verifikator, atau tulis tanggapan untuk verifikator "
    "bila menurut Anda sudah benar, lalu ajukan ulang."
)


class NothingFixed(IncompleteUsulan):
    """A returned usulan resubmitted with no change and no answer to the note."""

    def __init__(self) -> None:
        super().__init__([NOTHING_FIXED])


@transaction.atomic
def pengajuan_create(
    *, desa: Desa, by, nomor_surat: str = "", tanggal_surat=None, keterangan: str = ""
) -> Pengajuan:
    pengajuan = Pengajuan(
        desa=desa,
        nomor_surat=nomor_surat,
        tanggal_surat=tanggal_surat,
        keterangan=keterangan,
        created_by=by,
    )
    pengajuan.full_clean()
    pengajuan.save()
    audit_record(action=AuditEvent.Action.CREATE, by=by, target=pengajuan)
    return pengajuan


def pengajuan_current(*, desa: Desa, by) -> Pengajuan:
    """The pengajuan a new draft joins: the desa's open one of this month, else a new one.

    Open: it holds drafts, or nothing yet. An earlier month's pengajuan is never
    joined, even with drafts left in it: its cover letter (surat pengantar) is
    dated and numbered for that month and must not cover a later household.
    """
    today = timezone.localdate()
    month_start = datetime.datetime(
        today.year, today.month, 1, tzinfo=timezone.get_current_timezone()
    )
    this_month = Pengajuan.objects.filter(desa=desa, created_at__gte=month_start)
    open_one = (
        this_month.filter(usulan_set__status=Usulan.Status.DRAFT)
        .order_by("-created_at", "-pk")
        .first()
    ) or this_month.filter(usulan_set__isnull=True).order_by(
        "-created_at", "-pk"
    ).first()
    if open_one:
        return open_one
    month = today.strftime("%m/%Y")
    return pengajuan_create(desa=desa, by=by, keterangan=f"Pengajuan bulan {month}")


def _check_members(usulan_id: int | None, members: list[dict], *, user) -> None:
    errors: dict[str, list] = {}
    live = [m for m in members if not m.get("DELETE")]
    for index, nik_error in members_together_errors(
        [m.get("nik") for m in live], exclude_usulan_id=usulan_id, user=user
    ).items():
        errors.setdefault(f"anggota-{index}", []).append(nik_error)
    for index, member in enumerate(live):
        for message in member_errors(member).values():
            errors.setdefault(f"anggota-{index}", []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def usulan_save(
    *,
    usulan: Usulan | None,
    household: dict,
    members: list[dict],
    by,
    desa: Desa | None = None,
    sumber: str = Usulan.Sumber.DESA,
    pengajuan: Pengajuan | None = None,
    client_token: uuid.UUID | None = None,
    version: int | None = None,
) -> Usulan:
    """Create or edit a household and its members, all or nothing.

    A repeated create with the same form token returns the first usulan (double
    click, second tab); an edit based on an old version is refused (two staff).
    """
    if usulan is None:
        if client_token and (
            existing := Usulan.objects.filter(
                client_token=client_token, created_by=by
            ).first()
        ):
            return existing
        usulan = Usulan(
            desa=desa,
            sumber=sumber,
            pengajuan=pengajuan,
            created_by=by,
            client_token=client_token,
        )
        action = AuditEvent.Action.CREATE
    else:
        locked = Usulan.objects.select_for_update().get(pk=usulan.pk)
        if version is not None and locked.version != version:
            raise StaleEdit(
                "Usulan ini baru saja diubah oleh pengguna lain. Muat ulang halaman untuk "
                "melihat perubahan terbaru; isian Anda belum disimpan.",
                code="stale",
            )
        if not locked.is_editable_by_desa:
            raise ValidationError(
                "Usulan yang sudah diajukan tidak dapat diubah.", code="locked"
            )
        usulan = locked
        action = AuditEvent.Action.UPDATE

    errors = household_errors(household)
    if errors:
        raise ValidationError(errors)
    for field in HOUSEHOLD_FIELDS:
        if field in household:
            setattr(usulan, field, household[field] or "")
    if "tanpa_kabar_hp" in household:
        usulan.tanpa_kabar_hp = bool(household["tanpa_kabar_hp"])
    if "reaktivasi_nonaktif_sejak" in household:
        usulan.reaktivasi_nonaktif_sejak = household["reaktivasi_nonaktif_sejak"]
    if not usulan.reaktivasi_alasan:
        usulan.reaktivasi_nonaktif_sejak = None
        usulan.reaktivasi_keterangan = ""
    usulan.jalur = lane_for(usulan, profile=get_active_profile())
    usulan.full_clean(exclude=["client_token"])
    if usulan.pk:
        usulan.version = F("version") + 1
    try:
        with transaction.atomic():
            usulan.save()
    except IntegrityError as exc:
        if client_token and (
            existing := Usulan.objects.filter(
                client_token=client_token, created_by=by
            ).first()
        ):
            return existing
        raise ValidationError("Usulan tidak dapat disimpan.", code="integrity") from exc
    usulan.refresh_from_db(fields=["version"])

    _check_members(usulan.pk, members, user=by)
    members = _household_noka_to_holder(usulan, members)
    existing_members = {m.pk: m for m in usulan.anggota_set.all()}
    try:
        with transaction.atomic():
            for row in members:
                member = existing_members.get(row.get("id")) if row.get("id") else None
                if row.get("DELETE"):
                    if member:
                        _refuse_if_enrolled(member, deleting=True)
                        member.delete()
                    continue
                member = member or Anggota(usulan=usulan)
                before = {f: getattr(member, f) for f in MEMBER_FIELDS}
                for field in MEMBER_FIELDS:
                    if field in row:
                        setattr(
                            member, field, row[field] if row[field] is not None else ""
                        )
                member.full_clean(exclude=["usulan"], validate_constraints=False)
                if member.pk and before != {
                    f: getattr(member, f) for f in MEMBER_FIELDS
                }:
                    _refuse_if_enrolled(member, deleting=False)
                member.save()
    except ProtectedError as exc:
        # A later stage (a card, a hand-over) holds the member: not a NIK clash.
        raise ValidationError(
            "Anggota ini tidak dapat dihapus karena datanya sudah dipakai pada tahap "
            "berikutnya (kartu atau serah terima). Hubungi Dinas Sosial.",
            code="member_in_use",
        ) from exc
    except IntegrityError as exc:
        # Another usulan took the NIK between our check and our write.
        if "noka" in str(exc):
            raise ValidationError(
                "NOKA lama salah satu anggota sudah tercatat untuk orang lain: satu "
                "NOKA untuk satu orang. Periksa kembali.",
                code="noka_taken",
            ) from exc
        raise ValidationError(
            "NIK salah satu anggota baru saja diusulkan di usulan lain. Periksa kembali.",
            code="nik_taken",
        ) from exc
    audit_record(
        action=action,
        by=by,
        target=usulan,
        reason="Usulan dibuat" if action == AuditEvent.Action.CREATE else "Data diubah",
        data={"anggota": len([m for m in members if not m.get("DELETE")])},
    )
    return usulan


def _refuse_if_enrolled(member: Anggota, *, deleting: bool) -> None:
    """A member BPJS registered keeps the identity printed with its NOKA.

    The desa may still fix the household's failed members; a registered one is
    corrected only by the office's admin, with a reason (`anggota_correct`).
    """
    stored = (
        Anggota.objects.filter(pk=member.pk)
        .values("status_bpjs", "noka", "nama")
        .first()
    )
    if not stored or not (
        stored["status_bpjs"] == Anggota.StatusBpjs.TERDAFTAR or stored["noka"]
    ):
        return
    what = "dihapus dari usulan" if deleting else "diubah oleh desa"
    raise ValidationError(
        "%(nama)s sudah terdaftar di BPJS dan tidak dapat %(what)s. Bila datanya "
        "keliru, minta koreksi ke admin Dinas Sosial dengan menyebutkan alasannya.",
        params={"nama": stored["nama"], "what": what},
        code="member_enrolled",
    )


def _household_noka_to_holder(usulan: Usulan, members: list[dict]) -> list[dict]:
    """A MIG37 form's one NOKA lama belongs to one member, never to all of them.

    Forms that ask for the household's NOKA lama only (the loket, older bulk
    files) give it to the head of the family (else the first member) when no
    member carries a NOKA lama of their own; the others keep none.
    """
    if usulan.jenis != JenisUsulan.MIG37 or not usulan.noka_lama:
        return members
    kept = [row for row in members if not row.get("DELETE")]
    if any(row.get("noka_lama") for row in kept):
        return members
    holder = next((row for row in kept if row.get("shdk") == "1"), None)
    holder = holder or (kept[0] if kept else None)
    if holder is None:
        return members
    return [
        {**row, "noka_lama": usulan.noka_lama} if row is holder else row
        for row in members
    ]


@transaction.atomic
def usulan_delete_draft(*, usulan: Usulan, by) -> None:
    locked = Usulan.objects.select_for_update().get(pk=usulan.pk)
    if locked.status != Usulan.Status.DRAFT:
        raise ValidationError("Hanya draf yang dapat dihapus.")
    audit_record(action=AuditEvent.Action.DELETE, by=by, target=locked)
    files = [d.file.name for d in Dokumen.objects.filter(usulan=locked)] + [
        d.file.name for d in Dokumen.objects.filter(anggota__usulan=locked)
    ]
    locked.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def usulan_submit(*, usulan_id: int, by) -> bool:
    """Submit (or resubmit) an usulan; True if this call submitted it.

    The row lock makes concurrent submits queue up: the first submits, the others
    find it already submitted and change nothing.
    """
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    if usulan.status == Usulan.Status.DIAJUKAN:
        return False
    review = review_usulan(usulan)
    if review.missing:
        raise IncompleteUsulan(review.missing)
    # A reactivation's window is judged on the day the Dinas Sosial first
    # receives it; a return to the desa and a resubmission keep that day.
    if usulan.is_reaktivasi and usulan.reaktivasi_dinilai_pada is None:
        usulan.reaktivasi_dinilai_pada = timezone.localdate()
    jalur = lane_for(usulan, profile=get_active_profile())
    usulan.jalur = jalur
    usulan.save(update_fields=["jalur", "reaktivasi_dinilai_pada", "updated_at"])
    resubmit = usulan.status == Usulan.Status.DIKEMBALIKAN
    if resubmit:
        changes = changes_since_return(usulan, review)
        if changes is not None and not changes.boleh_diajukan_ulang:
            raise NothingFixed()
    USULAN.move(
        usulan,
        to=Usulan.Status.DIAJUKAN,
        by=by,
        reason="Diajukan ulang setelah diperbaiki" if resubmit else "Diajukan",
    )
    logger.info(
        "usulan=%s submitted by user=%s resubmit=%s", usulan.pk, by.pk, resubmit
    )
    return True


@transaction.atomic
def usulan_reply(*, usulan_id: int, by, balasan: str) -> bool:
    """The desa's answer to the verifier's note on a returned usulan.

    True when it was stored (or changed); an empty answer keeps the stored one.
    """
    balasan = (balasan or "").strip()[:1000]
    if not balasan:
        return False
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    if usulan.status != Usulan.Status.DIKEMBALIKAN:
        raise ValidationError(
            "Tanggapan hanya dapat ditulis untuk usulan yang dikembalikan."
        )
    last = usulan.pengembalian_set.order_by("-putaran").first()
    if last is None or last.balasan == balasan:
        return False
    last.balasan, last.dibalas_oleh, last.dibalas_at = balasan, by, timezone.now()
    last.save(update_fields=["balasan", "dibalas_oleh", "dibalas_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=usulan,
        reason="Tanggapan desa atas catatan verifikator",
    )
    return True


@transaction.atomic
def usulan_return(*, usulan_id: int, by, notes: list[dict]) -> Usulan:
    """Send an usulan back to its desa with a reason per item (verifier)."""
    require_role(
        by,
        Role.VERIFIKATOR,
        message="Hanya verifikator yang dapat mengembalikan usulan.",
    )
    notes = [n for n in notes if (n.get("pesan") or "").strip()]
    if not notes:
        raise ValidationError("Tuliskan alasan untuk setidaknya satu item.")
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    putaran = (
        usulan.catatan_set.order_by("-putaran")
        .values_list("putaran", flat=True)
        .first()
        or 0
    ) + 1
    Pengembalian.objects.create(
        usulan=usulan, putaran=putaran, isi=usulan_snapshot(usulan)
    )
    USULAN.move(
        usulan,
        to=Usulan.Status.DIKEMBALIKAN,
        by=by,
        reason="; ".join(f"{n['item_label']}: {n['pesan'].strip()}" for n in notes),
    )
    Catatan.objects.bulk_create(
        Catatan(
            usulan=usulan,
            anggota=n.get("anggota"),
            item=n["item"],
            item_label=n["item_label"],
            pesan=n["pesan"].strip(),
            putaran=putaran,
            created_by=by,
        )
        for n in notes
    )
    return usulan


@transaction.atomic
def usulan_reject(*, usulan_id: int, by, reason: str) -> Usulan:
    """Not eligible: close the usulan and free its members' NIKs (verifier)."""
    require_role(
        by, Role.VERIFIKATOR, message="Hanya verifikator yang dapat menolak usulan."
    )
    if not reason.strip():
        raise ValidationError({"reason": "Alasan penolakan wajib diisi."})
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    USULAN.move(usulan, to=Usulan.Status.DITOLAK, by=by, reason=reason.strip())
    return usulan


@transaction.atomic
def dokumen_upload(
    *,
    requirement_kode: str,
    requirement_nama: str,
    level: str,
    upload,
    by,
    pengajuan: Pengajuan | None = None,
    usulan: Usulan | None = None,
    anggota: Anggota | None = None,
) -> Dokumen:
    """Store a checked file for one requirement, replacing the previous one."""
    checked = check_upload(upload)
    target = {
        Level.PENGAJUAN: {"pengajuan": pengajuan},
        Level.KELUARGA: {"usulan": usulan},
        Level.ANGGOTA: {"anggota": anggota},
    }[level]
    owner = usulan or (anggota.usulan if anggota else None)
    if owner is not None:
        owner = Usulan.objects.select_for_update().get(pk=owner.pk)
        if not owner.is_editable_by_desa:
            raise ValidationError(
                "Dokumen usulan yang sudah diajukan tidak dapat diganti."
            )
    elif pengajuan is not None and not _pengajuan_editable(pengajuan):
        raise ValidationError(
            "Dokumen pengajuan yang sudah diajukan tidak dapat diganti."
        )
    old = Dokumen.objects.filter(requirement_kode=requirement_kode, **target).first()
    old_file = old.file.name if old else None
    if old:
        old.delete()
    dokumen = Dokumen(
        requirement_kode=requirement_kode,
        requirement_nama=requirement_nama,
        level=level,
        content_type=checked.content_type,
        size=checked.size,
        original_name=checked.original_name,
        sha256=checked.sha256,
        uploaded_by=by,
        **target,
    )
    dokumen.file.save("berkas", ContentFile(checked.content), save=False)
    # The file is written before the row: if the row fails, remove the orphan.
    transaction.on_commit(lambda: old_file and _delete_files([old_file]))
    try:
        dokumen.full_clean(exclude=["file"])
        dokumen.save()
    except Exception:
        _delete_files([dokumen.file.name])
        raise
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=owner or pengajuan,
        reason=f"{'Dokumen diganti' if old else 'Dokumen diunggah'}: {requirement_nama}",
        data={"dokumen": requirement_kode, "ukuran": checked.size},
    )
    return dokumen


def _pengajuan_editable(pengajuan: Pengajuan) -> bool:
    statuses = set(pengajuan.usulan_set.values_list("status", flat=True))
    return not statuses or bool(
        statuses & {Usulan.Status.DRAFT, Usulan.Status.DIKEMBALIKAN}
    )


@transaction.atomic
def loket_register(
    *,
    household: dict,
    members: list[dict],
    berkas: list[str],
    desa: Desa,
    by,
    client_token: uuid.UUID,
) -> Usulan:
    """Save a walk-in household with the documents received on paper."""
    usulan = usulan_save(
        usulan=None,
        household=household,
        members=members,
        by=by,
        desa=desa,
        sumber=Usulan.Sumber.LOKET,
        pengajuan=None,
        client_token=client_token,
    )
    if usulan.status == Usulan.Status.DRAFT and usulan.berkas_diterima != berkas:
        usulan.berkas_diterima = berkas
        usulan.save(update_fields=["berkas_diterima", "updated_at"])
    return usulan


@transaction.atomic
def usulan_set_berkas_diterima(*, usulan_id: int, kodes: list[str], by) -> Usulan:
    """Record which documents the counter received on paper for a walk-in usulan."""
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    if usulan.sumber != Usulan.Sumber.LOKET or not usulan.is_editable_by_desa:
        raise ValidationError(
            "Berkas hanya dapat dicatat untuk usulan loket yang belum diajukan."
        )
    before = list(usulan.berkas_diterima or [])
    usulan.berkas_diterima = sorted(set(kodes))
    usulan.save(update_fields=["berkas_diterima", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=usulan,
        reason="Berkas kertas diterima di loket diperbarui",
        data={"before": before, "after": usulan.berkas_diterima},
    )
    return usulan


@transaction.atomic
def usulan_advance(*, usulan_id: int, to: str, by, reason: str = "") -> Usulan:
    """Move an usulan along the verification path (field check, approval, ready).

    What entering the status does (SIAP stamps the members) is in workflow.py.
    """
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    USULAN.move(usulan, to=to, by=by, reason=reason)
    return usulan


# A data-subject correction (UU 27/2022): what the admin may fix at any stage.
# NIK and No. KK are not among them: those go back to the desa through verification.
KOREKSI_MEMBER_FIELDS = ("nama", "tempat_lahir", "tanggal_lahir", "telepon")
KOREKSI_HOUSEHOLD_FIELDS = ("alamat", "rt", "rw")


def _as_json(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


@transaction.atomic
def anggota_correct(*, anggota_id: int, data: dict, alasan: str, by) -> dict:
    """Correct one person's data at any stage; the audit row keeps old and new values.

    Returns {field: {"lama": ..., "baru": ...}} of what changed ({} when nothing did).
    """
    require_role(
        by, Role.ADMIN, message="Hanya admin yang dapat mengoreksi data warga."
    )
    if not (alasan or "").strip():
        raise ValidationError({"alasan": "Tuliskan alasan atau dasar koreksi."})
    anggota = Anggota.objects.select_for_update().get(pk=anggota_id)
    usulan = Usulan.objects.select_for_update().get(pk=anggota.usulan_id)
    changes: dict[str, dict[str, str]] = {}
    for obj, fields, label in (
        (anggota, KOREKSI_MEMBER_FIELDS, "anggota"),
        (usulan, KOREKSI_HOUSEHOLD_FIELDS, "keluarga"),
    ):
        for field in fields:
            if field not in data:
                continue
            new = data[field] if data[field] is not None else ""
            old = getattr(obj, field)
            if new != old:
                changes[f"{label}.{field}"] = {
                    "lama": _as_json(old),
                    "baru": _as_json(new),
                }
                setattr(obj, field, new)
    if not changes:
        return {}
    errors = member_errors(
        {
            "nik": anggota.nik,
            "tanggal_lahir": anggota.tanggal_lahir,
            "jenis_kelamin": anggota.jenis_kelamin,
        }
    )
    if errors:
        raise ValidationError(errors)
    anggota.full_clean(validate_constraints=False)
    usulan.full_clean(exclude=["client_token"], validate_constraints=False)
    anggota.save(update_fields=[f for f in KOREKSI_MEMBER_FIELDS if f in data])
    if any(key.startswith("keluarga.") for key in changes):
        # A form opened before the correction must not write the old address back.
        usulan.version = F("version") + 1
        usulan.save(update_fields=[*KOREKSI_HOUSEHOLD_FIELDS, "version", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=anggota,
        reason=f"Koreksi data atas permintaan subjek data: {alasan.strip()}"[:1000],
        data={"koreksi": changes, "usulan": usulan.pk},
    )
    logger.info(
        "user=%s corrected anggota=%s fields=%s",
        by.pk,
        anggota.pk,
        ",".join(sorted(changes)),
    )
    return changes


@transaction.atomic(savepoint=False)
def usulan_advance_bulk(
    *,
    usulan_list: list[Usulan],
    to: str,
    by,
    reason: str = "",
    reasons: dict[int, str] | None = None,
) -> list[Usulan]:
    """`usulan_advance` for many usulan the caller has locked: constant queries.

    Per thousand usulan: one UPDATE of the usulan, one INSERT of their history
    rows, and what entering the status does (one UPDATE of their members for
    SIAP or DITOLAK). `reasons` ({pk: reason}) gives each its own reason.
    """
    USULAN.move_bulk(usulan_list, to=to, by=by, reason=reason, reasons=reasons)
    return usulan_list
