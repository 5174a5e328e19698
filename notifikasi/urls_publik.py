from django.urls import path

from . import views_publik

app_name = "publik"
urlpatterns = [
    path("", views_publik.cek_status, name="cek_status"),
]
