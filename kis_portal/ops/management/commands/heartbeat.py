"""Record a periodic job's outcome from outside Django (scripts/backup-job).

manage.py heartbeat backup ok --message "20261123-020000, 1.2 GB"
manage.py heartbeat backup failed --message "pg_dump gagal"
"""

from django.core.management.base import BaseCommand

from kis_portal.ops.periodic import PERIODIC
from kis_portal.ops.services import heartbeat_failed, heartbeat_succeeded


class Command(BaseCommand):
    help = "Catat hasil satu pekerjaan berkala (mis. cadangan) untuk /healthz/detail."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(PERIODIC), help="nama pekerjaan")
        parser.add_argument("outcome", choices=["ok", "failed"])
        parser.add_argument("--message", default="", help="tanpa data pribadi")

    def handle(self, *args, name: str, outcome: str, message: str, **options):
        if outcome == "ok":
            heartbeat_succeeded(name=name, message=message)
        else:
            heartbeat_failed(name=name, message=message or "gagal")
        self.stdout.write(f"{name}: {outcome}")
