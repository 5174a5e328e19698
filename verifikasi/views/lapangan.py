"""The field officer's screens: the visit list, the visit form, and house photos."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.http import stored_file
from kis_portal.roles import Role, role_required
from kis_portal.search import search_data, search_redirect
from usulan.models import Usulan
from usulan.selectors import review_usulan

from ..access import (
    FOTO_READ_ROLES,
    get_foto_for_user,
    get_lapangan_usulan_for_user,
    lapangan_usulan_for_user,
)
from ..approval import MAX_PHOTOS, cek_lapangan_record, field_check_queue
from ..models import CekLapangan


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input; the service checks what they contain."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            # No `capture`: it forces the camera, so photos already taken could
            # not be picked from the gallery.
            MultiplePhotoInput(attrs={"accept": "image/*"}),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class CekLapanganForm(forms.Form):
    tanggal_kunjungan = forms.DateField(
        label="Tanggal kunjungan",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    temuan = forms.CharField(
        label="Temuan di lapangan",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kondisi rumah, pekerjaan, penghasilan, tanggungan, dan hal lain yang dilihat.",
    )
    rekomendasi = forms.ChoiceField(
        label="Rekomendasi",
        choices=CekLapangan.Rekomendasi.choices,
        widget=forms.RadioSelect,
    )
    foto = MultiplePhotoField(
        label="Foto rumah",
        help_text=f"1 sampai {MAX_PHOTOS} foto (depan, dalam, dapur): ambil dengan kamera "
        "atau pilih dari galeri. JPG atau PNG.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["tanggal_kunjungan"].initial = today
        self.fields["tanggal_kunjungan"].widget.attrs["max"] = today.isoformat()


@role_required(Role.LAPANGAN)
def lapangan_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    q = (search_data(request) or {}).get("q", "")
    queue = field_check_queue(lapangan_usulan_for_user(request.user), q=q)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.DAFTAR,
        halaman="Daftar cek lapangan",
        subjek_tipe="usulan",
        ids=[u.pk for u in page.object_list],
    )
    return render(request, "verifikasi/lapangan_list.html", {"page_obj": page, "q": q})


@role_required(Role.LAPANGAN)
def lapangan_form(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_lapangan_usulan_for_user(request.user, pk)
    if usulan.status != Usulan.Status.CEK_LAPANGAN:
        messages.info(
            request,
            f"Cek lapangan usulan {usulan.nomor} sudah dicatat "
            f"(status: {usulan.get_status_display()}).",
        )
        return redirect("verifikasi:lapangan_list")
    form = CekLapanganForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            cek_lapangan_record(
                usulan_id=usulan.pk,
                by=request.user,
                tanggal_kunjungan=form.cleaned_data["tanggal_kunjungan"],
                temuan=form.cleaned_data["temuan"],
                rekomendasi=form.cleaned_data["rekomendasi"],
                photos=form.cleaned_data["foto"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"Cek lapangan usulan {usulan.nomor} tersimpan dan diteruskan ke "
                "Kepala Dinas untuk persetujuan.",
            )
            return redirect("verifikasi:lapangan_list")
    review = review_usulan(usulan)
    rows = [{"anggota": m, "dtks": review.dtks[m.nik]} for m in review.members]
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman="Formulir cek lapangan",
        subjek_tipe="usulan",
        ids=[usulan.pk],
        niks=[m.nik for m in review.members],
    )
    return render(
        request,
        "verifikasi/lapangan_form.html",
        {"usulan": usulan, "rows": rows, "form": form, "max_photos": MAX_PHOTOS},
    )


@role_required(Role.LAPANGAN, *FOTO_READ_ROLES)
def foto(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_foto_for_user(request.user, pk)
    if not photo.file:  # purged at the end of its retention period
        raise Http404("Foto sudah dihapus karena masa simpannya berakhir.")
    record_access(
        by=request.user,
        tindakan=AksesData.Tindakan.UNDUH,
        halaman="Foto cek lapangan",
        subjek_tipe="usulan",
        ids=[photo.cek.usulan_id],
        jumlah=1,
        keterangan=f"foto {photo.pk}",
    )
    return stored_file(
        photo.file.open("rb"),
        inline=True,
        filename=f"foto-lapangan-{photo.pk}.jpg",
        content_type=photo.content_type,
    )
