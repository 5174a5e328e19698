from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    name = "verifikasi"
    verbose_name = "Verifikasi"

    def ready(self) -> None:
        from . import home  # noqa: F401, PLC0415 - registers the home page providers
