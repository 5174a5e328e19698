from django.apps import AppConfig


class RekapBpjsConfig(AppConfig):
    name = "rekap_bpjs"
    verbose_name = "Rekap BPJS"
