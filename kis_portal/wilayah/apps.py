from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "kis_portal.wilayah"
    label = "wilayah"
    verbose_name = "Wilayah"
