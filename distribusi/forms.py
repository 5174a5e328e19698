from django import forms
from django.utils import timezone

from .models import Kanal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TerimaNokaForm(forms.Form):
    noka = forms.CharField(
        label="NOKA (satu per baris)",
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "inputmode": "numeric",
                "class": "font-monospace",
                "data-noka-scan": "1",
            }
        ),
        help_text="Arahkan pemindai kode batang ke kartu: setiap kartu satu baris.",
    )
    tanggal = forms.DateField(
        label="Tanggal diterima dari BPJS", widget=DATE, initial=timezone.localdate
    )


class TerimaBatchForm(forms.Form):
    periode = forms.CharField(widget=forms.HiddenInput)
    tanggal = forms.DateField(
        label="Tanggal diterima", widget=DATE, initial=timezone.localdate
    )


class PenerimaForm(forms.Form):
    penerima_nama = forms.CharField(label="Nama penerima", max_length=150)
    penerima_jabatan = forms.CharField(label="Jabatan", max_length=100, required=False)
    penerima_telepon = forms.CharField(label="Nomor HP", max_length=20, required=False)
    catatan = forms.CharField(label="Catatan", max_length=250, required=False)


class SerahLainForm(PenerimaForm):
    kanal = forms.ChoiceField(
        label="Diserahkan melalui",
        choices=[(v, label) for v, label in Kanal.choices if v != Kanal.DESA],
    )


class DiterimaWargaForm(forms.Form):
    tanggal = forms.DateField(
        label="Tanggal diterima warga", widget=DATE, initial=timezone.localdate
    )
    foto = forms.FileField(
        label="Foto penyerahan (opsional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class KembalikanForm(forms.Form):
    alasan = forms.CharField(
        label="Alasan",
        max_length=250,
        widget=forms.TextInput(
            attrs={"placeholder": "Misalnya: pindah domisili, meninggal dunia"}
        ),
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label="Scan tanda terima bertanda tangan (PDF/JPEG/PNG)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
