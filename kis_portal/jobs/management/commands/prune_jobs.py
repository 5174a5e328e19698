from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kis_portal.jobs.housekeeping import jobs_prune


class Command(BaseCommand):
    help = (
        "Hapus tugas latar yang selesai lebih dari KIS_TUGAS_SIMPAN_HARI hari lalu, "
        "berkas hasilnya (MEDIA_ROOT/jobs/) dan baris antrean worker-nya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hari", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, hari: int | None, dry_run: bool, **options):
        days = settings.KIS_TUGAS_SIMPAN_HARI if hari is None else hari
        if days < 1:
            raise CommandError("Masa simpan harus paling sedikit 1 hari.")
        result = jobs_prune(days=days, dry_run=dry_run)
        verb = "akan dihapus" if dry_run else "dihapus"
        self.stdout.write(
            f"Masa simpan {days} hari: {result.jobs} tugas, {result.files} berkas hasil, "
            f"{result.orphans} berkas tanpa tugas, {result.task_rows} baris antrean {verb}."
        )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} berkas gagal dihapus (lihat log)."
            )
