"""Send outgoing SMS/WhatsApp messages that are due (new or waiting for a retry).

Run it every few minutes from cron (or a systemd timer) next to the job worker:
    python manage.py kirim_notifikasi
"""

from django.core.management.base import BaseCommand

from notifikasi.tasks import keluar_kirim


class Command(BaseCommand):
    help = "Kirim pesan SMS/WhatsApp yang jatuh tempo (baru atau menunggu dicoba lagi)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batas", type=int, default=500, help="Paling banyak pesan per jalan."
        )

    def handle(self, *args, **options):
        counts = keluar_kirim(limit=options["batas"])
        total = sum(counts.values())
        self.stdout.write(
            f"{total} pesan diproses: "
            f"{counts.get('terkirim', 0)} terkirim, "
            f"{counts.get('ulang', 0)} akan dicoba lagi, "
            f"{counts.get('gagal', 0)} gagal."
        )
