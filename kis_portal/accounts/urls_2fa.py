from django.urls import path

from . import views_2fa

app_name = "two_factor"
urlpatterns = [
    path("", views_2fa.verify, name="verify"),
    path("daftar/", views_2fa.enrol, name="enrol"),
]
