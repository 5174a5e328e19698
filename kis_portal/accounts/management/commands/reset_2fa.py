from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kis_portal.accounts.twofactor import reset_devices


class Command(BaseCommand):
    help = (
        "Hapus aplikasi autentikator (verifikasi dua langkah) seorang pengguna; "
        "ia mendaftarkannya lagi saat masuk berikutnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna {username} tidak ditemukan.")
        count = reset_devices(user, by=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Verifikasi dua langkah {username} direset ({count} perangkat dihapus)."
            )
        )
