from django.apps import AppConfig


class UsulanConfig(AppConfig):
    name = "usulan"
    verbose_name = "Usulan"
