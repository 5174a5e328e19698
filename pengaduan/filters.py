import django_filters
from django import forms
from django.db.models import Q

from kis_portal.roles import operator_desa_id
from kis_portal.wilayah.models import Desa

from .access import is_handler
from .models import Pengaduan
from .selectors import open_q, overdue_q


class PengaduanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari nomor, pelapor, usulan",
        method="search",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("terbuka", "Semua yang belum selesai"), *Pengaduan.Status.choices],
        empty_label="Semua status",
        method="filter_status",
    )
    kategori = django_filters.ChoiceFilter(
        label="Kategori", choices=Pengaduan.Kategori.choices, empty_label="Semua"
    )
    sumber = django_filters.ChoiceFilter(
        label="Sumber", choices=Pengaduan.Sumber.choices, empty_label="Semua sumber"
    )
    desa = django_filters.ModelChoiceFilter(
        label="Desa", queryset=Desa.objects.all(), empty_label="Semua desa"
    )
    terlambat = django_filters.BooleanFilter(
        label="Melewati target",
        method="filter_terlambat",
        widget=forms.CheckboxInput,
    )
    saya = django_filters.BooleanFilter(
        label="Ditugaskan ke saya", method="filter_saya", widget=forms.CheckboxInput
    )

    class Meta:
        model = Pengaduan
        fields = ["q", "status", "kategori", "sumber", "desa", "terlambat", "saya"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and operator_desa_id(user) is not None:
            del self.filters["desa"]
        if user is None or not is_handler(user):
            del self.filters["saya"]

    def search(self, queryset, name, value):
        value = " ".join((value or "").split())
        if not value:
            return queryset
        return queryset.filter(
            Q(nomor__iexact=value)
            | Q(pelapor_nama__icontains=value)
            | Q(usulan__nomor__iexact=value)
            | Q(anggota__nama__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if value == "terbuka":
            return queryset.filter(open_q())
        return queryset.filter(status=value) if value else queryset

    def filter_terlambat(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset

    def filter_saya(self, queryset, name, value):
        return queryset.filter(petugas=self.user) if value else queryset
