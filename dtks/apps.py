from django.apps import AppConfig


class DtksConfig(AppConfig):
    name = "dtks"
    verbose_name = "DTKS/DTSEN"
