from django.urls import path

from . import views

app_name = "laporan"
urlpatterns = [
    path("", views.dasbor, name="dasbor"),
    path("unduh/", views.unduh, name="unduh"),
    path("unduh/bulanan/", views.bulanan, name="bulanan"),
    path("unduh/peserta/", views.peserta, name="peserta"),
]
