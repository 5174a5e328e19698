from django.urls import path

from . import views, views_nonaktif

app_name = "rekap_bpjs"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("susun/", views.batch_build_view, name="build"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("rekomendasi-pembayaran/", views.payment, name="payment"),
    path("nonaktif/", views_nonaktif.nonaktif_list, name="nonaktif_list"),
    path("nonaktif/unggah/", views_nonaktif.nonaktif_upload, name="nonaktif_upload"),
    path("nonaktif/terapkan/", views_nonaktif.nonaktif_apply, name="nonaktif_apply"),
    path(
        "nonaktif/<int:pk>/tindak-lanjut/",
        views_nonaktif.nonaktif_close_view,
        name="nonaktif_close",
    ),
    path("<str:periode>/", views.batch_detail, name="detail"),
    path("<str:periode>/anggota/<int:item_id>/", views.batch_member, name="member"),
    path("<str:periode>/kunci/", views.batch_lock_view, name="lock"),
    path("<str:periode>/tutup/", views.batch_close_view, name="close"),
    path("<str:periode>/ekspor/", views.batch_export, name="export"),
    path("<str:periode>/berkas/<int:file_id>/", views.batch_file, name="file"),
    path("<str:periode>/hasil/", views.result_upload, name="result_upload"),
    path("<str:periode>/hasil/terapkan/", views.result_apply_view, name="result_apply"),
]
