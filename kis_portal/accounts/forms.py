from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from kis_portal.identifiers import normalise_phone
from kis_portal.roles import Role
from kis_portal.wilayah.models import Desa, Kecamatan
from kis_portal.wilayah.selectors import region_choices

from .backends import EXPIRED_FLAG
from .selectors import Activity

SEND_LABEL = "Kirim juga lewat SMS/WhatsApp ke nomor telepon akun"
SEND_HELP = (
    "Hanya untuk akun yang punya nomor telepon. Slip tetap dibuat untuk semua akun."
)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Ticked ids; a number larger than any id is refused like a word.

    Django checks the ids with `pk__in`, which SQLite cannot bind above 2**63.
    """

    def _check_values(self, value):
        for pk in value:
            digits = str(pk).strip().removeprefix("-")
            if digits.isascii() and digits.isdigit() and int(digits) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


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
    kecamatan = IdsChoiceField(
        label="Kecamatan tugas",
        queryset=Kecamatan.objects.all(),
        required=False,
        help_text="Untuk verifikator dan petugas lapangan; kosong berarti semua.",
    )
    kode_faskes = forms.CharField(
        label="Kode faskes",
        max_length=8,
        required=False,
        help_text="Wajib untuk petugas faskes: kode faskes BPJS (8 karakter).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nama_faskes = forms.CharField(label="Nama faskes", max_length=150, required=False)
    jabatan = forms.CharField(label="Jabatan", max_length=100, required=False)
    telepon = forms.CharField(
        label="Nomor HP",
        max_length=20,
        required=False,
        help_text="Untuk mengirim kata sandi sementara lewat SMS/WhatsApp.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label="Aktif", required=False, initial=True)

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

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])

    def clean_kode_faskes(self) -> str:
        code = self.cleaned_data["kode_faskes"].strip().upper()
        if code and not (len(code) == 8 and code.isalnum()):
            raise forms.ValidationError(
                "Kode faskes harus 8 karakter huruf/angka, misalnya 0902R001."
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        role, desa = data.get("role"), data.get("desa")
        if role == Role.OPERATOR_DESA and not desa:
            self.add_error("desa", "Operator desa harus terikat pada satu desa.")
        if role and role != Role.OPERATOR_DESA and desa:
            self.add_error("desa", "Hanya operator desa yang terikat pada desa.")
        kode = data.get("kode_faskes")
        if role == Role.FASKES and not kode and "kode_faskes" not in self.errors:
            self.add_error(
                "kode_faskes", "Petugas faskes harus terikat pada satu faskes."
            )
        if role and role != Role.FASKES and kode:
            self.add_error(
                "kode_faskes", "Hanya petugas faskes yang terikat pada faskes."
            )
        return data


class UserCreateForm(UserForm):
    """A new user: the portal makes the one-time password, printed on a slip."""

    kirim = forms.BooleanField(label=SEND_LABEL, required=False)


class LoginForm(AuthenticationForm):
    """The login form; a one-time password past its expiry is named as such."""

    # Django's Indonesian text repeats the field's name ("nama pengguna nama
    # pengguna"): say it once, in plain words.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Masukkan nama pengguna dan sandi yang benar. Huruf besar dan kecil "
            "dibedakan."
        ),
    }

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, EXPIRED_FLAG, False):
            return ValidationError(
                "Kata sandi sementara ini sudah kedaluwarsa (berlaku "
                f"{settings.KIS_SANDI_SEMENTARA_HARI} hari). Minta admin Dinas Sosial "
                "membuat slip kata sandi yang baru.",
                code="expired",
            )
        return super().get_invalid_login_error()


class NewPasswordForm(PasswordChangeForm):
    """The user's own password, which must differ from the one it replaces."""

    def clean(self) -> dict:
        data = super().clean()
        new = data.get("new_password2")
        if new and new == data.get("old_password"):
            self.add_error(
                "new_password1",
                "Kata sandi baru harus berbeda dari kata sandi yang diganti.",
            )
        return data


class IssueForm(forms.Form):
    """A new one-time password for one account (an admin's reset)."""

    kirim = forms.BooleanField(label=SEND_LABEL, required=False, help_text=SEND_HELP)


class ReplaceOperatorForm(forms.Form):
    """The desa's new operator: the old account is switched off in the same step."""

    first_name = forms.CharField(label="Nama depan operator baru", max_length=150)
    last_name = forms.CharField(label="Nama belakang", max_length=150, required=False)
    telepon = forms.CharField(
        label="Nomor HP",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kirim = forms.BooleanField(label=SEND_LABEL, required=False)

    def clean_telepon(self) -> str:
        return normalise_phone(self.cleaned_data["telepon"])


class RegionAccountsForm(forms.Form):
    """One operator account per desa/kelurahan of a kecamatan or of the regency."""

    WHOLE = "semua"

    wilayah = forms.ChoiceField(label="Buat untuk")
    ulang = forms.BooleanField(
        label="Buat ulang kata sandi sementara untuk operator yang belum pernah masuk",
        required=False,
        help_text="Bila slip sebelumnya hilang atau kedaluwarsa.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].choices = [
            ("", "Pilih kecamatan..."),
            (self.WHOLE, "Seluruh kabupaten"),
            *((str(k.pk), f"Kecamatan {k.nama}") for k in Kecamatan.objects.all()),
        ]

    def kecamatan(self) -> Kecamatan | None:
        """The chosen kecamatan, or None for the whole regency."""
        value = self.cleaned_data["wilayah"]
        return None if value == self.WHOLE else Kecamatan.objects.get(pk=value)


class AccountsFileForm(forms.Form):
    """The office's own list of accounts (XLSX)."""

    berkas = forms.FileField(
        label="Berkas Excel (.xlsx)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


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


class UserFilterForm(forms.Form):
    """The user list's filters (GET); a value that does not fit is ignored."""

    q = forms.CharField(label="Cari", required=False, max_length=100)
    role = forms.ChoiceField(label="Peran", required=False)
    kecamatan = forms.TypedChoiceField(label="Kecamatan", required=False, coerce=int)
    desa = forms.TypedChoiceField(label="Desa/kelurahan", required=False, coerce=int)
    status = forms.ChoiceField(label="Keaktifan", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kecamatan, desa = region_choices()
        self.fields["role"].choices = [("", "Semua peran"), *Role.choices]
        self.fields["kecamatan"].choices = [("", "Semua kecamatan"), *kecamatan]
        self.fields["desa"].choices = [("", "Semua desa/kelurahan"), *desa]
        self.fields["status"].choices = [("", "Semua keaktifan"), *Activity.choices]
        for name in ("role", "kecamatan", "desa", "status"):
            self.fields[name].widget.attrs.update(
                {"class": "form-select", "aria-label": self.fields[name].label}
            )

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "kecamatan_id": data.get("kecamatan") or None,
            "desa_id": data.get("desa") or None,
            "status": data.get("status") or "",
        }
