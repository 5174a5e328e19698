from django.apps import AppConfig


class PengaduanConfig(AppConfig):
    name = "pengaduan"
    verbose_name = "Pengaduan dan buku tamu"
