from django.apps import AppConfig


class StagingConfig(AppConfig):
    name = "kis_portal.staging"
    label = "staging"
    verbose_name = "Berkas unggahan sementara"
