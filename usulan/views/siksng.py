"""Recording a member's SIKS-NG proposal (PBI-JK APBN) and its outcome."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dtks.models import UsulanSiksng
from dtks.services import siksng_catat
from kis_portal.roles import Role, has_role, role_required

from ..access import get_anggota_for_user
from ..models import Usulan
from ..selectors import usulan_label

# Who records the SIKS-NG route: the desa that proposed it there (its own
# usulan, through the access scope) and the Dinsos verifier.
SIKSNG_ROLES = (Role.OPERATOR_DESA, Role.VERIFIKATOR, Role.ADMIN)


class SiksngForm(forms.Form):
    tanggal_usul = forms.DateField(
        label="Tanggal diusulkan lewat SIKS-NG",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )
    hasil = forms.ChoiceField(
        label="Hasil",
        choices=UsulanSiksng.Hasil.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    catatan = forms.CharField(
        label="Catatan",
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean_tanggal_usul(self):
        tanggal = self.cleaned_data["tanggal_usul"]
        if tanggal > timezone.localdate():
            raise ValidationError("Tanggal usul tidak boleh di masa depan.")
        return tanggal


def can_record_siksng(user, usulan: Usulan) -> bool:
    """The usulan is already in the user's scope (get_usulan_for_user)."""
    return has_role(user, *SIKSNG_ROLES)


def siksng_form(anggota, record: UsulanSiksng | None) -> SiksngForm:
    initial = (
        {
            "tanggal_usul": record.tanggal_usul,
            "hasil": record.hasil,
            "catatan": record.catatan,
        }
        if record
        else {"hasil": UsulanSiksng.Hasil.MENUNGGU}
    )
    return SiksngForm(initial=initial, prefix=f"siksng{anggota.pk}")


@require_POST
@role_required(*SIKSNG_ROLES)
def usulan_siksng(request: HttpRequest, pk: int, anggota_pk: int) -> HttpResponse:
    usulan, anggota = get_anggota_for_user(request.user, pk, anggota_pk)
    if not can_record_siksng(request.user, usulan):
        raise PermissionDenied
    form = SiksngForm(data=request.POST, prefix=f"siksng{anggota.pk}")
    if form.is_valid():
        record = siksng_catat(nik=anggota.nik, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"SIKS-NG untuk {anggota.nama} ({usulan_label(usulan)}) dicatat: "
            f"{record.get_hasil_display()}.",
        )
    else:
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"SIKS-NG tidak dicatat: {errors}")
    return redirect(f"{usulan.get_absolute_url()}#desil")
