from django.apps import AppConfig


class UsulanConfig(AppConfig):
    name = "usulan"
    verbose_name = "Usulan"

    def ready(self) -> None:
        from . import home  # noqa: F401, PLC0415 - registers the home page provider
