from django.urls import path

from . import views

app_name = "wilayah"
urlpatterns = [
    path("", views.kecamatan_list, name="kecamatan_list"),
    path("desa-saya/", views.my_desa, name="my_desa"),
    path("desa/<str:kode>/", views.desa_detail, name="desa_detail"),
]
