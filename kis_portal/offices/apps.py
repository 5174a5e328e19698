from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "kis_portal.offices"
    label = "offices"
    verbose_name = "Profil kantor"
