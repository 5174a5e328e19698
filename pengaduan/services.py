"""Complaints: record, assign, reply, move through statuses; the guest book.

Status changes go through the complaint's workflow (workflow.py) and leave a
history row; the complaint's row is locked first so two handlers never both move it from the
same status.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.identifiers import clean_digits, normalise_phone
from kis_portal.ratelimit.services import Limit, attempt
from kis_portal.roles import Role, has_role, operator_desa_id, require_role
from kis_portal.uploads import CheckedFile
from kis_portal.wilayah.models import Desa
from usulan.access import usulan_for_user
from usulan.models import Anggota, Usulan

from .access import HANDLERS, READERS, can_touch
from .models import BukuTamu, Lampiran, Pengaduan, Tanggapan
from .selectors import handler_users
from .targets import tenggat_for
from .workflow import PENGADUAN

S = Pengaduan.Status
MAX_LAMPIRAN = 5


@dataclass
class Laporan:
    """What a complaint says, whoever records it."""

    kategori: str
    uraian: str
    pelapor_nama: str
    pelapor_telepon: str = ""
    desa: Desa | None = None
    nomor_usulan: str = ""
    nik_anggota: str = ""


def _link(
    data: Laporan, *, by, sumber: str
) -> tuple[Desa, Usulan | None, Anggota | None]:
    """The desa, usulan and member a complaint is about, within what `by` may see.

    The public form links an usulan only by its exact (random) registration number,
    and never tells whether one was found.
    """
    usulan = None
    nomor = (data.nomor_usulan or "").strip().upper()
    if nomor:
        scope = (
            Usulan.objects.all()
            if sumber == Pengaduan.Sumber.PUBLIK
            else usulan_for_user(by)
        )
        usulan = scope.filter(nomor=nomor).first()
        if usulan is None and sumber != Pengaduan.Sumber.PUBLIK:
            raise ValidationError(
                {"nomor_usulan": f"Usulan dengan nomor {nomor} tidak ditemukan."}
            )
    desa = data.desa
    if sumber == Pengaduan.Sumber.DESA:
        desa = Desa.objects.filter(pk=operator_desa_id(by)).first()
    elif usulan is not None and (desa is None or sumber != Pengaduan.Sumber.PUBLIK):
        desa = usulan.desa
    if usulan is not None and usulan.desa_id != desa.pk:
        # A public reporter's desa wins over a number that belongs elsewhere.
        usulan = None
    if desa is None:
        raise ValidationError({"desa": "Pilih desa/kelurahan."})
    anggota = None
    nik = clean_digits(data.nik_anggota)
    if nik:
        members = Anggota.objects.filter(nik=nik, usulan__desa=desa)
        if usulan is not None:
            members = members.filter(usulan=usulan)
        elif sumber != Pengaduan.Sumber.PUBLIK:
            members = members.filter(usulan__in=usulan_for_user(by))
        anggota = members.order_by("-usulan__created_at").first()
        if anggota is None and sumber != Pengaduan.Sumber.PUBLIK:
            raise ValidationError(
                {"nik_anggota": "NIK ini tidak ada di usulan desa/kelurahan tersebut."}
            )
        if anggota is not None and usulan is None:
            usulan = anggota.usulan
    return desa, usulan, anggota


def laporan_errors(
    *, kategori: str, uraian: str, pelapor_nama: str, pelapor_telepon: str, publik: bool
) -> dict[str, list[str]]:
    """Every problem of a complaint at once (the forms show them all in one go)."""
    errors: dict[str, list[str]] = {}
    if kategori not in Pengaduan.Kategori.values:
        errors["kategori"] = ["Pilih kategori pengaduan."]
    if len((uraian or "").strip()) < 10:
        errors["uraian"] = ["Jelaskan masalahnya, paling sedikit 10 huruf."]
    if not " ".join((pelapor_nama or "").split()):
        errors["pelapor_nama"] = ["Nama pelapor wajib diisi."]
    try:
        telepon = normalise_phone(pelapor_telepon)
    except ValidationError as exc:
        errors["pelapor_telepon"] = exc.messages
    else:
        if publik and not telepon:
            errors["pelapor_telepon"] = [
                "Nomor HP wajib diisi agar petugas dapat menghubungi."
            ]
    return errors


@transaction.atomic
def pengaduan_create(
    *,
    data: Laporan,
    by,
    sumber: str,
    lampiran: list[CheckedFile] | tuple = (),
) -> Pengaduan:
    """Record a complaint (`by` is None for the public form)."""
    if sumber == Pengaduan.Sumber.DESA:
        require_role(
            by,
            Role.OPERATOR_DESA,
            message="Hanya operator desa yang mengadu atas nama desa.",
        )
    elif sumber == Pengaduan.Sumber.LOKET:
        require_role(by, *HANDLERS, message="Anda tidak dapat mencatat pengaduan.")
    errors = laporan_errors(
        kategori=data.kategori,
        uraian=data.uraian,
        pelapor_nama=data.pelapor_nama,
        pelapor_telepon=data.pelapor_telepon,
        publik=sumber == Pengaduan.Sumber.PUBLIK,
    )
    if errors:
        raise ValidationError(errors)
    uraian = (data.uraian or "").strip()
    nama = " ".join((data.pelapor_nama or "").split())
    telepon = normalise_phone(data.pelapor_telepon)
    if len(lampiran) > MAX_LAMPIRAN:
        raise ValidationError(f"Paling banyak {MAX_LAMPIRAN} lampiran.")
    desa, usulan, anggota = _link(data, by=by, sumber=sumber)
    pengaduan = Pengaduan.objects.create(
        sumber=sumber,
        kategori=data.kategori,
        uraian=uraian,
        desa=desa,
        usulan=usulan,
        anggota=anggota,
        pelapor_nama=nama[:150],
        pelapor_telepon=telepon,
        tenggat=tenggat_for(data.kategori),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    for checked in lampiran:
        _store_lampiran(pengaduan, checked, by=by)
    audit_record(
        action=AuditEvent.Action.CREATE,
        by=by,
        target=pengaduan,
        to_status=pengaduan.status,
        reason=f"Pengaduan masuk ({pengaduan.get_sumber_display()}).",
    )
    return pengaduan


def _lock(pk: int) -> Pengaduan:
    return Pengaduan.objects.select_for_update().get(pk=pk)


def _store_lampiran(pengaduan: Pengaduan, checked: CheckedFile, *, by) -> Lampiran:
    item = Lampiran(
        pengaduan=pengaduan,
        content_type=checked.content_type,
        nama_asli=checked.original_name,
        ukuran=checked.size,
        sha256=checked.sha256,
        diunggah_oleh=by if getattr(by, "is_authenticated", False) else None,
    )
    item.berkas.save("berkas", ContentFile(checked.content), save=False)
    item.save()
    return item


@transaction.atomic
def lampiran_add(*, pengaduan_id: int, checked: CheckedFile, by) -> Lampiran:
    pengaduan = _lock(pengaduan_id)
    if not can_touch(by, pengaduan):
        raise Pengaduan.DoesNotExist
    if pengaduan.lampiran_set.count() >= MAX_LAMPIRAN:
        raise ValidationError(f"Paling banyak {MAX_LAMPIRAN} lampiran per pengaduan.")
    item = _store_lampiran(pengaduan, checked, by=by)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=pengaduan,
        reason=f"Lampiran ditambahkan: {item.nama_asli}",
    )
    return item


@transaction.atomic
def pengaduan_assign(*, pengaduan_id: int, petugas, by) -> Pengaduan:
    """Give a complaint to a handler; a new one starts being processed."""
    require_role(by, *HANDLERS, message="Anda tidak dapat menugaskan pengaduan.")
    pengaduan = _lock(pengaduan_id)
    if petugas is None or not handler_users().filter(pk=petugas.pk).exists():
        raise ValidationError({"petugas": "Pilih petugas penanganan pengaduan."})
    if pengaduan.status == S.SELESAI:
        raise ValidationError("Pengaduan sudah selesai.")
    pengaduan.petugas = petugas
    reason = f"Ditugaskan ke {petugas.get_full_name() or petugas.username}."
    if pengaduan.status == S.BARU:
        PENGADUAN.move(
            pengaduan,
            to=S.DIPROSES,
            by=by,
            reason=reason,
            update_fields=("petugas",),
        )
    else:
        pengaduan.save(update_fields=["petugas", "updated_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE, by=by, target=pengaduan, reason=reason
        )
    return pengaduan


@transaction.atomic
def pengaduan_change_status(
    *, pengaduan_id: int, to: str, by, alasan: str = ""
) -> Pengaduan:
    require_role(by, *HANDLERS, message="Anda tidak dapat mengubah status pengaduan.")
    pengaduan = _lock(pengaduan_id)
    alasan = (alasan or "").strip()
    if to == S.SELESAI and not alasan:
        raise ValidationError(
            {"alasan": "Tuliskan penyelesaiannya: desa dan warga membacanya."}
        )
    if pengaduan.status == S.SELESAI and not alasan:
        raise ValidationError({"alasan": "Tuliskan mengapa pengaduan dibuka kembali."})
    fields = []
    if pengaduan.petugas_id is None:
        pengaduan.petugas = by
        fields.append("petugas")
    PENGADUAN.move(pengaduan, to=to, by=by, reason=alasan, update_fields=fields)
    return pengaduan


@transaction.atomic
def pengaduan_reply(
    *, pengaduan_id: int, isi: str, by, internal: bool = False
) -> Tanggapan:
    """A reply; only handlers write internal notes (a desa's reply is always shown)."""
    pengaduan = _lock(pengaduan_id)
    if not can_touch(by, pengaduan):
        raise Pengaduan.DoesNotExist
    isi = (isi or "").strip()
    if not isi:
        raise ValidationError({"isi": "Tanggapan tidak boleh kosong."})
    internal = bool(internal) and has_role(by, *READERS)
    reply = Tanggapan.objects.create(
        pengaduan=pengaduan, isi=isi[:3000], internal=internal, oleh=by
    )
    pengaduan.save(update_fields=["updated_at"])
    return reply


# --- The public form's limit ------------------------------------------------------


def lapor_limit() -> Limit:
    """Submissions per address in the last hour (KIS_PENGADUAN_PUBLIK_PER_JAM)."""
    return Limit(
        scope="pengaduan-publik",
        maks=int(getattr(settings, "KIS_PENGADUAN_PUBLIK_PER_JAM", 5)),
        jendela=datetime.timedelta(hours=1),
    )


def lapor_boleh(ip: str) -> bool:
    """Count one attempt from this address; False once the last hour holds more
    than the limit, as the refusal tells the citizen ("dalam satu jam terakhir").

    The hour slides: a full allowance at 10:59 and another at 11:00 is not
    possible, as it would be with clock hours. Refused attempts count too, so
    whoever keeps trying waits an hour after the last try. The limiter stores a
    keyed hash of the address, never the address.
    """
    return attempt(lapor_limit(), ip or "-")


# --- Guest book ---------------------------------------------------------------------


@transaction.atomic
def buku_tamu_record(
    *,
    nama: str,
    keperluan: str,
    by,
    asal: str = "",
    telepon: str = "",
    keterangan: str = "",
    jam: datetime.time | None = None,
) -> BukuTamu:
    """One visitor, today, at `jam` (default: now)."""
    require_role(
        by, Role.LOKET, Role.ADMIN, message="Hanya petugas loket yang mencatat."
    )
    nama = " ".join((nama or "").split())
    if not nama:
        raise ValidationError({"nama": "Nama tamu wajib diisi."})
    if keperluan not in BukuTamu.Keperluan.values:
        raise ValidationError({"keperluan": "Pilih keperluan."})
    try:
        telepon = normalise_phone(telepon)
    except ValidationError as exc:
        raise ValidationError({"telepon": exc.messages}) from exc
    now = timezone.localtime()
    waktu = now
    if jam is not None:
        waktu = now.replace(hour=jam.hour, minute=jam.minute, second=0, microsecond=0)
        if waktu > now:
            raise ValidationError({"jam": "Jam masuk tidak boleh di masa depan."})
    return BukuTamu.objects.create(
        nama=nama[:150],
        asal=(asal or "").strip()[:150],
        telepon=telepon,
        keperluan=keperluan,
        keterangan=(keterangan or "").strip()[:250],
        waktu_masuk=waktu,
        dicatat_oleh=by,
    )
