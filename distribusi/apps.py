from django.apps import AppConfig


class DistribusiConfig(AppConfig):
    name = "distribusi"
    verbose_name = "Distribusi kartu"

    def ready(self) -> None:
        # Registers the home page items and the card lines of the usulan page.
        from . import home, providers  # noqa: F401, PLC0415
