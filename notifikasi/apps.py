from django.apps import AppConfig


class NotifikasiConfig(AppConfig):
    name = "notifikasi"
    verbose_name = "Notifikasi dan cek status"

    def ready(self) -> None:
        from . import home, receivers  # noqa: F401, PLC0415 - home provider, signal receiver
