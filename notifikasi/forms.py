import re

import django_filters
from django import forms

from .models import Jenis, PesanKeluar


class CekStatusForm(forms.Form):
    nomor = forms.CharField(
        label="Nomor registrasi",
        max_length=30,
        help_text="Tertulis di tanda terima, contoh: U2511-ABC234.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    tanggal_lahir = forms.DateField(
        label="Tanggal lahir",
        help_text="Tanggal lahir salah satu anggota keluarga dalam usulan.",
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_nomor(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["nomor"]).upper()


class PesanKeluarFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=PesanKeluar.Status.choices, empty_label="Semua status"
    )
    jenis = django_filters.ChoiceFilter(
        label="Jenis", choices=Jenis.choices, empty_label="Semua jenis"
    )

    class Meta:
        model = PesanKeluar
        fields = ["status", "jenis"]
