from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from kis_portal.identifiers import (
    clean_digits,
    normalise_phone,
    validate_kk,
    validate_nik,
)
from kis_portal.offices.choices import (
    AlasanReaktivasi,
    BerlakuUntuk,
    JenisUsulan,
    Kategori,
    Kondisi,
    Level,
)
from kis_portal.offices.models import DocumentRequirement, OfficeProfile
from kis_portal.wilayah.access import desa_for_user
from kis_portal.wilayah.models import Desa

from .checks import household_errors, member_errors, members_together_errors
from .models import Anggota, Pengajuan, Usulan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class UsulanForm(forms.ModelForm):
    """The household: No. KK, address, phone, and for MIG37 the previous card."""

    class Meta:
        model = Usulan
        fields = [
            "jenis",
            "no_kk",
            "alamat",
            "rt",
            "rw",
            "telepon",
            "tanpa_kabar_hp",
            "noka_lama",
            "segmen_asal",
            "reaktivasi_alasan",
            "reaktivasi_nonaktif_sejak",
            "reaktivasi_keterangan",
        ]
        widgets = {
            "reaktivasi_nonaktif_sejak": DATE_WIDGET,
            "jenis": forms.RadioSelect,
            "no_kk": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            "rt": forms.TextInput(attrs={"inputmode": "numeric"}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric"}),
            "telepon": forms.TextInput(
                attrs={
                    "inputmode": "tel",
                    "placeholder": "08...",
                    "autocomplete": "off",
                }
            ),
            "noka_lama": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "noka_lama": (
                "Hanya MIG37: NOKA lama kepala keluarga, 13 angka. Dipakai untuk "
                "kepala keluarga bila NOKA lama tiap anggota tidak diisi."
            ),
            "reaktivasi_nonaktif_sejak": (
                "Hanya reaktivasi: tanggal kartu PBI dinonaktifkan BPJS."
            ),
            "reaktivasi_keterangan": "Wajib bila alasannya Lainnya.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = JenisUsulan.choices
        self.fields["reaktivasi_alasan"].choices = [
            ("", "Bukan reaktivasi"),
            *AlasanReaktivasi.choices,
        ]
        self.fields["reaktivasi_nonaktif_sejak"].input_formats = DATE_FORMATS
        for name in ("no_kk", "noka_lama", "rt", "rw", "telepon"):
            # Identifiers are cleaned before their length is checked.
            self.fields[name].max_length = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("maxlength", None)

    def clean_no_kk(self) -> str:
        return validate_kk(self.cleaned_data["no_kk"])

    def clean_rt(self) -> str:
        return _rt_rw(self.cleaned_data["rt"])

    def clean_rw(self) -> str:
        return _rt_rw(self.cleaned_data["rw"]) if self.cleaned_data["rw"] else ""

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])

    def clean_noka_lama(self) -> str:
        noka = clean_digits(self.cleaned_data["noka_lama"])
        if noka and (len(noka) != 13 or not noka.isdigit()):
            raise ValidationError("Nomor kartu (NOKA) harus 13 angka.")
        return noka

    def clean(self) -> dict:
        data = super().clean()
        for field, message in household_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


def _rt_rw(value: str) -> str:
    digits = clean_digits(value)
    if not digits.isdigit() or len(digits) > 3:
        raise ValidationError("Isi dengan angka, misalnya 003.")
    return digits.zfill(3)


class AnggotaForm(forms.ModelForm):
    class Meta:
        model = Anggota
        fields = [
            "nik",
            "nama",
            "tempat_lahir",
            "tanggal_lahir",
            "jenis_kelamin",
            "shdk",
            "status_kawin",
            "kategori",
            "kode_faskes",
            "nama_faskes",
            "telepon",
            "catatan",
            "noka_lama",
        ]
        widgets = {
            "noka_lama": forms.TextInput(attrs={"inputmode": "numeric"}),
            "nik": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "data-nik": "1"}
            ),
            "tanggal_lahir": DATE_WIDGET,
            "telepon": forms.TextInput(
                attrs={
                    "inputmode": "tel",
                    "placeholder": "08...",
                    "autocomplete": "off",
                }
            ),
            "kode_faskes": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        # An example inside the box looked like a value already filled in.
        help_texts = {"kode_faskes": "Contoh: 09020107 (8 karakter, dari puskesmas)."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal_lahir"].input_formats = DATE_FORMATS
        self.fields["kategori"].choices = [("", "---------"), *Kategori.choices]
        self.fields["noka_lama"].help_text = (
            "Hanya MIG37: nomor kartu JKN anggota ini sebelumnya, 13 angka. Tiap "
            "anggota punya NOKA sendiri; kosongkan bila anggota belum pernah punya."
        )
        for name in ("nik", "telepon", "kode_faskes", "noka_lama"):
            self.fields[name].max_length = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("maxlength", None)
        # A member BPJS registered is shown, not edited: its NOKA is tied to it.
        self.terkunci = bool(self.instance.pk and self.instance.is_enrolled)
        if self.terkunci:
            for field in self.fields.values():
                field.disabled = True

    def clean_nik(self) -> str:
        return validate_nik(self.cleaned_data["nik"])

    def clean_noka_lama(self) -> str:
        noka = clean_digits(self.cleaned_data.get("noka_lama", ""))
        if noka and (len(noka) != 13 or not noka.isdigit()):
            raise ValidationError("NOKA lama harus 13 angka.")
        return noka

    def clean_nama(self) -> str:
        return " ".join(self.cleaned_data["nama"].split()).upper()

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])

    def clean_kode_faskes(self) -> str:
        code = self.cleaned_data["kode_faskes"].strip().upper()
        if code and (len(code) != 8 or not code.isalnum()):
            raise ValidationError(
                "Kode faskes harus 8 karakter huruf/angka, misalnya 09020107."
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        for field, message in member_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class BaseAnggotaFormSet(BaseInlineFormSet):
    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        live = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        if not live:
            raise ValidationError("Isi setidaknya satu anggota keluarga.")
        errors = members_together_errors(
            [form.cleaned_data.get("nik") for form in live],
            exclude_usulan_id=self.instance.pk,
            user=self.user,
        )
        for index, message in errors.items():
            if "nik" not in live[index].errors:
                live[index].add_error("nik", message)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if getattr(form, "terkunci", False):
            form.fields["DELETE"].disabled = True

    def member_rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            row = dict(form.cleaned_data)
            row["id"] = form.instance.pk
            row["DELETE"] = self._should_delete_form(form)
            rows.append(row)
        return rows


AnggotaFormSet = inlineformset_factory(
    Usulan,
    Anggota,
    form=AnggotaForm,
    formset=BaseAnggotaFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class PengajuanForm(forms.ModelForm):
    class Meta:
        model = Pengajuan
        fields = ["nomor_surat", "tanggal_surat", "keterangan"]
        widgets = {"tanggal_surat": DATE_WIDGET}


class DokumenForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas (PDF, JPG atau PNG)",
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )


# A new household usually has two or more members: offer two rows at once.
NewAnggotaFormSet = inlineformset_factory(
    Usulan,
    Anggota,
    form=AnggotaForm,
    formset=BaseAnggotaFormSet,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


# --- The counter (loket) ----------------------------------------------------


def counter_requirements(profile: OfficeProfile | None) -> list[DocumentRequirement]:
    """Documents a walk-in can bring: household and member levels (no cover letter)."""
    if profile is None:
        return []
    return [
        req
        for req in profile.requirements.all()
        if req.level in (Level.KELUARGA, Level.ANGGOTA)
    ]


def _requirement_label(req: DocumentRequirement) -> str:
    notes = []
    if req.level == Level.ANGGOTA:
        notes.append("tiap anggota")
    if req.kondisi != Kondisi.ALWAYS:
        label = str(Kondisi(req.kondisi).label)
        notes.append(label[0].lower() + label[1:])
    if req.berlaku_untuk != BerlakuUntuk.ALL:
        notes.append(f"{req.berlaku_untuk} saja")
    return f"{req.nama} ({'; '.join(notes)})" if notes else req.nama


def _desa_choices(user) -> list:
    """Desa grouped by kecamatan, so a long list stays quick to scan without JS."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for desa in desa_for_user(user).order_by("kecamatan__nama", "nama"):
        groups.setdefault(f"Kec. {desa.kecamatan.nama}", []).append(
            (desa.pk, str(desa))
        )
    return [("", "Pilih desa/kelurahan domisili"), *groups.items()]


class LoketForm(forms.Form):
    """What the counter adds to the household form: the desa and the paper checklist."""

    desa = forms.TypedChoiceField(label="Desa/kelurahan domisili", coerce=int)
    berkas = forms.MultipleChoiceField(
        label="Berkas yang diserahkan warga (di atas kertas)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Centang hanya berkas yang benar-benar diserahkan warga.",
    )

    def __init__(
        self, *args, user, requirements: list[DocumentRequirement], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["desa"].choices = _desa_choices(user)
        self.fields["desa"].widget.attrs["autofocus"] = True
        self.fields["berkas"].choices = [
            (req.kode, _requirement_label(req)) for req in requirements
        ]

    def clean_desa(self) -> Desa:
        try:
            return desa_for_user(self.user).get(pk=self.cleaned_data["desa"])
        except Desa.DoesNotExist as exc:
            raise forms.ValidationError("Pilih desa/kelurahan dari daftar.") from exc


class DaruratForm(forms.Form):
    """An urgent patient from a faskes, typed at the admission desk on a phone."""

    nik = forms.CharField(
        label="NIK pasien",
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    no_kk = forms.CharField(
        label="Nomor KK",
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nama = forms.CharField(label="Nama lengkap (sesuai KTP)", max_length=150)
    tempat_lahir = forms.CharField(label="Tempat lahir", max_length=100)
    tanggal_lahir = forms.DateField(
        label="Tanggal lahir", widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    shdk = forms.ChoiceField(
        label="Hubungan dalam KK",
        choices=Anggota.Shdk.choices,
        initial=Anggota.Shdk.KEPALA,
    )
    status_kawin = forms.ChoiceField(
        label="Status kawin", choices=Anggota.StatusKawin.choices
    )
    desa = forms.TypedChoiceField(label="Desa/kelurahan tempat tinggal", coerce=int)
    alamat = forms.CharField(label="Alamat (dusun/banjar, jalan)", max_length=250)
    rt = forms.CharField(
        label="RT",
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    fktp = forms.CharField(
        label="Kode FKTP pasien (puskesmas/klinik)",
        max_length=8,
        required=False,
        help_text="Kosongkan bila sama dengan faskes Anda.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    alasan = forms.CharField(
        label="Alasan masuk perawatan",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    telepon = forms.CharField(
        label="Nomor HP keluarga",
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    surat = forms.FileField(
        label="Surat keterangan faskes (foto/PDF)",
        help_text="Wajib: surat bahwa pasien dirawat di faskes Anda.",
    )
    kk = forms.FileField(
        label="Foto KK",
        required=False,
        help_text="Boleh menyusul dari halaman kasus.",
    )
    ktp = forms.FileField(
        label="Foto KTP pasien",
        required=False,
        help_text="Boleh menyusul dari halaman kasus.",
    )

    def __init__(self, *args, user, berkas_jam: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["desa"].choices = _desa_choices(user)
        for name in ("kk", "ktp"):
            self.fields[
                name
            ].help_text = (
                f"Boleh menyusul paling lambat {berkas_jam} jam, dari halaman kasus."
            )

    def clean_nik(self) -> str:
        return validate_nik(clean_digits(self.cleaned_data["nik"]))

    def clean_no_kk(self) -> str:
        return validate_kk(clean_digits(self.cleaned_data["no_kk"]))

    def clean_rt(self) -> str:
        rt = clean_digits(self.cleaned_data["rt"])
        if not rt.isdigit():
            raise forms.ValidationError("Isi dengan angka, misalnya 003.")
        return rt.zfill(3)

    def clean_fktp(self) -> str:
        code = self.cleaned_data["fktp"].strip().upper()
        if code and not (len(code) == 8 and code.isalnum()):
            raise forms.ValidationError(
                "Kode faskes harus 8 karakter huruf/angka, misalnya 09020107."
            )
        return code

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])

    def clean_desa(self) -> Desa:
        try:
            return desa_for_user(self.user).get(pk=self.cleaned_data["desa"])
        except Desa.DoesNotExist as exc:
            raise forms.ValidationError("Pilih desa/kelurahan dari daftar.") from exc

    def clean(self) -> dict:
        data = super().clean()
        if data.get("nik") and data.get("tanggal_lahir"):
            for field, message in member_errors(
                {"nik": data["nik"], "tanggal_lahir": data["tanggal_lahir"]}
            ).items():
                if field in self.fields:
                    self.add_error(field, message)
        return data


class BerkasMenyusulForm(forms.Form):
    """The KK or KTP a faskes adds to its case after submitting."""

    kode = forms.ChoiceField(
        label="Berkas", choices=[("kk", "Kartu Keluarga (KK)"), ("ktp", "KTP pasien")]
    )
    berkas = forms.FileField(label="Foto/PDF")
