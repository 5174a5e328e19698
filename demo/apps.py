from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the tests; installed only when DEBUG is on or
    KIS_DEMO asks for it (settings.py), never in a production deployment."""

    name = "demo"
    verbose_name = "Data demo"
