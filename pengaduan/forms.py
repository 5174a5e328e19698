from django import forms
from django.utils import timezone

from kis_portal.wilayah.models import Desa

from .models import BukuTamu, Pengaduan
from .selectors import handler_users
from .services import laporan_errors

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def desa_choices() -> list:
    groups: dict[str, list] = {}
    for desa in Desa.objects.select_related("kecamatan").order_by(
        "kecamatan__nama", "nama"
    ):
        groups.setdefault(f"Kec. {desa.kecamatan.nama}", []).append(
            (desa.pk, str(desa))
        )
    return [("", "Pilih desa/kelurahan"), *groups.items()]


class DesaField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Desa/kelurahan")
        super().__init__(coerce=int, **kwargs)


class _LaporanFields(forms.Form):
    kategori = forms.ChoiceField(
        label="Kategori",
        choices=[("", "Pilih kategori"), *Pengaduan.Kategori.choices],
    )
    uraian = forms.CharField(
        label="Uraian pengaduan",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Apa masalahnya, sejak kapan, dan apa yang sudah dilakukan.",
    )
    lampiran = forms.FileField(
        label="Lampiran (tidak wajib)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF, JPG atau PNG, misalnya foto kartu yang datanya salah.",
    )

    def clean_desa(self) -> Desa:
        try:
            return Desa.objects.get(pk=self.cleaned_data["desa"])
        except Desa.DoesNotExist as exc:
            raise forms.ValidationError("Pilih desa/kelurahan dari daftar.") from exc


class PengaduanForm(_LaporanFields):
    """A desa operator or the counter records a complaint."""

    field_order = [
        "desa",
        "nomor_usulan",
        "nik_anggota",
        "kategori",
        "uraian",
        "pelapor_nama",
        "pelapor_telepon",
        "lampiran",
    ]
    desa = DesaField(required=False, help_text="Terisi dari usulan bila nomor diisi.")
    nomor_usulan = forms.CharField(
        label="Nomor registrasi usulan",
        max_length=20,
        required=False,
        help_text="Misalnya U2611-ABC234, tercetak di tanda terima usulan.",
    )
    nik_anggota = forms.CharField(
        label="NIK anggota yang diadukan",
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    pelapor_nama = forms.CharField(label="Nama warga yang mengadu", max_length=150)
    pelapor_telepon = forms.CharField(
        label="Nomor HP warga",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, is_operator: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if is_operator:
            del self.fields["desa"]
        else:
            self.fields["desa"].choices = desa_choices()

    def clean(self):
        data = super().clean()
        if (
            "desa" in self.fields
            and not data.get("desa")
            and not data.get("nomor_usulan")
            and "desa" not in self.errors
        ):
            self.add_error("desa", "Pilih desa/kelurahan atau isi nomor usulan.")
        return data

    def clean_desa(self):
        if not self.cleaned_data.get("desa"):
            return None
        return super().clean_desa()


class LaporPublikForm(_LaporanFields):
    """The public form: no login, so only what the office needs to call back."""

    field_order = [
        "pelapor_nama",
        "pelapor_telepon",
        "desa",
        "nomor_usulan",
        "kategori",
        "uraian",
        "lampiran",
        "website",
    ]
    pelapor_nama = forms.CharField(label="Nama lengkap", max_length=150)
    pelapor_telepon = forms.CharField(
        label="Nomor HP/WhatsApp",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    desa = DesaField(label="Desa/kelurahan tempat tinggal")
    nomor_usulan = forms.CharField(
        label="Nomor registrasi usulan (bila ada)",
        max_length=20,
        required=False,
        help_text="Tercetak di tanda terima dari desa atau loket, misalnya U2611-ABC234.",
    )
    # A field people never see: bots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        label="Jangan diisi",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desa"].choices = desa_choices()

    def clean(self) -> dict:
        data = super().clean()
        # The service's own checks too, so one send shows every problem.
        for field, messages in laporan_errors(
            kategori=self.data.get("kategori", ""),
            uraian=self.data.get("uraian", ""),
            pelapor_nama=self.data.get("pelapor_nama", ""),
            pelapor_telepon=self.data.get("pelapor_telepon", ""),
            publik=True,
        ).items():
            if field not in self.errors:
                self.add_error(field, messages)
        return data


class TugaskanForm(forms.Form):
    petugas = forms.ModelChoiceField(
        label="Petugas", queryset=None, empty_label="Pilih petugas"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petugas"].queryset = handler_users()
        self.fields["petugas"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status baru", choices=Pengaduan.Status.choices)
    alasan = forms.CharField(
        label="Keterangan",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Wajib saat menyelesaikan atau membuka kembali.",
    )

    def __init__(self, *args, allowed=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Pengaduan.Status.choices
                if value in allowed
            ]


class TanggapanForm(forms.Form):
    isi = forms.CharField(
        label="Tanggapan",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal = forms.BooleanField(
        label="Catatan internal (tidak terlihat oleh desa)", required=False
    )

    def __init__(self, *args, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]


class LampiranForm(forms.Form):
    berkas = forms.FileField(
        label="Tambah lampiran",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class BukuTamuForm(forms.Form):
    nama = forms.CharField(
        label="Nama tamu",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    asal = forms.CharField(label="Alamat/asal desa", max_length=150, required=False)
    telepon = forms.CharField(
        label="Nomor HP",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    keperluan = forms.ChoiceField(
        label="Keperluan",
        choices=[("", "Pilih keperluan"), *BukuTamu.Keperluan.choices],
    )
    keterangan = forms.CharField(label="Keterangan", max_length=250, required=False)
    jam = forms.TimeField(
        label="Jam masuk",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Kosongkan untuk jam sekarang.",
    )


class TanggalForm(forms.Form):
    tanggal = forms.DateField(
        label="Tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def tanggal_or_today(self):
        if self.is_valid() and self.cleaned_data.get("tanggal"):
            return self.cleaned_data["tanggal"]
        return timezone.localdate()
