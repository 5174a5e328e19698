import re

from django import forms

from kis_portal.audit.models import AksesData
from kis_portal.identifiers import clean_digits, normalise_phone, rt_rw_validator


def _nik(value: str) -> str:
    nik = clean_digits(value)
    if not re.fullmatch(r"[0-9]{16}", nik):
        raise forms.ValidationError("NIK harus 16 angka.", code="nik")
    return nik


class AksesFilterForm(forms.Form):
    pengguna = forms.CharField(label="Pengguna", max_length=150, required=False)
    nik = forms.CharField(label="NIK", max_length=40, required=False)
    dari = forms.DateField(
        label="Dari tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sampai = forms.DateField(
        label="Sampai tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tindakan = forms.ChoiceField(
        label="Tindakan",
        required=False,
        choices=[("", "Semua tindakan"), *AksesData.Tindakan.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_nik(self) -> str:
        value = self.cleaned_data["nik"]
        return _nik(value) if value.strip() else ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError("Tanggal awal harus sebelum tanggal akhir.")
        return data


class SubjekForm(forms.Form):
    nik = forms.CharField(
        label="NIK warga",
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_nik(self) -> str:
        return _nik(self.cleaned_data["nik"])


class KoreksiForm(forms.Form):
    """The fields an admin may correct for a person (and their household address)."""

    nama = forms.CharField(label="Nama lengkap", max_length=150)
    tempat_lahir = forms.CharField(label="Tempat lahir", max_length=100)
    tanggal_lahir = forms.DateField(
        label="Tanggal lahir",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    telepon = forms.CharField(label="Nomor HP", max_length=20, required=False)
    alamat = forms.CharField(label="Alamat keluarga", max_length=250)
    rt = forms.CharField(label="RT", max_length=3, validators=[rt_rw_validator])
    rw = forms.CharField(
        label="RW", max_length=3, required=False, validators=[rt_rw_validator]
    )
    alasan = forms.CharField(
        label="Alasan/dasar koreksi",
        max_length=250,
        help_text="Misalnya: permintaan warga dengan bukti KTP-el, tanggal permintaan.",
    )

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])

    @classmethod
    def for_anggota(cls, anggota, data=None) -> "KoreksiForm":
        usulan = anggota.usulan
        return cls(
            data=data,
            prefix=f"a{anggota.pk}",
            initial={
                "nama": anggota.nama,
                "tempat_lahir": anggota.tempat_lahir,
                "tanggal_lahir": anggota.tanggal_lahir,
                "telepon": anggota.telepon,
                "alamat": usulan.alamat,
                "rt": usulan.rt,
                "rw": usulan.rw,
            },
        )
