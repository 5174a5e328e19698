from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_create_view, name="user_create"),
    path("<int:pk>/ubah/", views.user_edit, name="user_edit"),
]
