from django.urls import path

from . import urls_approval
from .views import antrean

app_name = "verifikasi"

urlpatterns = [
    path("", antrean.queue, name="queue"),
    path("<int:pk>/", antrean.periksa, name="periksa"),
    path("<int:pk>/klaim/", antrean.claim, name="claim"),
    path("<int:pk>/lepas/", antrean.release, name="release"),
    # Field check, the head of office's approval and the SK (same namespace).
    *urls_approval.urlpatterns,
]
