"""Background jobs of accounts: accounts in bulk and one-time passwords with slips.

Each job ends the same way (`_deliver`): the slips PDF, held in staging for the
admin who started the job until they download it once, and the optional
SMS/WhatsApp. The passwords live only in the worker's memory and in that PDF.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.staging.services import staged_create, staged_delete, staged_read
from kis_portal.wilayah.models import Kecamatan

from . import bulk, imports
from .registry import password_send
from .services import Issued, password_issue
from .slips import STAGING_PURPOSE, slip_for, slips_pdf, sms_text


def _admin(ctx):
    return get_user_model().objects.get(pk=ctx.job.created_by_id)


def _deliver(ctx, issued: list[Issued], *, kirim: bool, done: str) -> None:
    """Slips PDF into staging (its token on the job), messages if asked."""
    admin = _admin(ctx)
    slips = [slip_for(item) for item in issued]
    sent = 0
    if kirim:
        for item, slip in zip(issued, slips, strict=True):
            profile = getattr(item.user, "profile", None)
            phone = profile.telepon if profile else ""
            if password_send(user=item.user, phone=phone, text=sms_text(slip)):
                sent += 1
    params = {**ctx.job.params, "akun": [item.user.pk for item in issued]}
    lines = [done]
    if slips:
        ctx.progress(len(issued), len(issued), "Menyiapkan slip kata sandi...")
        params["slip"] = staged_create(
            content=slips_pdf(slips),
            purpose=STAGING_PURPOSE,
            name="slip-akun.pdf",
            by=admin,
        )
        lines.append(
            f"Slip kata sandi ({len(slips)} slip) dapat diunduh satu kali di "
            f"{reverse('accounts:slip', args=[ctx.job.pk])}."
        )
    if kirim:
        lines.append(f"{sent} kata sandi dikirim lewat SMS/WhatsApp.")
    ctx.job.params = params
    ctx.job.message = "\n".join(lines)
    ctx.job.save(update_fields=["params", "message"])


@job_handler("akun_wilayah", label="Buat akun operator dari daftar wilayah")
def accounts_from_region(
    ctx, *, kecamatan_id: int | None = None, ulang: bool = False
) -> None:
    admin = _admin(ctx)
    kecamatan = None
    if kecamatan_id:
        kecamatan = Kecamatan.objects.filter(pk=kecamatan_id).first()
        if kecamatan is None:
            raise JobFailed("Kecamatan tidak ditemukan lagi.")
    plan = bulk.region_plan(kecamatan=kecamatan, reissue=ulang)
    total = len(plan.create) + len(plan.reissue)
    ctx.progress(0, total, f"Membuat {total} akun...")
    issued, skipped = bulk.region_accounts_create(plan, by=admin, progress=ctx.progress)
    created = len(issued) - len(plan.reissue)
    done = f"{created} akun operator dibuat."
    if plan.reissue:
        done += f" {len(plan.reissue)} kata sandi sementara dibuat ulang."
    if skipped:
        done += f" {skipped} desa dilewati karena sudah punya operator aktif."
    if not issued:
        done = (
            "Tidak ada akun yang dibuat: setiap desa/kelurahan di wilayah ini sudah "
            "punya operator aktif."
        )
    _deliver(ctx, issued, kirim=False, done=done)


@job_handler("akun_berkas", label="Buat akun dari berkas Excel")
def accounts_from_file(ctx, *, token: str, kirim: bool = False) -> None:
    admin = _admin(ctx)
    content = staged_read(token, purpose=imports.STAGING_PURPOSE, by=admin)
    if content is None:
        raise JobFailed("Berkas tidak ditemukan lagi. Unggah ulang berkasnya.")
    try:
        # The preview is not trusted: the stored file is read and checked again.
        preview = imports.parse_accounts(content)
        ctx.progress(0, len(preview.ok_rows), "Membuat akun...")
        issued = imports.file_accounts_create(preview, by=admin, progress=ctx.progress)
    except imports.AccountsFileError as exc:
        raise JobFailed(exc.message) from exc
    finally:
        staged_delete(token, by=admin)
    if not issued:
        raise JobFailed(
            "Tidak ada akun yang dibuat: tidak ada baris yang lolos pemeriksaan "
            "(atau semuanya sudah punya akun). Unggah ulang untuk melihat alasannya."
        )
    done = f"{len(issued)} akun dibuat."
    if skipped := len(preview.rows) - len(issued):
        done += f" {skipped} baris dilewati (salah atau sudah punya akun)."
    _deliver(ctx, issued, kirim=kirim, done=done)


@job_handler("akun_sandi", label="Buat kata sandi sementara")
def accounts_password(
    ctx, *, user_ids: list[int], alasan: str, kirim: bool = False
) -> None:
    """A one-time password for each account (a new one, a reset, a replacement)."""
    admin = _admin(ctx)
    users = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .select_related("profile__desa__kecamatan")
        .order_by("pk")
    )
    if not users:
        raise JobFailed("Akun tidak ditemukan atau sudah nonaktif.")
    issued = []
    for index, user in enumerate(users, start=1):
        issued.append(password_issue(user=user, by=admin, reason=alasan))
        ctx.progress(index, len(users))
    _deliver(ctx, issued, kirim=kirim, done=f"Kata sandi sementara dibuat: {alasan}.")
