"""python manage.py import_dtks FILE --periode 2026-Q3 [--rejected-out ditolak.xlsx]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from dtks.imports import (
    DtksFileError,
    ImportResult,
    clean_periode,
    import_dtks,
    rejected_workbook,
)


class ProgressBar:
    """A carriage-return progress bar on the terminal (stderr)."""

    width = 30

    def __init__(self, out: OutputWrapper, *, enabled: bool = True) -> None:
        self.out = out
        self.enabled = enabled
        self.shown = 0

    def __call__(self, stage: str, rows: int, fraction: float | None) -> None:
        if not self.enabled:
            return
        if stage == "menyimpan":
            line = f"Menyimpan {rows:,} baris ke basis data ..."
        elif fraction is None:
            line = f"Membaca {rows:,} baris"
        else:
            filled = int(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"Membaca [{bar}] {fraction:4.0%} {rows:,} baris"
        line = line.replace(",", ".")
        self.out.write("\r" + line.ljust(self.shown), ending="", style_func=_plain)
        self.out.flush()
        self.shown = len(line)

    def finish(self) -> None:
        if self.enabled and self.shown:
            self.out.write("", style_func=_plain)
            self.shown = 0


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = (
        "Impor ekstrak DTKS/DTSEN dari SIKS-NG (teks dengan pemisah | , ; atau tab, "
        "atau XLSX) sebagai satu periode. Impor ulang periode yang sama menggantikan "
        "datanya."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="berkas ekstrak (CSV/TXT atau XLSX)")
        parser.add_argument(
            "--periode",
            required=True,
            help="periode data, misalnya 2026-Q3 (triwulan) atau 2026-07 (bulan)",
        )
        parser.add_argument(
            "--rejected-out",
            dest="rejected_out",
            default="",
            help="tulis baris yang ditolak ke berkas XLSX ini",
        )
        parser.add_argument(
            "--show",
            type=int,
            default=10,
            help="jumlah baris ditolak yang ditampilkan (bawaan 10)",
        )

    def handle(self, *args, **options) -> None:
        try:
            kode = clean_periode(options["periode"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        bar = ProgressBar(self.stderr, enabled=options["verbosity"] > 0)
        try:
            with path.open("rb") as handle:
                result = import_dtks(handle, periode=kode, on_progress=bar)
        except DtksFileError as exc:
            bar.finish()
            if exc.result is not None:
                self._report_rejections(exc.result, options)
            raise CommandError(exc.message) from exc
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Periode {result.periode}: {_n(result.imported)} baris diimpor, "
                f"{_n(result.rejected)} baris ditolak, "
                f"{_n(result.warned)} baris diimpor dengan peringatan."
            )
        )
        if sheets := result.sheets_message():
            self.stdout.write(sheets)
        self._report_rejections(result, options)

    def _report_rejections(self, result: ImportResult, options: dict) -> None:
        shown = result.rejected_sample[: max(0, options["show"])]
        for item in shown:
            self.stdout.write(f"  {item.tempat}: {item.nik or '-'}: {item.alasan}")
        if result.rejected > len(shown):
            self.stdout.write(f"  ... dan {_n(result.rejected - len(shown))} lainnya.")
        if options["rejected_out"] and (result.rejected or result.warned):
            out = Path(options["rejected_out"])
            out.write_bytes(rejected_workbook(result))
            self.stdout.write(f"Baris yang ditolak ditulis ke {out}.")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
