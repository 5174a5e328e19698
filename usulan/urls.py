from django.urls import path

from .views import bulk, darurat, dokumen, loket, pengajuan, siksng, usulan

app_name = "usulan"
urlpatterns = [
    path("", usulan.usulan_list, name="list"),
    path("baru/", usulan.usulan_create, name="create"),
    path("<int:pk>/", usulan.usulan_detail, name="detail"),
    path("<int:pk>/ubah/", usulan.usulan_edit, name="edit"),
    path("<int:pk>/ajukan/", usulan.usulan_submit_view, name="submit"),
    path("<int:pk>/hapus/", usulan.usulan_delete, name="delete"),
    path(
        "<int:pk>/siks-ng/<int:anggota_pk>/",
        siksng.usulan_siksng,
        name="siksng",
    ),
    path(
        "<int:pk>/dokumen/<str:key>/",
        dokumen.usulan_dokumen_upload,
        name="dokumen_upload",
    ),
    path("dokumen/<int:pk>/", dokumen.dokumen_download, name="dokumen_download"),
    path("pengajuan/", pengajuan.pengajuan_list, name="pengajuan_list"),
    path("pengajuan/baru/", pengajuan.pengajuan_create_view, name="pengajuan_create"),
    path("pengajuan/<int:pk>/", pengajuan.pengajuan_detail, name="pengajuan_detail"),
    path(
        "pengajuan/<int:pk>/dokumen/<str:kode>/",
        pengajuan.pengajuan_dokumen_upload,
        name="pengajuan_dokumen_upload",
    ),
    path(
        "pengajuan/<int:pk>/ajukan/",
        pengajuan.pengajuan_submit_all,
        name="pengajuan_submit",
    ),
    path("loket/", loket.loket_create, name="loket_create"),
    path("<int:pk>/tanda-terima.pdf", loket.loket_receipt, name="loket_receipt"),
    path("<int:pk>/berkas-loket/", loket.loket_berkas, name="loket_berkas"),
    path("darurat/", darurat.darurat_list, name="darurat_list"),
    path("darurat/baru/", darurat.darurat_create, name="darurat_create"),
    path("darurat/<int:pk>/", darurat.darurat_detail, name="darurat_detail"),
    path("darurat/<int:pk>/berkas/", darurat.darurat_berkas, name="darurat_berkas"),
    path("impor/", bulk.bulk_upload, name="bulk_upload"),
    path("impor/templat.xlsx", bulk.bulk_template, name="bulk_template"),
    path("impor/konfirmasi/", bulk.bulk_confirm, name="bulk_confirm"),
]
