from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "kis_portal.jobs"
    label = "jobs"
    verbose_name = "Tugas latar"

    def ready(self) -> None:
        # Each app declares its job handlers in a `jobs.py` module.
        autodiscover_modules("jobs")
