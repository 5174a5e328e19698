from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "kis_portal.ops"
    label = "ops"
    verbose_name = "Operasi server"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready; importing
        # the module registers the `check --deploy` checks.
        from . import checks  # noqa: F401, PLC0415
