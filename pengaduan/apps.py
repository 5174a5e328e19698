from django.apps import AppConfig


class PengaduanConfig(AppConfig):
    name = "pengaduan"
    verbose_name = "Pengaduan dan buku tamu"

    def ready(self) -> None:
        from . import home  # noqa: F401, PLC0415 - registers the home page provider
