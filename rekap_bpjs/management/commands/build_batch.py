from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kis_portal.roles import Role
from rekap_bpjs.services import batch_build


class Command(BaseCommand):
    help = "Build (or rebuild) the draft BPJS batch of a month, e.g. 2026-11."

    def add_arguments(self, parser):
        parser.add_argument("periode", help="YYYY-MM")
        parser.add_argument(
            "--user", help="the staf rekap recorded as builder (default: the first one)"
        )

    def handle(self, *args, periode: str, user: str | None, **options):
        users = get_user_model().objects.filter(is_active=True, groups__name=Role.REKAP)
        by = (
            users.filter(username=user).first()
            if user
            else users.order_by("pk").first()
        )
        if by is None:
            raise CommandError(
                "Tidak ada akun staf rekap BPJS yang aktif (gunakan --user)."
            )
        try:
            result = batch_build(periode=periode, by=by)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        kuota = (
            f"kuota {result.batch.kuota} orang"
            if result.batch.kuota is not None
            else "kuota tidak dibatasi"
        )
        self.stdout.write(
            f"Rekap {periode}: {result.diambil} orang masuk rekap ({kuota}, "
            f"batas {result.batch.tanggal_batas:%d-%m-%Y})."
        )
        for reason, count in sorted(result.menunggu.items()):
            self.stdout.write(f"  menunggu: {count} orang - {reason}")
