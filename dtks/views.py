"""DTKS/DTSEN: upload an extract (imported by a background job), look up one NIK."""

import logging
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.identifiers import clean_digits
from kis_portal.jobs.services import job_start
from kis_portal.privacy import mask_identifier
from kis_portal.roles import role_required
from kis_portal.staging.services import staged_create, staged_delete
from kis_portal.wilayah.selectors import desa_names
from kis_portal.xlsx_read import OLE_MAGIC

from . import imports
from .access import SEARCH_ROLES, UPLOAD_ROLES, periode_for_user, record_for_user
from .jobs import DTKS_STAGING
from .selectors import (
    NAME_SEARCH_LIMIT,
    dtks_search_nama,
    find_in_latest,
    latest_periode,
    name_words,
)

logger = logging.getLogger(__name__)


class DtksUploadForm(forms.Form):
    periode = forms.CharField(
        label="Periode",
        max_length=7,
        help_text="Triwulan, misalnya 2026-Q3 (atau bulan, misalnya 2026-07). "
        "Mengimpor periode yang sama lagi menggantikan datanya.",
    )
    berkas = forms.FileField(
        label="Berkas ekstrak SIKS-NG",
        help_text="Teks CSV/TXT dengan pemisah | , ; atau tab, atau XLSX/XLS "
        "(semua lembar yang memuat kolom NIK, dan nama atau desil, dibaca). Pemeringkatan Desil SIKS-NG (No KK, NIK, desil) juga diterima.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls"}),
    )

    def clean_periode(self) -> str:
        return imports.clean_periode(self.cleaned_data["periode"])

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        limit = imports.max_bytes()
        if upload.size > limit:
            raise ValidationError(
                "Ukuran berkas melebihi batas %(limit)d MB.",
                params={"limit": limit // (1024 * 1024)},
                code="too_large",
            )
        upload.seek(0)
        head = upload.read(len(OLE_MAGIC))
        upload.seek(0)
        if head.startswith(OLE_MAGIC) and upload.size > imports.xls_max_bytes():
            # An .xls is read whole in memory: larger ones must come as XLSX.
            raise ValidationError(
                "Berkas Excel lama (.xls) melebihi batas %(limit)d MB. Buka di Excel "
                'lalu simpan sebagai "Excel Workbook (*.xlsx)".',
                params={"limit": imports.XLS_MAX_MB},
                code="too_large",
            )
        return upload


class DtksSearchForm(forms.Form):
    # Shared office PCs: the browser must not offer the last person's NIK or name.
    nik = forms.CharField(
        label="NIK",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nama = forms.CharField(
        label="atau nama",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Kata-kata nama yang utuh, urutan bebas, misalnya PUTU SUARDANA.",
    )

    def clean_nik(self) -> str:
        nik = clean_digits(self.cleaned_data["nik"])
        if nik and not re.fullmatch(r"[0-9]{16}", nik):
            raise ValidationError("NIK harus 16 angka.", code="nik")
        return nik

    def clean_nama(self) -> str:
        nama = " ".join(self.cleaned_data["nama"].split())
        if nama and not any(len(word) >= 3 for word in name_words(nama)):
            raise ValidationError(
                "Tulis minimal satu kata nama yang utuh (3 huruf atau lebih).",
                code="nama",
            )
        return nama

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("nik") and not data.get("nama"):
            raise ValidationError("Isi NIK atau nama yang dicari.", code="kosong")
        return data


@require_http_methods(["GET", "POST"])
@role_required(*UPLOAD_ROLES)
def dtks_upload(request: HttpRequest) -> HttpResponse:
    form = DtksUploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["berkas"]
        kode = form.cleaned_data["periode"]
        token = staged_create(
            content=upload,
            purpose=DTKS_STAGING,
            name=(upload.name or "")[-150:],
            by=request.user,
        )
        try:
            job = job_start(
                kind="dtks_import",
                by=request.user,
                params={"token": token, "periode": kode},
                label=f"Impor DTKS {kode}",
            )
        except Exception:
            staged_delete(token, by=request.user)
            raise
        logger.info(
            "user=%s started dtks import job=%s periode=%s bytes=%s",
            request.user.pk,
            job.pk,
            kode,
            upload.size,
        )
        return redirect(job.get_absolute_url())
    latest = latest_periode()
    return render(
        request,
        "dtks/upload.html",
        {
            "form": form,
            "periods": periode_for_user(request.user).order_by("-kode"),
            "latest_kode": latest.kode if latest else "",
            "max_mb": imports.max_bytes() // (1024 * 1024),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*SEARCH_ROLES)
def dtks_search(request: HttpRequest) -> HttpResponse:
    form = DtksSearchForm(data=request.POST or None)
    latest = latest_periode()
    searched = False
    record = None
    people: list = []
    more = False
    nik_masked = desa_nama = nama = ""
    if form.is_bound and form.is_valid():
        searched = True
        nik, nama = form.cleaned_data["nik"], form.cleaned_data["nama"]
        if nik:
            nama = ""
            nik_masked = mask_identifier(nik)
            record = find_in_latest(nik, records=record_for_user(request.user))
            if record is not None and record.kode_desa:
                desa_nama = desa_names([record.kode_desa]).get(record.kode_desa, "")
            logger.info(
                "user=%s dtks search found=%s", request.user.pk, record is not None
            )
        else:
            people, more = dtks_search_nama(nama, records=record_for_user(request.user))
            names = desa_names(p.kode_desa for p in people)
            for person in people:
                person.nik_masked = mask_identifier(person.nik)
                person.desa_nama = names.get(person.kode_desa, person.kode_desa)
            logger.info(
                "user=%s dtks name search results=%s more=%s",
                request.user.pk,
                len(people),
                more,
            )
        record_access(
            by=request.user,
            tindakan=AksesData.Tindakan.CARI,
            halaman="Cek DTKS",
            subjek_tipe="dtks",
            ids=[record.pk] if record else [p.pk for p in people],
            niks=[nik] if nik else [],
            keterangan=(
                ("ditemukan" if record else "tidak ditemukan")
                if nik
                else f"cari nama: {len(people)} hasil"
            ),
        )
        # The full NIK is not echoed back into the page.
        form = DtksSearchForm(initial={"nama": nama})
    return render(
        request,
        "dtks/search.html",
        {
            "form": form,
            "searched": searched,
            "record": record,
            "nik_masked": nik_masked,
            "desa_nama": desa_nama,
            "nama": nama,
            "people": people,
            "more": more,
            "limit": NAME_SEARCH_LIMIT,
            "latest_kode": latest.kode if latest else "",
        },
    )
