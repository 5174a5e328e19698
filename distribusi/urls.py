from django.urls import path

from . import views

app_name = "distribusi"
urlpatterns = [
    path("", views.kartu_list, name="list"),
    path("ekspor/", views.kartu_export, name="export"),
    path("ringkasan/", views.ringkasan, name="ringkasan"),
    path("terima/", views.terima, name="terima"),
    path("terima/rekap/", views.terima_batch, name="terima_batch"),
    path("desa/", views.desa_page, name="desa"),
    path("kartu/<int:pk>/", views.kartu_detail, name="kartu_detail"),
    path("kartu/<int:pk>/serahkan/", views.kartu_serahkan, name="kartu_serahkan"),
    path("kartu/<int:pk>/diterima/", views.kartu_diterima, name="kartu_diterima"),
    path(
        "kartu/<int:pk>/kembalikan/",
        views.kartu_return_view,
        name="kartu_kembalikan",
    ),
    path("kartu/<int:pk>/foto/", views.kartu_foto, name="kartu_foto"),
    path("serah-terima/", views.serah_terima_list, name="serah_terima_list"),
    path(
        "serah-terima/ekspor/",
        views.serah_terima_export,
        name="serah_terima_export",
    ),
    path("serah-terima/baru/", views.serah_terima_baru, name="serah_terima_baru"),
    path(
        "serah-terima/<int:pk>/",
        views.serah_terima_detail,
        name="serah_terima_detail",
    ),
    path("serah-terima/<int:pk>/pdf/", views.serah_terima_pdf, name="serah_terima_pdf"),
    path(
        "serah-terima/<int:pk>/scan/",
        views.serah_terima_scan_view,
        name="serah_terima_scan",
    ),
]
