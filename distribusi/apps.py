from django.apps import AppConfig


class DistribusiConfig(AppConfig):
    name = "distribusi"
    verbose_name = "Distribusi kartu"

    def ready(self) -> None:
        from . import home  # noqa: F401 - registers the home page providers
