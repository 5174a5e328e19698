import django_filters
from django import forms

from kis_portal.roles import operator_desa_id
from kis_portal.wilayah.models import Desa, Kecamatan
from rekap_bpjs.models import Batch

from .models import Kanal, Kartu, SerahTerima
from .selectors import overdue_q, search_kartu


class KartuFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari nama, NIK, NOKA",
        method="search",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Kartu.Status.choices, empty_label="Semua status"
    )
    terlambat = django_filters.BooleanFilter(
        label="Terlambat diserahkan",
        method="filter_terlambat",
        widget=forms.CheckboxInput,
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label="Kecamatan",
        field_name="desa__kecamatan",
        queryset=Kecamatan.objects.all(),
        empty_label="Semua kecamatan",
    )
    desa = django_filters.ModelChoiceFilter(
        label="Desa", queryset=Desa.objects.all(), empty_label="Semua desa"
    )
    batch = django_filters.ModelChoiceFilter(
        label="Rekap",
        queryset=Batch.objects.all(),
        empty_label="Semua rekap",
    )
    kanal = django_filters.ChoiceFilter(
        label="Saluran",
        field_name="serah_terima__kanal",
        choices=Kanal.choices,
        empty_label="Semua saluran",
    )

    class Meta:
        model = Kartu
        fields = ["q", "status", "terlambat", "kecamatan", "desa", "batch", "kanal"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and operator_desa_id(user) is not None:
            del self.filters["kecamatan"], self.filters["desa"]

    def search(self, queryset, name, value):
        return search_kartu(queryset, value)

    def filter_terlambat(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset


class SerahTerimaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Cari nomor atau penerima", method="search")
    kanal = django_filters.ChoiceFilter(
        label="Saluran", choices=Kanal.choices, empty_label="Semua saluran"
    )
    desa = django_filters.ModelChoiceFilter(
        label="Desa", queryset=Desa.objects.all(), empty_label="Semua desa"
    )
    ditandatangani = django_filters.ChoiceFilter(
        label="Scan bertanda tangan",
        choices=[("ya", "Sudah diunggah"), ("tidak", "Belum diunggah")],
        empty_label="Semua",
        method="filter_scan",
    )

    class Meta:
        model = SerahTerima
        fields = ["q", "kanal", "desa", "ditandatangani"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(nomor__icontains=value) | queryset.filter(
            penerima_nama__icontains=value
        )

    def filter_scan(self, queryset, name, value):
        if value == "ya":
            return queryset.exclude(scan="")
        if value == "tidak":
            return queryset.filter(scan="")
        return queryset
