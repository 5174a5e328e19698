from django.urls import path

from . import views

app_name = "notifikasi"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("dibaca-semua/", views.tandai_semua, name="tandai_semua"),
    path("<int:pk>/", views.buka, name="buka"),
    path("<int:pk>/dibaca/", views.tandai_dibaca, name="tandai_dibaca"),
    path("keluar/", views.keluar_list, name="keluar"),
    path(
        "keluar/<int:pk>/kirim-ulang/",
        views.pesan_keluar_retry,
        name="keluar_kirim_ulang",
    ),
]
