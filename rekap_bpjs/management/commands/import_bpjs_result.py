from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kis_portal.privacy import mask_identifier
from kis_portal.roles import Role
from rekap_bpjs.imports import PreviewRow, parse_result, preview_result
from rekap_bpjs.results import get_result_batch, result_apply

SHOWN = 20


class Command(BaseCommand):
    help = "Import BPJS's result file (XLSX or CSV) for a month's batch, e.g. 2026-11."

    def add_arguments(self, parser):
        parser.add_argument("periode", help="YYYY-MM")
        parser.add_argument("file", help="the result file (.xlsx or .csv)")
        parser.add_argument(
            "--user",
            help="the staf rekap recorded as importer (default: the first one)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show the preview, change nothing"
        )

    def handle(self, *args, periode: str, file: str, user: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        content = path.read_bytes()
        try:
            if options["dry_run"]:
                batch = get_result_batch(periode)
                preview = preview_result(batch, parse_result(content, path.name))
                counts = preview.counts
                problems = preview.unmatched + preview.malformed + preview.conflicts
                self.stdout.write(
                    f"Pratinjau (tidak ada yang diubah), rekap {periode}:"
                )
            else:
                result = result_apply(
                    periode=periode,
                    content=content,
                    filename=path.name,
                    by=self._user(user),
                )
                counts = result.counts
                problems = (
                    []
                    if result.preview is None
                    else result.preview.unmatched
                    + result.preview.malformed
                    + result.preview.conflicts
                )
                if result.already:
                    self.stdout.write(
                        "Berkas ini sudah pernah diimpor: tidak ada yang diubah."
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"terdaftar {counts.get('terdaftar', 0)}, gagal {counts.get('gagal', 0)}, "
            f"tidak cocok {counts.get('tidak_cocok', 0)}, "
            f"salah format {counts.get('salah_format', 0)}"
        )
        self.stdout.write(
            f"  duplikat {counts.get('duplikat', 0)}, "
            f"konflik {counts.get('konflik', 0)}, "
            f"tidak berubah {counts.get('tidak_berubah', 0)}, "
            f"masih menunggu hasil {counts.get('menunggu', 0)}"
        )
        for row in sorted(problems, key=lambda r: r.number)[:SHOWN]:
            self.stdout.write(self._line(row))
        if len(problems) > SHOWN:
            self.stdout.write(f"  ... dan {len(problems) - SHOWN} baris lain")

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True, groups__name=Role.REKAP)
        by = (
            users.filter(username=username).first()
            if username
            else users.order_by("pk").first()
        )
        if by is None:
            raise CommandError(
                "Tidak ada akun staf rekap BPJS yang aktif (gunakan --user)."
            )
        return by

    @staticmethod
    def _line(row: PreviewRow) -> str:
        nik = mask_identifier(row.nik) if row.nik else "-"
        return f"  baris {row.number}: NIK {nik}: {row.reason}"
