from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_create_view, name="user_create"),
    path("<int:pk>/ubah/", views.user_edit, name="user_edit"),
    path("<int:pk>/buka-kunci/", views.user_unlock, name="user_unlock"),
    path("<int:pk>/reset-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
]
