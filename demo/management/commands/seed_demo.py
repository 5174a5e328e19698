from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo region, office profiles and demo accounts (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG off (never in production)",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo menolak berjalan dengan DEBUG mati: data demo memakai kata sandi "
                "yang diketahui umum. Gunakan --force hanya di server uji."
            )
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS("Data demo siap."))
        self.stdout.write(f"Akun demo (kata sandi semua: {DEMO_PASSWORD}):")
        for account in accounts:
            desa = f" desa {account.desa_kode}" if account.desa_kode else ""
            if account.kode_faskes:
                desa = f" faskes {account.kode_faskes} ({account.nama_faskes})"
            self.stdout.write(f"  {account.username:<12} {account.role}{desa}")
