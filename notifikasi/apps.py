from django.apps import AppConfig


class NotifikasiConfig(AppConfig):
    name = "notifikasi"
    verbose_name = "Notifikasi dan cek status"

    def ready(self) -> None:
        # Home provider, signal receivers, the accounts' password sender.
        from . import home, providers, receivers  # noqa: F401, PLC0415
