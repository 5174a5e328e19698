from django.urls import path

from .views import dtks

app_name = "dtks"
urlpatterns = [
    path("", dtks.dtks_upload, name="upload"),
    path("cari/", dtks.dtks_search, name="search"),
]
