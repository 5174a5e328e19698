import django_filters
from django import forms

from kis_portal.offices.choices import JenisUsulan, Kategori
from kis_portal.widgets import LongSelect
from kis_portal.wilayah.selectors import region_choices

from .models import Usulan
from .selectors import search_usulan


class UsulanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari nama, NIK, No. KK, nomor",
        method="search",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Usulan.Status.choices, empty_label="Semua status"
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
    dari = django_filters.DateFilter(
        label="Dibuat dari",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sampai = django_filters.DateFilter(
        label="sampai",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
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

    class Meta:
        model = Usulan
        fields = [
            "q",
            "status",
            "jenis",
            "kategori",
            "dari",
            "sampai",
            "kecamatan",
            "desa",
        ]

    def __init__(self, *args, for_operator: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if for_operator:
            # An operator's list is one desa already.
            del self.filters["kecamatan"], self.filters["desa"]
        else:
            kecamatan, desa = region_choices()
            self.filters["kecamatan"].extra["choices"] = kecamatan
            self.filters["desa"].extra["choices"] = desa

    @property
    def narrows(self) -> bool:
        """Whether the list may show less than the whole scope (a filter is set)."""
        if not self.is_bound:
            return False
        if not self.form.is_valid():
            return True
        return any(value not in (None, "") for value in self.form.cleaned_data.values())

    def search(self, queryset, name, value):
        return search_usulan(queryset, value)
