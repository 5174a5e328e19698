from django.core.management.base import BaseCommand, CommandError

from kis_portal.wilayah.services import WilayahError, load_wilayah


class Command(BaseCommand):
    help = "Load one kabupaten/kota's kecamatan and desa/kelurahan (e.g. 51.08). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "kode_kabupaten", help="Kemendagri code, e.g. 51.08 for Buleleng"
        )

    def handle(self, *args, kode_kabupaten: str, **options):
        try:
            result = load_wilayah(kode_kabupaten=kode_kabupaten)
        except WilayahError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{kode_kabupaten}: kecamatan +{result.kecamatan_created} "
            f"~{result.kecamatan_updated}, desa/kelurahan +{result.desa_created} "
            f"~{result.desa_updated}"
            + ("" if result.changed else " (tidak ada perubahan)")
        )
