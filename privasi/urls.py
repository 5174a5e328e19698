from django.urls import path

from . import views

# The section is "Audit" to the office (/audit/): its URL names keep that prefix.
app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("ekspor/", views.audit_export, name="export"),
    path("akses/", views.akses_list, name="akses"),
    path("subjek/", views.subjek, name="subjek"),
    path("subjek/pdf/", views.subjek_pdf, name="subjek_pdf"),
    path(
        "subjek/koreksi/<int:anggota_id>/", views.subjek_koreksi, name="subjek_koreksi"
    ),
]
