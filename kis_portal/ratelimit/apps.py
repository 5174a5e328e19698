from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "kis_portal.ratelimit"
    label = "ratelimit"
    verbose_name = "Pembatasan percobaan"
