"""Uploaded documents and photos: judged by content, stored under generated names,
never served from the media folder, only through views that check access."""

import ast
import io
import re
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import static
from PIL import Image

from kis_portal.uploads import check_upload
from tests.ops import conftest as timings

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_NAME = "../../../etc/<script>alert(1)</script> KK Budi.pdf"


def jpeg(size=(64, 48), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (120, 130, 140))
    image.save(buffer, format="JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    exif[0x8825] = {1: "S", 2: (8.0, 6.0, 45.0), 3: "E", 4: (115.0, 5.0, 0.0)}
    return exif.tobytes()


def png_bomb() -> bytes:
    """10,000 x 10,000 pixels (100 megapixels) in a few KB."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    return buffer.getvalue()


class Unsized(io.BytesIO):
    """An upload whose size the client did not declare (chunked)."""

    name = "besar.pdf"
    size = None


UPLOADS = [
    ("html-bernama-pdf", b"<!DOCTYPE html><script>alert(1)</script>", "bad_type"),
    (
        "svg-bernama-png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
        "bad_type",
    ),
    ("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "bad_type"),
    ("exe-bernama-jpg", b"MZ\x90\x00\x03" + b"\x00" * 64, "bad_type"),
    ("zip-bernama-pdf", b"PK\x03\x04" + b"\x00" * 64, "bad_type"),
    ("kosong", b"", "bad_type"),
    ("jpeg-rusak", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50, "corrupt"),
    ("png-rusak", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "corrupt"),
    ("png-bom-100-megapiksel", None, "too_many_pixels"),
    ("pdf-6-mb", b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024), "too_large"),
]


@pytest.mark.parametrize(
    ("name", "content", "code"), UPLOADS, ids=[u[0] for u in UPLOADS]
)
def test_hostile_uploads_are_refused_by_content_with_an_indonesian_message(
    name, content, code
):
    content = png_bomb() if content is None else content
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(f"{name}.pdf", content))
    timings.record(name, "unggahan", len(content), time.monotonic() - started)

    assert refused.value.code == code
    message = refused.value.messages[0]
    assert message.startswith(
        ("Jenis berkas", "Gambar rusak", "Gambar terlalu", "Ukuran berkas")
    )


def test_an_upload_without_a_declared_size_is_cut_at_the_limit():
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        check_upload(Unsized(b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024)))
    timings.record(
        "pdf-6-mb-tanpa-ukuran", "unggahan", 6 * 1024 * 1024, time.monotonic() - started
    )
    assert refused.value.code == "too_large"


def test_the_type_comes_from_the_content_not_the_name():
    checked = check_upload(SimpleUploadedFile("foto.jpg", b"%PDF-1.7\n%%EOF\n"))
    assert checked.content_type == "application/pdf"
    photo = check_upload(SimpleUploadedFile("scan.pdf", jpeg()))
    assert photo.content_type == "image/jpeg"


def test_photos_are_re_encoded_without_their_location():
    original = jpeg(exif=gps_exif())
    with Image.open(io.BytesIO(original)) as before:
        assert 0x8825 in before.getexif()  # the GPS block is there to begin with

    checked = check_upload(SimpleUploadedFile("rumah.jpg", original))

    with Image.open(io.BytesIO(checked.content)) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
    assert checked.content != original


# --- Stored names -------------------------------------------------------------------

# FileFields that take a citizen's or officer's upload: the name is generated.
USER_UPLOADS = {
    "usulan.Dokumen.file": {"content_type": "application/pdf"},
    "verifikasi.FotoLapangan.file": {"content_type": "image/jpeg"},
    "distribusi.SerahTerima.scan": {"scan_content_type": "image/jpeg", "tahun": 2026},
    "pengaduan.Lampiran.berkas": {"content_type": "application/pdf"},
}
# FileFields whose names the server sets in code (exports, PDFs it renders, a photo
# saved as "foto.jpg"); a new FileField must be added to one of these two lists.
SERVER_NAMED = {
    "jobs.Job.result_file",
    "rekap_bpjs.BatchFile.file",
    "verifikasi.SkPenetapan.file",
    "distribusi.Kartu.warga_foto",
    # An upload held between preview and confirmation: "staging/<32 hex>", the
    # uploader's name never used (tests/foundation/test_staging.py).
    "staging.StagedFile.file",
}
GENERATED = re.compile(r"^[a-z-]+/(\d{4}/)?(\d{2}/)?[0-9a-f]{32}\.(pdf|jpg|png)$")


def project_file_fields() -> dict[str, models.FileField]:
    fields = {}
    for model in apps.get_models():
        if not model.__module__.startswith(
            ("kis_portal", "usulan", "verifikasi", "rekap_bpjs", "distribusi")
        ) and not model.__module__.startswith(("pengaduan", "notifikasi", "laporan")):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                label = f"{model._meta.app_label}.{model.__name__}.{field.name}"
                fields[label] = field
    return fields


def test_every_file_field_is_accounted_for():
    assert set(project_file_fields()) == set(USER_UPLOADS) | SERVER_NAMED


@pytest.mark.parametrize("label", sorted(USER_UPLOADS))
def test_uploads_are_stored_under_generated_names(label):
    field = project_file_fields()[label]
    instance = field.model(**USER_UPLOADS[label])

    name = field.generate_filename(instance, HOSTILE_NAME)

    assert GENERATED.match(name), name
    assert "Budi" not in name and ".." not in name and "script" not in name


# --- Serving ------------------------------------------------------------------------


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_url_serves_the_media_folder(client, settings, db):
    serving = [
        route
        for route, view in all_patterns()
        if view is static.serve or getattr(view, "__module__", "") == static.__name__
    ]
    assert serving == []
    media = Path(settings.MEDIA_ROOT) / "dokumen"
    media.mkdir(parents=True)
    (media / "rahasia.pdf").write_bytes(b"%PDF-1.7 rahasia")
    for url in (
        f"{settings.MEDIA_URL}dokumen/rahasia.pdf",
        "/media/dokumen/rahasia.pdf",
        "/static/../media/dokumen/rahasia.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"rahasia" not in response.content


def test_every_response_is_never_type_sniffed(client, db, settings):
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert "django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE
    assert client.get("/accounts/login/")["X-Content-Type-Options"] == "nosniff"


# Views that show a file in the page (the verifier's document viewer, photos in an
# <img>, a printed PDF opened in a tab): they serve only what check_upload accepted
# (a PDF by signature, a re-encoded JPEG) or a PDF the portal rendered itself.
INLINE_VIEWERS = {
    "usulan/views/dokumen.py:dokumen_download": "?lihat=1: document viewer frame",
    "verifikasi/views/lapangan.py:foto": "field-check photo in an <img>",
    "distribusi/views.py:kartu_foto": "card hand-over photo in an <img>",
    "distribusi/views.py:serah_terima_scan_view": "?lihat=1: the signed scan",
    "distribusi/views.py:serah_terima_pdf": "the berita acara PDF, rendered here",
}
# The one helper views call to serve a stored file (tests/security/test_inline_files.py
# holds it to: inline only for a PDF or an image, then sandboxed).
HELPER = "kis_portal/http.py:stored_file"
VIEW_FOLDERS = ("kis_portal", "usulan", "verifikasi", "rekap_bpjs", "distribusi")
VIEW_FOLDERS += ("pengaduan", "notifikasi", "laporan")


def file_views() -> dict[str, dict]:
    """Each function that builds a file response: does it mark it private and
    (always) attachment? Read from the code, so a new one cannot be missed."""
    found = {}
    for folder in VIEW_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef):
                    continue
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), func)
                helper = "stored_file(" in source and func.name != "stored_file"
                serves_file = (
                    helper
                    or "FileResponse(" in source
                    or ("Content-Disposition" in source and "HttpResponse(" in source)
                )
                if not serves_file or f"{rel}:{func.name}" == HELPER:
                    continue
                found[f"{rel}:{func.name}"] = {
                    # kis_portal.http.stored_file marks its response private.
                    "private": helper
                    or "private(" in source
                    or '"X-Content-Type-Options"' in source,
                    "always_attachment": (helper and "inline=" not in source)
                    or "as_attachment=True" in source
                    or "'attachment;" in source
                    or '"attachment;' in source
                    or "f'attachment;" in source
                    or 'f"attachment;' in source,
                }
    return found


def test_every_file_view_marks_its_response_private():
    views = file_views()
    assert "usulan/views/dokumen.py:dokumen_download" in views  # the scan works
    assert len(views) >= 10
    public = [name for name, v in views.items() if not v["private"]]
    # The empty import template holds no one's data (nosniff still comes from
    # SecurityMiddleware on every response).
    assert public == ["usulan/views/bulk.py:bulk_template"]


def test_files_are_attachments_except_in_the_known_viewers():
    views = file_views()
    inline = {name for name, v in views.items() if not v["always_attachment"]}
    assert inline == set(INLINE_VIEWERS)
