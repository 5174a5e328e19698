import django_filters
from django.db.models import Q

from .models import Desa, Kecamatan


class DesaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Cari nama/kode", method="search")
    kecamatan = django_filters.ModelChoiceFilter(
        label="Kecamatan",
        queryset=Kecamatan.objects.all(),
        empty_label="Semua kecamatan",
    )
    jenis = django_filters.ChoiceFilter(
        label="Jenis", choices=Desa.Jenis.choices, empty_label="Desa dan kelurahan"
    )

    class Meta:
        model = Desa
        fields = ["q", "kecamatan", "jenis"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(nama__icontains=value) | Q(kode__startswith=value))
