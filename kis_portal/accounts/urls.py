from django.urls import path

from . import views, views_onboarding

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_create_view, name="user_create"),
    path("<int:pk>/ubah/", views.user_edit, name="user_edit"),
    path("<int:pk>/buka-kunci/", views.user_unlock, name="user_unlock"),
    path("<int:pk>/reset-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
    path(
        "<int:pk>/sandi-sementara/",
        views_onboarding.user_password_reset,
        name="user_password_reset",
    ),
    path(
        "<int:pk>/ganti-operator/",
        views_onboarding.operator_replace_view,
        name="operator_replace",
    ),
    path("massal/", views_onboarding.accounts_bulk, name="bulk"),
    path("massal/wilayah/", views_onboarding.accounts_bulk_region, name="bulk_region"),
    path(
        "massal/templat/",
        views_onboarding.accounts_bulk_template,
        name="bulk_template",
    ),
    path("massal/berkas/", views_onboarding.accounts_bulk_upload, name="bulk_upload"),
    path(
        "massal/berkas/konfirmasi/",
        views_onboarding.accounts_bulk_confirm,
        name="bulk_confirm",
    ),
    path("slip/<int:pk>/", views_onboarding.slip, name="slip"),
    path("slip/<int:pk>/unduh/", views_onboarding.slip_download, name="slip_download"),
]
