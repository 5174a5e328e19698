"""Field check, head of office approval and SK penetapan (under /verifikasi/)."""

from django.urls import path

from .views import lapangan, persetujuan

app_name = "verifikasi"
urlpatterns = [
    path("lapangan/", lapangan.lapangan_list, name="lapangan_list"),
    path("lapangan/<int:pk>/", lapangan.lapangan_form, name="lapangan_form"),
    path("foto/<int:pk>/", lapangan.foto, name="foto"),
    path("persetujuan/", persetujuan.approval_list, name="approval_list"),
    path(
        "persetujuan/konfirmasi/",
        persetujuan.approval_confirm,
        name="approval_confirm",
    ),
    path("sk/", persetujuan.sk_list, name="sk_list"),
    path("sk/terbitkan/", persetujuan.sk_issue_view, name="sk_issue"),
    path("sk/<int:pk>/pdf/", persetujuan.sk_pdf, name="sk_pdf"),
]
