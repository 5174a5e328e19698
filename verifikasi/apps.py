from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    name = "verifikasi"
    verbose_name = "Verifikasi"
