"""Card distribution: receive from BPJS, hand over with a numbered receipt, confirm.

Every state change goes through the card's workflow (workflow.py) and leaves a
history row. Cards are row-locked before they move, so one card is never handed over
twice, and receipt numbers come from a locked counter row, so they are unique
and gap-free per year (a rolled-back hand-over gives its number back).
"""

import datetime
import logging
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.identifiers import normalise_phone
from kis_portal.privacy import mask_identifier
from kis_portal.roles import operator_desa_id, require_role
from kis_portal.uploads import CheckedFile
from kis_portal.wilayah.models import Desa
from rekap_bpjs.models import Batch, BatchItem
from usulan.models import Anggota

from .access import STAFF
from .models import Kanal, Kartu, NomorUrut, SerahTerima
from .selectors import batch_cards_pending
from .workflow import KARTU

logger = logging.getLogger(__name__)

MAX_SCAN_LINES = 2000
NOKA_JUNK = re.compile(r"[\s.\-']")
MSG_STAFF_ONLY = "Hanya petugas distribusi yang dapat melakukan ini."


def _check_date(value: datetime.date, *, not_before: datetime.date | None = None):
    if value is None:
        raise ValidationError({"tanggal": "Tanggal wajib diisi."})
    if value > timezone.localdate():
        raise ValidationError({"tanggal": "Tanggal tidak boleh di masa depan."})
    if not_before and value < not_before:
        raise ValidationError(
            {
                "tanggal": "Tanggal tidak boleh sebelum "
                f"{not_before.strftime('%d-%m-%Y')}."
            }
        )


# --- Receiving cards from BPJS ----------------------------------------------------


@dataclass
class ScanResult:
    received: list[Kartu] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    @property
    def rejected_lines(self) -> list[str]:
        """What to leave in the field for the operator to correct."""
        return self.malformed + self.unknown


def parse_noka_lines(text: str) -> tuple[list[str], list[str], list[str]]:
    """One NOKA per line (as a barcode scanner types them): valid, twice, malformed."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_SCAN_LINES:
        raise ValidationError(
            {"noka": f"Paling banyak {MAX_SCAN_LINES} NOKA sekali kirim."}
        )
    valid: list[str] = []
    seen: set[str] = set()
    duplicate: list[str] = []
    malformed: list[str] = []
    for line in lines:
        noka = NOKA_JUNK.sub("", line)
        if not re.fullmatch(r"\d{13}", noka):
            malformed.append(line.strip()[:40])
        elif noka in seen:
            duplicate.append(noka)
        else:
            seen.add(noka)
            valid.append(noka)
    return valid, duplicate, malformed


def _enrolled_batches(anggota_ids: list[int]) -> dict[int, int]:
    """The batch in which BPJS enrolled each member (the latest if several)."""
    rows = (
        BatchItem.objects.filter(
            anggota_id__in=anggota_ids, hasil=Anggota.StatusBpjs.TERDAFTAR
        )
        .order_by("batch_id")
        .values_list("anggota_id", "batch_id")
    )
    return dict(rows)


def _history_bulk(cards: list[Kartu], *, by, reason: str) -> None:
    content_type = ContentType.objects.get_for_model(Kartu)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=by,
            action=AuditEvent.Action.STATUS,
            content_type=content_type,
            object_id=str(card.pk),
            object_repr=str(card)[:200],
            from_status="",
            to_status=card.status,
            reason=reason,
        )
        for card in cards
    )


def _create_cards(
    members: list[Anggota], *, tanggal: datetime.date, by, reason: str
) -> list[Kartu]:
    batches = _enrolled_batches([m.pk for m in members])
    cards = [
        Kartu(
            noka=member.noka,
            anggota=member,
            desa_id=member.usulan.desa_id,
            batch_id=batches.get(member.pk),
            diterima_tanggal=tanggal,
            diterima_oleh=by,
        )
        for member in members
    ]
    try:
        with transaction.atomic():
            Kartu.objects.bulk_create(cards)
    except IntegrityError as exc:
        raise ValidationError(
            "Sebagian kartu ini baru saja dicatat petugas lain. Kirim ulang: kartu "
            "yang sudah tercatat akan dilewati."
        ) from exc
    _history_bulk(cards, by=by, reason=reason)
    return cards


@transaction.atomic
def kartu_receive_scanned(*, text: str, tanggal: datetime.date, by) -> ScanResult:
    """Record the cards whose NOKA was scanned or typed, one per line."""
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    _check_date(tanggal)
    valid, duplicate, malformed = parse_noka_lines(text)
    result = ScanResult(duplicate=duplicate, malformed=malformed)
    if not valid:
        if not (duplicate or malformed):
            raise ValidationError({"noka": "Pindai atau ketik minimal satu NOKA."})
        return result
    members = {
        m.noka: m
        for m in Anggota.objects.filter(
            noka__in=valid, status_bpjs=Anggota.StatusBpjs.TERDAFTAR
        ).select_related("usulan")
    }
    recorded = set(
        Kartu.objects.filter(noka__in=valid).values_list("noka", flat=True)
    ) | set(
        Kartu.objects.filter(anggota__in=members.values()).values_list(
            "anggota__noka", flat=True
        )
    )
    new: list[Anggota] = []
    for noka in valid:
        if noka in recorded:
            result.already.append(noka)
        elif noka in members:
            new.append(members[noka])
        else:
            result.unknown.append(noka)
    if new:
        result.received = _create_cards(
            new, tanggal=tanggal, by=by, reason="Kartu diterima dari BPJS (pindai NOKA)"
        )
        logger.info("user=%s received cards=%s by scan", by.pk, len(new))
    return result


@transaction.atomic
def kartu_receive_batch(*, periode: str, tanggal: datetime.date, by) -> list[Kartu]:
    """Record the cards of every member BPJS enrolled in a batch, not yet recorded."""
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    _check_date(tanggal)
    batch = Batch.objects.select_for_update().filter(periode=periode).first()
    if batch is None:
        raise ValidationError(f"Rekap {periode} tidak ada.")
    members = list(batch_cards_pending(batch).order_by("pk"))
    if not members:
        raise ValidationError(
            f"Semua kartu peserta terdaftar rekap {periode} sudah dicatat."
        )
    cards = _create_cards(
        members,
        tanggal=tanggal,
        by=by,
        reason=f"Kartu diterima dari BPJS (semua peserta rekap {periode})",
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        by=by,
        target=batch,
        reason=f"{len(cards)} kartu rekap {periode} diterima dari BPJS",
        data={"jumlah": len(cards)},
    )
    return cards


# --- Hand-over --------------------------------------------------------------------


def next_number(jenis: str, tahun: int) -> int:
    """The next number of `jenis` in `tahun`; the caller's transaction holds it.

    One upsert: it creates the year's counter or increments it, and locks its
    row until the caller commits (a rolled-back hand-over gives its number
    back). PostgreSQL, and SQLite 3.35+, both speak ON CONFLICT ... RETURNING.
    """
    meta = NomorUrut._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    jenis_col, tahun_col, terakhir_col = (
        quote(meta.get_field(name).column) for name in ("jenis", "tahun", "terakhir")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({jenis_col}, {tahun_col}, {terakhir_col}) "  # nosec B608 - quoted model identifiers; values are parameters
            f"VALUES (%s, %s, 1) ON CONFLICT ({jenis_col}, {tahun_col}) "
            f"DO UPDATE SET {terakhir_col} = {table}.{terakhir_col} + 1 "
            f"RETURNING {terakhir_col}",
            [jenis, tahun],
        )
        return cursor.fetchone()[0]


def _receipt_row(card: Kartu) -> dict:
    usulan = card.anggota.usulan
    alamat = f"{usulan.alamat}, RT {usulan.rt}"
    if usulan.rw:
        alamat += f"/RW {usulan.rw}"
    return {
        "noka": card.noka,
        "nik": mask_identifier(card.anggota.nik),
        "nama": card.anggota.nama,
        "alamat": alamat,
        "desa": usulan.desa.nama,
    }


@dataclass
class Penerima:
    nama: str
    jabatan: str = ""
    telepon: str = ""


def _clean_penerima(penerima: Penerima) -> Penerima:
    errors = {}
    nama = " ".join((penerima.nama or "").split())
    if not nama:
        errors["penerima_nama"] = "Nama penerima wajib diisi."
    try:
        telepon = normalise_phone(penerima.telepon)
    except ValidationError as exc:
        errors["penerima_telepon"] = exc.messages[0]
        telepon = ""
    if errors:
        raise ValidationError(errors)
    return Penerima(
        nama=nama[:150], jabatan=penerima.jabatan.strip()[:100], telepon=telepon
    )


@transaction.atomic
def serah_terima_create(
    *,
    kartu_ids: list[int],
    kanal: str,
    penerima: Penerima,
    by,
    desa: Desa | None = None,
    catatan: str = "",
    token: str = "",
    langsung_warga: bool = False,
) -> SerahTerima:
    """Hand cards over (to a desa or another channel) under one numbered receipt.

    `langsung_warga`: the citizen collects at the office, so the card also
    reaches the citizen in the same step.
    """
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    if token:
        done = SerahTerima.objects.filter(token=token, dibuat_oleh=by).first()
        if done is not None:
            return done
    if kanal not in Kanal.values:
        raise ValidationError({"kanal": "Pilih saluran penyerahan."})
    if kanal == Kanal.DESA and desa is None:
        raise ValidationError({"desa": "Pilih desa penerima."})
    penerima = _clean_penerima(penerima)
    ids = sorted({int(pk) for pk in kartu_ids})
    if not ids:
        raise ValidationError("Pilih minimal satu kartu yang diserahkan.")
    cards = list(
        Kartu.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("anggota__usulan__desa")
        # What the receipt, the history and the messages read: cheaper for 500 cards.
        .only(
            "noka",
            "status",
            "desa_id",
            "anggota__nik",
            "anggota__nama",
            "anggota__telepon",
            "anggota__usulan__nomor",
            "anggota__usulan__alamat",
            "anggota__usulan__rt",
            "anggota__usulan__rw",
            "anggota__usulan__telepon",
            "anggota__usulan__tanpa_kabar_hp",
            "anggota__usulan__desa__nama",
        )
        .order_by("anggota__nama", "pk")
    )
    if len(cards) != len(ids):
        raise ValidationError("Sebagian kartu yang dipilih tidak ditemukan.")
    moved = [c.noka for c in cards if c.status != Kartu.Status.DITERIMA_DINSOS]
    if moved:
        raise ValidationError(
            f"Kartu {', '.join(moved[:5])} sudah diserahkan atau dikembalikan. "
            "Muat ulang halaman dan pilih lagi."
        )
    if kanal == Kanal.DESA and any(c.desa_id != desa.pk for c in cards):
        raise ValidationError(f"Semua kartu harus milik {desa.nama}.")
    if langsung_warga and len(cards) != 1:
        raise ValidationError("Pengambilan langsung oleh warga dicatat per kartu.")

    tanggal = timezone.localdate()
    urut = next_number("TT", tanggal.year)
    serah = SerahTerima.objects.create(
        nomor=f"TT/{tanggal.year}/{tanggal.month:02d}/{urut:04d}",
        tahun=tanggal.year,
        urut=urut,
        tanggal=tanggal,
        kanal=kanal,
        desa=desa if kanal == Kanal.DESA else cards[0].desa,
        penerima_nama=penerima.nama,
        penerima_jabatan=penerima.jabatan,
        penerima_telepon=penerima.telepon,
        catatan=catatan.strip()[:250],
        rincian=[_receipt_row(card) for card in cards],
        jumlah=len(cards),
        dibuat_oleh=by,
        token=token or None,
    )
    # Set-based: a constant number of queries for 1 or 500 cards (bench B7).
    KARTU.move_bulk(
        cards,
        to=Kartu.Status.DISERAHKAN,
        by=by,
        reason=f"Diserahkan ({serah.get_kanal_display()}) kepada {penerima.nama}, "
        f"tanda terima {serah.nomor}",
        values={"serah_terima": serah, "diserahkan_tanggal": tanggal},
    )
    if langsung_warga:
        KARTU.move_bulk(
            cards,
            to=Kartu.Status.DITERIMA_WARGA,
            by=by,
            reason="Diambil sendiri oleh warga di kantor",
            values={"warga_tanggal": tanggal},
        )
    audit_record(
        action=AuditEvent.Action.CREATE,
        by=by,
        target=serah,
        reason=f"{len(cards)} kartu diserahkan kepada {penerima.nama}",
        data={"kanal": kanal, "jumlah": len(cards)},
    )
    logger.info(
        "user=%s handed over cards=%s receipt=%s", by.pk, len(cards), serah.nomor
    )
    return serah


@transaction.atomic
def serah_terima_attach_scan(
    *, serah_terima_id: int, checked: CheckedFile, by
) -> SerahTerima:
    """Attach the signed receipt scan; a later upload replaces it, with history."""
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    serah = SerahTerima.objects.select_for_update().get(pk=serah_terima_id)
    replaced = bool(serah.scan)
    old = serah.scan.name if replaced else ""
    serah.scan_content_type = checked.content_type
    serah.scan.save("scan", ContentFile(checked.content), save=False)
    serah.scan_uploaded_at, serah.scan_uploaded_by = timezone.now(), by
    serah.save(
        update_fields=[
            "scan",
            "scan_content_type",
            "scan_uploaded_at",
            "scan_uploaded_by",
        ]
    )
    if old:
        transaction.on_commit(lambda: serah.scan.storage.delete(old))
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=serah,
        reason="Scan tanda terima bertanda tangan diganti"
        if replaced
        else "Scan tanda terima bertanda tangan diunggah",
        data={"sha256": checked.sha256},
    )
    return serah


# --- At the desa and after ----------------------------------------------------------


def _locked_card_for(user, kartu_id: int) -> Kartu:
    """The card, row-locked, if the user may act on it (an operator: own desa only)."""
    qs = Kartu.objects.select_for_update(of=("self",)).select_related(
        "serah_terima", "anggota"
    )
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        qs = qs.filter(desa_id=desa_id)
    else:
        require_role(user, *STAFF, message="Anda tidak berwenang mengubah kartu ini.")
    card = qs.filter(pk=kartu_id).first()
    if card is None:
        raise Kartu.DoesNotExist
    return card


# Channels through which a card reaches the desa/kelurahan itself, for its operator
# to give out; a card given to a PKH companion or another channel never passes it.
DESA_CHANNELS = frozenset({Kanal.DESA, Kanal.KELURAHAN})
MSG_NOT_AT_DESA = (
    "Kartu ini tidak diserahkan ke desa/kelurahan, melainkan melalui {kanal}; "
    "petugas distribusi yang mencatat kelanjutannya."
)


def _require_at_desa(user, card: Kartu) -> None:
    """A desa operator acts only on cards handed to the desa (not via PKH etc.)."""
    if operator_desa_id(user) is None or card.serah_terima is None:
        return
    if card.serah_terima.kanal not in DESA_CHANNELS:
        raise ValidationError(
            MSG_NOT_AT_DESA.format(kanal=card.serah_terima.get_kanal_display())
        )


@transaction.atomic
def kartu_confirm_received(
    *, kartu_id: int, tanggal: datetime.date, by, foto: CheckedFile | None = None
) -> Kartu:
    """The citizen has the card in hand (confirmed by the desa or the office)."""
    card = _locked_card_for(by, kartu_id)
    if card.status == Kartu.Status.DITERIMA_WARGA:
        return card  # a double tap confirms once
    _require_at_desa(by, card)
    _check_date(tanggal, not_before=card.diserahkan_tanggal)
    card.warga_tanggal = tanggal
    fields = ["warga_tanggal"]
    if foto is not None:
        card.warga_foto.save("foto.jpg", ContentFile(foto.content), save=False)
        fields.append("warga_foto")
    KARTU.move(
        card,
        to=Kartu.Status.DITERIMA_WARGA,
        by=by,
        reason=f"Diterima warga pada {tanggal.strftime('%d-%m-%Y')}",
        update_fields=tuple(fields),
    )
    return card


@transaction.atomic
def kartu_return(*, kartu_id: int, alasan: str, by) -> Kartu:
    """A card that cannot reach its owner (moved, deceased) goes back, with why."""
    card = _locked_card_for(by, kartu_id)
    alasan = " ".join((alasan or "").split())
    if not alasan:
        raise ValidationError({"alasan": "Alasan pengembalian wajib diisi."})
    if operator_desa_id(by) is not None and card.status != Kartu.Status.DISERAHKAN:
        raise ValidationError("Kartu ini belum diserahkan ke desa.")
    _require_at_desa(by, card)
    card.kembali_alasan, card.kembali_tanggal = alasan[:250], timezone.localdate()
    KARTU.move(
        card,
        to=Kartu.Status.DIKEMBALIKAN,
        by=by,
        reason=f"Dikembalikan: {card.kembali_alasan}",
        update_fields=("kembali_alasan", "kembali_tanggal"),
    )
    return card
