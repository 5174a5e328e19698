from django.urls import path

from . import views

app_name = "lapor"
urlpatterns = [
    path("", views.lapor, name="form"),
    path("terkirim/", views.lapor_terkirim, name="terkirim"),
]
