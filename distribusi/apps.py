from django.apps import AppConfig


class DistribusiConfig(AppConfig):
    name = "distribusi"
    verbose_name = "Distribusi kartu"
