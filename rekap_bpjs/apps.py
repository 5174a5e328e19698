from django.apps import AppConfig


class RekapBpjsConfig(AppConfig):
    name = "rekap_bpjs"
    verbose_name = "Rekap BPJS"

    def ready(self) -> None:
        # Job handlers beyond jobs.py (autodiscovered by kis_portal.jobs); the
        # home page provider.
        from . import home, jobs_lock, jobs_recon, jobs_result  # noqa: F401, PLC0415
