"""Deactivate operator accounts without a login for KIS_AKUN_DIAM_HARI days (daily).

manage.py deactivate_dormant            # what the timer runs
manage.py deactivate_dormant --dry-run  # only list them
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from kis_portal.accounts.selectors import dormant_users
from kis_portal.accounts.services import dormant_deactivate
from kis_portal.roles import Role


class Command(BaseCommand):
    help = (
        "Nonaktifkan akun operator desa yang tidak masuk selama KIS_AKUN_DIAM_HARI "
        "hari; admin melihatnya di beranda."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="hanya tampilkan, tanpa mengubah"
        )

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.KIS_AKUN_DIAM_HARI
        if dry_run:
            names = list(
                dormant_users()
                .filter(groups__name=Role.OPERATOR_DESA)
                .order_by("username")
                .values_list("username", flat=True)
            )
            self.stdout.write(
                f"Uji coba (--dry-run): {len(names)} akun operator tidak masuk "
                f"{days} hari atau lebih."
            )
            for name in names:
                self.stdout.write(f"  {name}")
            return
        users = dormant_deactivate()
        self.stdout.write(
            f"{len(users)} akun operator dinonaktifkan (tidak masuk {days} hari atau "
            "lebih)."
        )
