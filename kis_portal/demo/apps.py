from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kis_portal.demo"
    label = "demo"
    verbose_name = "Data demo"
