from django.conf import settings
from django.core.management.base import BaseCommand

from kis_portal.staging.services import staged_purge


class Command(BaseCommand):
    help = (
        "Delete uploads held for a preview or a background job once they are older "
        "than KIS_STAGING_JAM hours, and stray upload files. Run it from cron."
    )

    def handle(self, *args, **options):
        result = staged_purge()
        self.stdout.write(
            f"Berkas unggahan sementara lebih dari {settings.KIS_STAGING_JAM} jam: "
            f"{result.expired} dihapus; berkas tanpa catatan: {result.stray} dihapus."
        )
