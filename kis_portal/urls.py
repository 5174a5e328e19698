from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kis_portal.accounts import views as account_views
from kis_portal.accounts.forms import LoginForm

from . import views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/detail", views.healthz_detail, name="healthz_detail"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", include("kis_portal.accounts.urls_2fa")),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path(
        "accounts/password/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("usulan/", include("usulan.urls")),
    path("verifikasi/", include("verifikasi.urls")),
    path("dtks/", include("dtks.urls")),
    path("rekap/", include("rekap_bpjs.urls")),
    path("distribusi/", include("distribusi.urls")),
    path("pengaduan/", include("pengaduan.urls")),
    path("notifikasi/", include("notifikasi.urls")),
    path("laporan/", include("laporan.urls")),
    # Public pages, no login: a citizen's status check and complaint form.
    path("cek-status/", include("notifikasi.urls_publik")),
    path("lapor/", include("pengaduan.urls_publik")),
    path("aksesibilitas/", views.aksesibilitas, name="aksesibilitas"),
    path("pengguna/", include("kis_portal.accounts.urls")),
    path("wilayah/", include("kis_portal.wilayah.urls")),
    path("tugas/", include("kis_portal.jobs.urls")),
    path("audit/", include("privasi.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "kis_portal.views.permission_denied"
handler404 = "kis_portal.views.page_not_found"
handler500 = "kis_portal.views.server_error"
