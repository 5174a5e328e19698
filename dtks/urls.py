from django.urls import path

from . import views

app_name = "dtks"
urlpatterns = [
    path("", views.dtks_upload, name="upload"),
    path("cari/", views.dtks_search, name="search"),
]
