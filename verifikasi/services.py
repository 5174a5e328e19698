"""The verifier's writes: claim an usulan, decide it with a checklist."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kis_portal.roles import Role, require_role
from usulan.models import Usulan
from usulan.services import usulan_advance, usulan_reject, usulan_return

from .checklist import build_checklist
from .models import Klaim, Pemeriksaan, PemeriksaanItem

logger = logging.getLogger(__name__)


class ClaimHeld(ValidationError):
    pass


class AlreadyDecided(ValidationError):
    pass


def claim_minutes() -> int:
    return int(getattr(settings, "KIS_CLAIM_MINUTES", 60))


MSG_VERIFIER_ONLY = "Hanya verifikator yang dapat memeriksa usulan."


@transaction.atomic
def klaim_take(*, usulan_id: int, by) -> Klaim:
    """Hold an usulan for `KIS_CLAIM_MINUTES`; refuse while another verifier holds it."""
    require_role(by, Role.VERIFIKATOR, message=MSG_VERIFIER_ONLY)
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    if usulan.status != Usulan.Status.DIAJUKAN:
        raise AlreadyDecided("Usulan ini tidak lagi menunggu verifikasi.")
    now = timezone.now()
    klaim = Klaim.objects.filter(usulan=usulan).select_related("verifikator").first()
    if klaim and klaim.verifikator_id != by.pk and klaim.expires_at > now:
        who = klaim.verifikator.get_full_name() or klaim.verifikator.username
        until = timezone.localtime(klaim.expires_at)
        raise ClaimHeld(
            f"Usulan ini sedang diperiksa oleh {who} sampai pukul {until:%H:%M}."
        )
    expires = now + datetime.timedelta(minutes=claim_minutes())
    if klaim:
        klaim.verifikator, klaim.expires_at = by, expires
        klaim.save(update_fields=["verifikator", "expires_at"])
        return klaim
    return Klaim.objects.create(usulan=usulan, verifikator=by, expires_at=expires)


@transaction.atomic
def klaim_release(*, usulan_id: int, by) -> None:
    Klaim.objects.filter(usulan_id=usulan_id, verifikator=by).delete()


def _clean_items(checklist, items: dict[str, dict]) -> list[dict]:
    """One row per checklist item, whatever the form sent (forged keys ignored)."""
    rows = []
    for item in checklist.items:
        sent = items.get(item.key, {})
        ada = bool(sent.get("ada"))
        valid = bool(sent.get("valid")) and ada
        stamped = bool(sent.get("bermeterai")) if item.must_be_stamped else None
        rows.append(
            {
                "item": item,
                "ada": ada,
                "valid": valid,
                "bermeterai": stamped,
                "alasan": (sent.get("alasan") or "").strip()[:300],
            }
        )
    return rows


def _is_ok(row: dict) -> bool:
    return row["ada"] and row["valid"] and row["bermeterai"] is not False


@transaction.atomic
def keputusan_save(
    *, usulan_id: int, by, keputusan: str, items: dict[str, dict], alasan: str = ""
) -> Pemeriksaan:
    """Record one round's checklist and decision; final for that round.

    Accept needs every item present and valid (and stamped where required);
    return needs a reason on each item that is not; reject needs a reason.
    Two verifiers deciding at once: the row lock makes the second one see the
    first decision and get AlreadyDecided, with nothing saved.
    """
    require_role(by, Role.VERIFIKATOR, message=MSG_VERIFIER_ONLY)
    usulan = Usulan.objects.select_for_update().get(pk=usulan_id)
    if usulan.status != Usulan.Status.DIAJUKAN:
        last = (
            usulan.pemeriksaan_set.select_related("verifikator")
            .order_by("-putaran")
            .first()
        )
        who = (
            (last.verifikator.get_full_name() or last.verifikator.username)
            if last
            else "-"
        )
        raise AlreadyDecided(
            f"Usulan ini sudah diputuskan ({usulan.get_status_display()}) oleh {who}. "
            "Keputusan Anda tidak disimpan."
        )
    held = (
        Klaim.objects.filter(usulan=usulan, expires_at__gt=timezone.now())
        .exclude(verifikator=by)
        .select_related("verifikator")
        .first()
    )
    if held:
        who = held.verifikator.get_full_name() or held.verifikator.username
        raise ClaimHeld(
            f"Usulan ini sedang diperiksa oleh {who}; keputusan Anda tidak disimpan."
        )
    checklist = build_checklist(usulan)
    rows = _clean_items(checklist, items)
    alasan = alasan.strip()
    if keputusan == Pemeriksaan.Keputusan.TERIMA:
        bad = [row["item"].label for row in rows if not _is_ok(row)]
        if bad:
            raise ValidationError(
                "Usulan hanya dapat diterima bila semua item ada dan valid. Belum: "
                + "; ".join(bad)
                + "."
            )
    elif (
        keputusan == Pemeriksaan.Keputusan.KEMBALIKAN
        and usulan.jalur == Usulan.Jalur.DARURAT
    ):
        # Nobody would fix it: the faskes adds papers only, the desa does not edit
        # a faskes's case. Wait for the papers, or reject so the faskes resubmits.
        raise ValidationError(
            "Pasien darurat tidak dikembalikan. Tunggu berkas yang menyusul, atau "
            "tolak dengan alasan agar faskes mengajukan ulang."
        )
    elif keputusan == Pemeriksaan.Keputusan.KEMBALIKAN:
        unexplained = [
            r["item"].label for r in rows if not _is_ok(r) and not r["alasan"]
        ]
        if unexplained or not any(r["alasan"] for r in rows):
            raise ValidationError(
                "Tuliskan alasan untuk setiap item yang tidak lengkap/valid: "
                + ("; ".join(unexplained) or "belum ada alasan")
                + "."
            )
    elif keputusan == Pemeriksaan.Keputusan.TOLAK:
        if not alasan:
            raise ValidationError("Alasan penolakan wajib diisi.")
    else:
        raise ValidationError("Keputusan tidak dikenal.")

    putaran = usulan.pemeriksaan_set.count() + 1
    try:
        with transaction.atomic():
            pemeriksaan = Pemeriksaan.objects.create(
                usulan=usulan,
                putaran=putaran,
                verifikator=by,
                keputusan=keputusan,
                alasan=alasan,
            )
    except IntegrityError as exc:
        raise AlreadyDecided(
            "Usulan ini baru saja diputuskan verifikator lain."
        ) from exc
    PemeriksaanItem.objects.bulk_create(
        PemeriksaanItem(
            pemeriksaan=pemeriksaan,
            item=row["item"].key,
            item_label=row["item"].label,
            anggota=row["item"].anggota,
            ada=row["ada"],
            valid=row["valid"],
            bermeterai=row["bermeterai"],
            alasan=row["alasan"],
        )
        for row in rows
    )

    if (
        keputusan == Pemeriksaan.Keputusan.TERIMA
        and usulan.jalur == Usulan.Jalur.DARURAT
    ):
        # An urgent patient: the faskes letter stands in for the field check and
        # the head's approval (docs/domain.md, "Pasien darurat dari faskes").
        usulan_advance(
            usulan_id=usulan.pk,
            to=Usulan.Status.SIAP,
            by=by,
            reason="Pasien darurat: surat faskes dan data valid, langsung siap diusulkan",
        )
    elif keputusan == Pemeriksaan.Keputusan.TERIMA:
        review = checklist.review
        not_in_dtks = [m for m in review.members if not review.dtks[m.nik].terdaftar]
        needs_field_check = bool(
            review.profile and review.profile.field_check_required and not_in_dtks
        )
        usulan_advance(
            usulan_id=usulan.pk,
            to=Usulan.Status.CEK_LAPANGAN if needs_field_check else Usulan.Status.SIAP,
            by=by,
            reason=(
                f"Berkas lengkap; {len(not_in_dtks)} anggota tidak terdaftar di DTKS: cek lapangan"
                if needs_field_check
                else "Berkas lengkap dan valid"
            ),
        )
    elif keputusan == Pemeriksaan.Keputusan.KEMBALIKAN:
        usulan_return(
            usulan_id=usulan.pk,
            by=by,
            notes=[
                {
                    "item": _note_item(row["item"].key, row["item"].anggota),
                    "item_label": row["item"].label,
                    "anggota": row["item"].anggota,
                    "pesan": row["alasan"],
                }
                for row in rows
                if row["alasan"]
            ],
        )
    else:
        usulan_reject(usulan_id=usulan.pk, by=by, reason=alasan)
    Klaim.objects.filter(usulan=usulan).delete()
    logger.info("usulan=%s decided=%s by user=%s", usulan.pk, keputusan, by.pk)
    return pemeriksaan


def _note_item(key: str, anggota) -> str:
    """The desa's page matches notes by requirement code (without the member suffix)."""
    if anggota is not None and key.endswith(f"-{anggota.pk}"):
        return key[: -len(f"-{anggota.pk}")]
    return key
