from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs.exports import BatchNotLocked, batch_workbook, cover_letter_pdf
from rekap_bpjs.models import Batch
from rekap_bpjs.services import batch_letter_number


class Command(BaseCommand):
    help = (
        "Write the BPJS workbook (and optionally the cover letter) of a locked batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("periode", help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the XLSX file to write")
        parser.add_argument("--pdf", help="also write the cover letter (PDF) here")

    def handle(self, *args, periode: str, out: str, pdf: str | None, **options):
        batch = (
            Batch.objects.select_related("locked_by").filter(periode=periode).first()
        )
        if batch is None:
            raise CommandError(f"Rekap {periode} tidak ditemukan.")
        profile = get_active_profile()
        if profile is None:
            raise CommandError("Belum ada profil kantor aktif (jalankan load_profile).")
        try:
            workbook = batch_workbook(batch, profile)
            if pdf and batch.status != Batch.Status.DRAFT:
                batch = batch_letter_number(periode=periode)
            letter = cover_letter_pdf(batch, profile) if pdf else b""
        except BatchNotLocked as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(workbook)
        self.stdout.write(f"Rekap {periode}: berkas XLSX ditulis ke {out}.")
        if pdf:
            Path(pdf).write_bytes(letter)
            self.stdout.write(f"Surat pengantar ditulis ke {pdf}.")
