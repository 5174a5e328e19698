import datetime

import django_filters
from django import forms
from django.utils import timezone

from kis_portal.offices.choices import JenisUsulan, Kategori
from kis_portal.widgets import LongSelect
from kis_portal.wilayah.selectors import region_choices
from usulan.models import Usulan
from usulan.selectors import search_usulan


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari nama, NIK, No. KK, nomor",
        method="search",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Choices filled from one query in __init__ (region_choices).
    kecamatan = django_filters.ChoiceFilter(
        label="Kecamatan",
        field_name="desa__kecamatan",
        empty_label="Semua kecamatan",
        widget=LongSelect,
    )
    desa = django_filters.ChoiceFilter(
        label="Desa", empty_label="Semua desa", widget=LongSelect
    )
    jenis = django_filters.ChoiceFilter(
        label="Jenis", choices=JenisUsulan.choices, empty_label="MIG34 dan MIG37"
    )
    kategori = django_filters.ChoiceFilter(
        label="Kategori",
        choices=Kategori.choices,
        empty_label="Semua kategori",
        field_name="anggota_set__kategori",
        distinct=True,
    )
    dtks = django_filters.ChoiceFilter(
        label="DTKS",
        choices=[("ya", "Semua anggota di DTKS"), ("tidak", "Ada anggota non-DTKS")],
        empty_label="DTKS dan non-DTKS",
        method="filter_dtks",
    )
    umur = django_filters.NumberFilter(
        label="Menunggu paling sedikit (hari)",
        method="filter_age",
        min_value=0,
        max_value=36500,  # a timedelta of more days overflows
    )

    class Meta:
        model = Usulan
        fields = ["q", "kecamatan", "desa", "jenis", "kategori", "dtks", "umur"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kecamatan, desa = region_choices()
        self.filters["kecamatan"].extra["choices"] = kecamatan
        self.filters["desa"].extra["choices"] = desa

    def search(self, queryset, name, value):
        return search_usulan(queryset, value)

    def filter_dtks(self, queryset, name, value):
        return queryset.filter(ada_non_dtks=(value == "tidak"))

    def filter_age(self, queryset, name, value):
        cutoff = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(submitted_at__lte=cutoff)
