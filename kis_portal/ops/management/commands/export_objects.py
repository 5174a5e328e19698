"""Export rows with everything that depends on them, to load into another database.

Recovering one household from a backup (docs/deploy.md, "Memulihkan satu keluarga"):
run against the restored copy, then `loaddata` the file into the live database and
copy the listed files:

    manage.py export_objects usulan.Usulan no_kk=5108012345678901 -o /root/kk.json
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kis_portal.ops.export import export_rows


class Command(BaseCommand):
    help = "Ekspor baris (dan semua yang bergantung padanya) untuk loaddata."

    def add_arguments(self, parser):
        parser.add_argument("model", help="app_label.Model, mis. usulan.Usulan")
        parser.add_argument("filters", nargs="+", help="field=nilai, mis. no_kk=...")
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, model: str, filters: list[str], output: Path, **options):
        try:
            lookup = dict(item.split("=", 1) for item in filters)
        except ValueError as exc:
            raise CommandError("tulis penyaring sebagai field=nilai") from exc
        try:
            counts = export_rows(label=model, filters=lookup, output=output)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if not counts:
            raise CommandError("tidak ada baris yang cocok")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"{sum(counts.values())} baris -> {output}")
        self.stdout.write(f"daftar berkas -> {output}.berkas")
