from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privasi.retention import purge_akses, purge_dokumen


class Command(BaseCommand):
    help = (
        "Delete the stored files of closed cases older than the retention period "
        "(KIS_RETENSI_DOKUMEN_HARI); database rows stay and record the purge. Also "
        "delete access records older than KIS_RETENSI_AKSES_HARI."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only list what would be deleted; delete nothing",
        )
        parser.add_argument(
            "--hari",
            type=int,
            default=None,
            help="retention in days (default: KIS_RETENSI_DOKUMEN_HARI)",
        )

    def handle(self, *args, dry_run: bool, hari: int | None, **options):
        days = hari if hari is not None else settings.KIS_RETENSI_DOKUMEN_HARI
        if days < 1:
            raise CommandError("Masa simpan harus paling sedikit 1 hari.")
        result = purge_dokumen(days=days, dry_run=dry_run)
        verb = "akan dihapus" if dry_run else "dihapus"
        self.stdout.write(
            f"Masa simpan {days} hari: kasus yang selesai sebelum "
            f"{timezone.localtime(result.cutoff):%d-%m-%Y}."
        )
        for key, ids in result.ids.items():
            shown = ", ".join(map(str, ids[:20])) + (" ..." if len(ids) > 20 else "")
            self.stdout.write(
                f"  {result.labels[key]}: {len(ids)} berkas {verb}"
                + (f" (id {shown})" if ids else "")
            )
            if result.failed.get(key):
                self.stderr.write(
                    f"  {result.labels[key]}: {len(result.failed[key])} berkas "
                    "gagal dihapus (lihat log)."
                )
        akses_days = settings.KIS_RETENSI_AKSES_HARI
        if akses_days >= 1:
            akses = purge_akses(days=akses_days, dry_run=dry_run)
            self.stdout.write(
                f"Catatan akses lebih dari {akses_days} hari: {akses} {verb}."
            )
        if dry_run:
            self.stdout.write("Uji coba (--dry-run): tidak ada berkas yang dihapus.")
        else:
            self.stdout.write(f"Selesai: {result.total} berkas dihapus.")
