from django.urls import path

from . import views

app_name = "pengaduan"
urlpatterns = [
    path("", views.pengaduan_list, name="list"),
    path("baru/", views.pengaduan_create, name="create"),
    path("<int:pk>/", views.pengaduan_detail, name="detail"),
    path("<int:pk>/status/", views.pengaduan_status, name="status"),
    path("<int:pk>/tugaskan/", views.pengaduan_assign_view, name="tugaskan"),
    path("<int:pk>/tanggapan/", views.pengaduan_reply_view, name="tanggapi"),
    path("<int:pk>/lampiran/", views.lampiran_tambah_view, name="lampiran_tambah"),
    path("lampiran/<int:pk>/", views.lampiran_view, name="lampiran"),
    path("buku-tamu/", views.buku_tamu, name="buku_tamu"),
]
