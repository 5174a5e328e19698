"""The one filter of the dashboard and the reports: a month range and an area."""

import datetime
import re

from django import forms
from django.utils import timezone

from kis_portal.wilayah.models import Desa, Kecamatan

from .selectors import Lingkup

BULAN_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# A longer range is refused: the month chart and the reports stay readable.
MAX_BULAN = 36


def month_start(value: str) -> datetime.date:
    match = BULAN_RE.match(value)
    if not match:
        raise forms.ValidationError("Bulan harus berbentuk YYYY-MM, misalnya 2026-11.")
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_range(months: int = 12) -> tuple[str, str]:
    """The last `months` months up to this one, as YYYY-MM strings."""
    this_month = timezone.localdate().replace(day=1)
    return (
        add_months(this_month, -(months - 1)).strftime("%Y-%m"),
        this_month.strftime("%Y-%m"),
    )


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Desa) -> str:
        return f"{obj.nama} ({obj.kecamatan.nama})"


class LingkupForm(forms.Form):
    """Period (month range) and area. With `period_required=False` the period may be blank."""

    bulan_dari = forms.CharField(
        label="Dari bulan",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    bulan_sampai = forms.CharField(
        label="Sampai bulan",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    kecamatan = forms.ModelChoiceField(
        label="Kecamatan",
        queryset=Kecamatan.objects.order_by("nama"),
        required=False,
        empty_label="Semua kecamatan",
    )
    desa = DesaChoiceField(
        label="Desa/kelurahan",
        queryset=Desa.objects.select_related("kecamatan").order_by(
            "kecamatan__nama", "nama"
        ),
        required=False,
        empty_label="Semua desa/kelurahan",
    )

    def __init__(self, *args, period_required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.period_required = period_required
        if not period_required:
            self.fields["bulan_dari"].required = False
            self.fields["bulan_sampai"].required = False
            self.fields["bulan_dari"].help_text = "Kosongkan untuk semua waktu."

    def clean_bulan_dari(self) -> datetime.date | None:
        value = (self.cleaned_data.get("bulan_dari") or "").strip()
        return month_start(value) if value else None

    def clean_bulan_sampai(self) -> datetime.date | None:
        value = (self.cleaned_data.get("bulan_sampai") or "").strip()
        return month_start(value) if value else None

    def clean(self) -> dict:
        data = super().clean()
        dari, sampai = data.get("bulan_dari"), data.get("bulan_sampai")
        if dari and sampai:
            if dari > sampai:
                raise forms.ValidationError(
                    "Bulan awal tidak boleh sesudah bulan akhir."
                )
            months = (sampai.year - dari.year) * 12 + sampai.month - dari.month + 1
            if months > MAX_BULAN:
                raise forms.ValidationError(
                    f"Rentang paling panjang {MAX_BULAN} bulan."
                )
        desa, kecamatan = data.get("desa"), data.get("kecamatan")
        if desa and kecamatan and desa.kecamatan_id != kecamatan.pk:
            self.add_error(
                "desa", f"{desa} tidak berada di Kecamatan {kecamatan.nama}."
            )
        return data

    def lingkup(self) -> Lingkup:
        """The scope the cleaned form describes (call after is_valid())."""
        data = self.cleaned_data
        dari, sampai = data.get("bulan_dari"), data.get("bulan_sampai")
        return Lingkup(
            start=dari,
            end=add_months(sampai, 1) if sampai else None,
            kecamatan=data.get("kecamatan"),
            desa=data.get("desa"),
        )

    def params(self) -> dict[str, str]:
        """The cleaned values as plain strings, to store on a background job."""
        data = self.cleaned_data
        out = {}
        for key in ("bulan_dari", "bulan_sampai"):
            if data.get(key):
                out[key] = data[key].strftime("%Y-%m")
        for key in ("kecamatan", "desa"):
            if data.get(key):
                out[key] = str(data[key].pk)
        return out
