from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan


class UserForm(forms.Form):
    """Create or edit a portal user with exactly one role."""

    username = forms.CharField(label="Nama pengguna", max_length=150)
    first_name = forms.CharField(label="Nama depan", max_length=150, required=False)
    last_name = forms.CharField(label="Nama belakang", max_length=150, required=False)
    email = forms.EmailField(label="Email", required=False)
    role = forms.ChoiceField(label="Peran", choices=Role.choices)
    desa = forms.ModelChoiceField(
        label="Desa/kelurahan",
        queryset=Desa.objects.select_related("kecamatan"),
        required=False,
        help_text="Wajib untuk operator desa.",
    )
    kecamatan = forms.ModelMultipleChoiceField(
        label="Kecamatan tugas",
        queryset=Kecamatan.objects.all(),
        required=False,
        help_text="Untuk verifikator dan petugas lapangan; kosong berarti semua.",
    )
    jabatan = forms.CharField(label="Jabatan", max_length=100, required=False)
    is_active = forms.BooleanField(label="Aktif", required=False, initial=True)
    password = forms.CharField(
        label="Kata sandi",
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Wajib untuk pengguna baru; kosongkan untuk tidak mengubah.",
    )

    def __init__(self, *args, instance=None, **kwargs) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        qs = get_user_model().objects.filter(username__iexact=username)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError("Nama pengguna sudah dipakai.")
        return username

    def clean(self) -> dict:
        data = super().clean()
        role, desa = data.get("role"), data.get("desa")
        if role == Role.OPERATOR_DESA and not desa:
            self.add_error("desa", "Operator desa harus terikat pada satu desa.")
        if role and role != Role.OPERATOR_DESA and desa:
            self.add_error("desa", "Hanya operator desa yang terikat pada desa.")
        password = data.get("password")
        if self.instance is None and not password:
            self.add_error("password", "Kata sandi wajib untuk pengguna baru.")
        if password:
            try:
                validate_password(password, self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class OtpCodeForm(forms.Form):
    """The six digits an authenticator app shows."""

    code = forms.CharField(
        label="Kode dari aplikasi autentikator",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Kode terdiri dari 6 angka.")
        return code
