"""Writes: inbox messages, outgoing SMS/WhatsApp with retries, status-check attempts."""

import datetime
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.bulk import among, bulk_insert, insert_rows
from kis_portal.identifiers import phone_international
from kis_portal.ratelimit.services import Limit, attempt, failure, failures_allowed
from kis_portal.roles import Role, require_role
from usulan.models import Anggota, Usulan

from . import selectors, texts
from .access import pesan_for_user
from .models import Jenis, Pesan, PesanDibaca, PesanKeluar
from .tasks import kirim_pesan_keluar
from .workflow import PESAN_KELUAR

logger = logging.getLogger(__name__)

K = PesanKeluar.Status
BULK_SIZE = 1000


# --- Creating messages (called by the status_changed receiver) ---------------------


def _phones_by_usulan(ids: list[int]) -> dict[int, list[tuple[int | None, str]]]:
    """Where each household's messages go: its members' own numbers; when none
    has one, the household's number ("Nomor HP keluarga", the one operators
    fill in); nothing for a family that asked not to be messaged."""
    phones: dict[int, list[tuple[int | None, str]]] = {}
    households: dict[int, str] = {}
    # One query on PostgreSQL, the ids one array: a BPJS result's 13,000
    # households in chunks of 1,000 were 14 queries, each free to scan the
    # member table (4x slower in B4). SQLite takes a bounded number of
    # parameters.
    chunk = BULK_SIZE if connection.features.max_query_params else max(len(ids), 1)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        # Each member's number beside the household's.
        for usulan_id, anggota_id, telepon, telepon_keluarga in (
            Anggota.objects.filter(
                usulan_id__in=among(part, otherwise=part),
                usulan__tanpa_kabar_hp=False,
            )
            .order_by("pk")
            .values_list("usulan_id", "pk", "telepon", "usulan__telepon")
        ):
            households[usulan_id] = telepon_keluarga
            if telepon:
                phones.setdefault(usulan_id, []).append((anggota_id, telepon))
    for usulan_id, telepon in households.items():
        if usulan_id not in phones and telepon:
            phones[usulan_id] = [(None, telepon)]
    return phones


def _card_phone(anggota: Anggota) -> str:
    """A card holder's number, else the household's, unless the family opted out."""
    usulan = anggota.usulan
    if usulan.tanpa_kabar_hp:
        return ""
    return anggota.telepon or usulan.telepon


def usulan_notify(usulan: Usulan, *, jenis: str, reason: str = "") -> Pesan:
    """The desa's inbox message and one outgoing message per member phone number.

    Runs inside the status change's transaction: three queries at most.
    """
    pesan = Pesan.objects.create(
        desa_id=usulan.desa_id,
        jenis=jenis,
        judul=texts.JUDUL[jenis].format(nomor=usulan.nomor),
        isi=reason[:2000],
        tautan=reverse("usulan:detail", args=[usulan.pk]),
        usulan_id=usulan.pk,
    )
    _queue_outgoing(
        pesan,
        jenis=jenis,
        recipients=_phones_by_usulan([usulan.pk]).get(usulan.pk, []),
        isi=texts.sms_text(jenis, nomor=usulan.nomor),
    )
    return pesan


def darurat_notify_desa(usulan: Usulan) -> Pesan:
    """The desa of residence is told a faskes registered one of its people as an
    urgent patient: an inbox message only (the family is at the hospital)."""
    kasus = getattr(usulan, "darurat", None)
    faskes = kasus.nama_faskes if kasus else "faskes"
    return Pesan.objects.create(
        desa_id=usulan.desa_id,
        jenis=Jenis.DARURAT,
        judul=texts.JUDUL[Jenis.DARURAT].format(nomor=usulan.nomor, faskes=faskes),
        isi=(
            f"{faskes} mengajukan warga desa Anda sebagai pasien darurat tanpa "
            "jaminan kesehatan. Dinas Sosial memprosesnya lewat jalur darurat; "
            "desa tidak perlu mengajukan ulang. Statusnya dapat diikuti di "
            "daftar usulan desa."
        ),
        tautan=reverse("usulan:detail", args=[usulan.pk]),
        usulan_id=usulan.pk,
    )


_local = threading.local()


def kartu_notify(kartu: Kartu) -> Pesan | None:
    """A card handed over: one inbox message per receipt and desa, counting cards."""
    serah = kartu.serah_terima
    if serah is None or serah.kanal == Kanal.KANTOR:
        return None  # collected by the citizen at the office: nothing to announce
    anggota = kartu.anggota
    key = (serah.pk, kartu.desa_id)
    cached = getattr(_local, "kartu_pesan", {})
    pesan_id = cached.get(key)
    if pesan_id and Pesan.objects.filter(pk=pesan_id, serah_terima=serah).update(
        jumlah=F("jumlah") + 1
    ):
        pesan = Pesan(pk=pesan_id, desa_id=kartu.desa_id, jenis=Jenis.KARTU_SIAP)
    else:
        pesan = Pesan.objects.create(
            desa_id=kartu.desa_id,
            jenis=Jenis.KARTU_SIAP,
            judul=texts.JUDUL[Jenis.KARTU_SIAP].format(serah=serah.nomor),
            isi=_kartu_isi(serah),
            tautan=reverse("distribusi:desa"),
            serah_terima=serah,
        )
        _local.kartu_pesan = {key: pesan.pk}  # only the receipt being made
    if phone := _card_phone(anggota):
        _queue_outgoing(
            pesan,
            jenis=Jenis.KARTU_SIAP,
            recipients=[(anggota.pk, phone)],
            isi=texts.sms_text(
                Jenis.KARTU_SIAP,
                nomor=anggota.usulan.nomor,
                tempat=texts.kartu_tempat(serah.kanal),
            ),
        )
    return pesan


def usulan_notify_bulk(
    usulan_list: list[Usulan],
    *,
    jenis: str,
    reason: str = "",
    reasons: Mapping[int, str] | None = None,
) -> None:
    """`usulan_notify` for many usulan at once (a bulk decision, a BPJS result
    file): the same inbox messages and outgoing rows in three queries per bulk.

    `reasons` ({pk: reason}, a result file's per household) gives each its own
    text, else `reason` is everyone's.
    """
    if not usulan_list:
        return
    # One reverse() for all: 500 of them cost a sixth of a 500-usulan decision.
    tautan = reverse("usulan:detail", args=[0]).replace("/0/", "/{pk}/")
    pesan_ids = insert_rows(
        Pesan,
        [
            {
                "desa_id": usulan.desa_id,
                "jenis": jenis,
                "judul": texts.JUDUL[jenis].format(nomor=usulan.nomor),
                "isi": ((reasons.get(usulan.pk) if reasons else reason) or "")[:2000],
                "tautan": tautan.format(pk=usulan.pk),
                "usulan_id": usulan.pk,
            }
            for usulan in usulan_list
        ],
    )
    phones = _phones_by_usulan([u.pk for u in usulan_list])
    rows = []
    for usulan, pesan_id in zip(usulan_list, pesan_ids, strict=True):
        rows.extend(
            _outgoing_rows(
                pesan_id,
                jenis=jenis,
                recipients=phones.get(usulan.pk, []),
                isi=texts.sms_text(jenis, nomor=usulan.nomor),
            )
        )
    _save_outgoing(rows)


def kartu_notify_bulk(cards: list[Kartu]) -> None:
    """`notify_kartu` for the cards of one receipt at once: one inbox message per
    desa counting its cards, one outgoing message per card holder's number."""
    serah = cards[0].serah_terima if cards else None
    if serah is None or serah.kanal == Kanal.KANTOR:
        return  # collected by the citizen at the office: nothing to announce
    per_desa: dict[int, list[Kartu]] = {}
    for kartu in cards:
        per_desa.setdefault(kartu.desa_id, []).append(kartu)
    pesan_list = bulk_insert(
        Pesan,
        [
            Pesan(
                desa_id=desa_id,
                jenis=Jenis.KARTU_SIAP,
                judul=texts.JUDUL[Jenis.KARTU_SIAP].format(serah=serah.nomor),
                isi=_kartu_isi(serah),
                tautan=reverse("distribusi:desa"),
                serah_terima=serah,
                jumlah=len(desa_cards),
            )
            for desa_id, desa_cards in per_desa.items()
        ],
    )
    tempat = texts.kartu_tempat(serah.kanal)
    rows = []
    for pesan, desa_cards in zip(pesan_list, per_desa.values(), strict=True):
        for kartu in desa_cards:
            anggota = kartu.anggota
            if phone := _card_phone(anggota):
                # One message per card, as notify_kartu sends them one by one.
                rows.extend(
                    _outgoing_rows(
                        pesan.pk,
                        jenis=Jenis.KARTU_SIAP,
                        recipients=[(anggota.pk, phone)],
                        isi=texts.sms_text(
                            Jenis.KARTU_SIAP, nomor=anggota.usulan.nomor, tempat=tempat
                        ),
                    )
                )
    _save_outgoing(rows)


def nonaktif_notify(tasks: list) -> None:
    """BPJS deactivated participants (rekap_bpjs.Nonaktif rows just created):
    one inbox message per desa listing them with their deadlines, and one
    outgoing message per family's number unless it opted out."""
    if not tasks:
        return
    per_desa: dict[int, list] = {}
    for task in tasks:
        per_desa.setdefault(task.desa_id, []).append(task)
    members = {
        m.pk: m
        for m in Anggota.objects.filter(
            pk__in=[task.anggota_id for task in tasks]
        ).select_related("usulan")
    }
    link = reverse("rekap_bpjs:nonaktif_list")
    pesan_list = Pesan.objects.bulk_create(
        Pesan(
            desa_id=desa_id,
            jenis=Jenis.NONAKTIF,
            judul=texts.JUDUL[Jenis.NONAKTIF].format(jumlah=len(desa_tasks)),
            isi=texts.NONAKTIF_ISI.format(
                rows="\n".join(
                    f"- {members[t.anggota_id].nama} (usulan "
                    f"{members[t.anggota_id].usulan.nomor}): dinonaktifkan "
                    f"{t.tanggal_nonaktif:%d-%m-%Y}, batas reaktivasi {t.batas:%d-%m-%Y}"
                    for t in desa_tasks
                )
            )[:2000],
            tautan=link,
            jumlah=len(desa_tasks),
        )
        for desa_id, desa_tasks in per_desa.items()
    )
    rows = []
    for pesan, desa_tasks in zip(pesan_list, per_desa.values(), strict=True):
        for task in desa_tasks:
            anggota = members[task.anggota_id]
            if phone := _card_phone(anggota):
                rows.extend(
                    _outgoing_rows(
                        pesan.pk,
                        jenis=Jenis.NONAKTIF,
                        recipients=[(anggota.pk, phone)],
                        isi=texts.sms_text(
                            Jenis.NONAKTIF,
                            nomor=anggota.usulan.nomor,
                            batas=f"{task.batas:%d-%m-%Y}",
                        ),
                    )
                )
    _save_outgoing(rows)


def _kartu_isi(serah) -> str:
    if serah.kanal in (Kanal.DESA, Kanal.KELURAHAN):
        return (
            f"Kartu diterima oleh {serah.penerima_nama} untuk dibagikan kepada warga. "
            "Setelah warga menerima kartunya, konfirmasi di halaman Kartu warga."
        )
    return (
        f"Kartu diserahkan melalui {serah.get_kanal_display()} ({serah.penerima_nama}) "
        "untuk diantar kepada warga."
    )


def _queue_outgoing(
    pesan: Pesan, *, jenis: str, recipients: list[tuple[int | None, str]], isi: str
) -> list[int]:
    """One row per distinct number, sent after the transaction commits."""
    return _save_outgoing(
        _outgoing_rows(pesan.pk, jenis=jenis, recipients=recipients, isi=isi)
    )


def _outgoing_rows(
    pesan_id: int, *, jenis: str, recipients: list[tuple[int | None, str]], isi: str
) -> list[dict]:
    """The outgoing rows of one message (PesanKeluar fields): one per distinct number."""
    now = timezone.now()
    kanal = getattr(settings, "KIS_NOTIF_KANAL", PesanKeluar.Kanal.WHATSAPP)
    rows, seen = [], set()
    for anggota_id, raw in recipients:
        phone = phone_international(raw)
        if not phone or phone in seen:
            continue
        seen.add(phone)
        rows.append(
            {
                "pesan_id": pesan_id,
                "anggota_id": anggota_id,
                "jenis": jenis,
                "kanal": kanal,
                "tujuan": phone,
                "isi": isi,
                "next_attempt_at": now,
            }
        )
    return rows


def _save_outgoing(rows: list[dict]) -> list[int]:
    if not rows:
        return []
    ids = [pk for pk in insert_rows(PesanKeluar, rows) if pk]
    pesan_keluar_schedule(ids)
    return ids


def pesan_keluar_schedule(ids: list[int]) -> None:
    """Send these messages once the current transaction has committed.

    Every call registers a callback; the first to run sends everything pending,
    so a batch that moves 300 households queues one task, not 300. A failure to
    queue is logged (robust): `kirim_notifikasi` picks the messages up later.
    """
    hooks = transaction.get_connection().run_on_commit
    if not any(hook[1] is _flush_pending for hook in hooks):
        # Nothing of ours waits for this transaction: what is left over belongs
        # to one that rolled back.
        _local.pending = []
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = []
    pending.extend(ids)
    transaction.on_commit(_flush_pending, robust=True)


def _flush_pending() -> None:
    ids = sorted(set(getattr(_local, "pending", None) or []))
    _local.pending = []
    if ids:
        kirim_pesan_keluar.enqueue(ids)


@transaction.atomic
def pesan_keluar_retry(*, pk: int, by) -> PesanKeluar:
    """Admin: try a failed message again now (one more attempt)."""
    require_role(by, Role.ADMIN, message="Hanya admin yang dapat mengirim ulang pesan.")
    pesan = PesanKeluar.objects.select_for_update().get(pk=pk)
    if not PESAN_KELUAR.may_move(pesan.status, K.MENUNGGU):
        raise ValidationError("Pesan ini tidak sedang gagal.")
    pesan.next_attempt_at = timezone.now()
    PESAN_KELUAR.move(pesan, to=K.MENUNGGU, by=by, update_fields=["next_attempt_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=pesan,
        reason="Pesan keluar dikirim ulang",
        data={"percobaan": pesan.percobaan},
    )
    pesan_keluar_schedule([pesan.pk])
    return pesan


# --- Inbox ---------------------------------------------------------------------------


def pesan_mark_read(*, user, pesan_ids: list[int]) -> None:
    """Mark messages read for this user; callers pass ids from the user's scope."""
    PesanDibaca.objects.bulk_create(
        [PesanDibaca(pesan_id=pk, user=user) for pk in pesan_ids],
        ignore_conflicts=True,
    )


def pesan_mark_all_read(*, user) -> int:
    ids = list(pesan_for_user(user).filter(dibaca=False).values_list("pk", flat=True))
    pesan_mark_read(user=user, pesan_ids=ids)
    return len(ids)


# --- The public status check ---------------------------------------------------------


@dataclass(frozen=True)
class HasilCek:
    hasil: str  # "ditemukan", "tidak_ditemukan" or "dibatasi"
    status: selectors.StatusPublik | None = None


def cek_status_limits() -> tuple[Limit, Limit]:
    """Attempts per address, and wrong answers per number from one address, in one
    window (KIS_CEK_STATUS_MAKS_IP, KIS_CEK_STATUS_MAKS_NOMOR, KIS_CEK_STATUS_JENDELA_MENIT).
    """
    window = datetime.timedelta(
        minutes=int(getattr(settings, "KIS_CEK_STATUS_JENDELA_MENIT", 60))
    )
    return (
        Limit(
            scope="cek-status-ip",
            maks=int(getattr(settings, "KIS_CEK_STATUS_MAKS_IP", 20)),
            jendela=window,
        ),
        Limit(
            scope="cek-status-nomor-ip",
            maks=int(getattr(settings, "KIS_CEK_STATUS_MAKS_NOMOR", 5)),
            jendela=window,
        ),
    )


def cek_status(*, nomor: str, tanggal_lahir: datetime.date, ip: str) -> HasilCek:
    """A citizen's check: the stage, only when the number and birth date match.

    Every attempt counts against the address; wrong answers also count against the
    number *from that address*. So one address guesses a number's birth date at most
    KIS_CEK_STATUS_MAKS_NOMOR times, and a stranger's wrong guesses, from wherever,
    never lock out the citizen who knows the date (issue 21, finding 6).
    """
    per_ip, per_nomor = cek_status_limits()
    nomor_key = f"{nomor}|{ip}"
    if not attempt(per_ip, ip) or not failures_allowed(per_nomor, nomor_key):
        logger.info("cek_status outcome=dibatasi")
        return HasilCek("dibatasi")
    status = selectors.status_publik(nomor=nomor, tanggal_lahir=tanggal_lahir)
    if status is None:
        failure(per_nomor, nomor_key)
    outcome = "ditemukan" if status else "tidak_ditemukan"
    logger.info("cek_status outcome=%s", outcome)
    return HasilCek(outcome, status)
