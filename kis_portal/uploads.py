"""Checking uploaded files by content, never by name, before anything is stored."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
IMAGE_TYPES = {"image/jpeg", "image/png"}
# Phone photos are 3000-4000 px wide; 2000 px keeps a document legible at a fraction of the size.
MAX_IMAGE_SIDE = 2000
# A 48-megapixel phone photo is 8000 x 6000; anything larger is refused from its header.
MAX_IMAGE_PIXELS = 50_000_000
# What is decoded at full scale (PNG, or a JPEG after its reduced-scale draft) is held
# in memory at ~4 bytes a pixel: an A4 page scanned at 400 dpi is 15.5 megapixels.
MAX_DECODED_PIXELS = 20_000_000


@dataclass
class CheckedFile:
    content: bytes
    content_type: str
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def max_upload_bytes() -> int:
    return int(getattr(settings, "KIS_UPLOAD_MAX_MB", 5) * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_upload(
    upload: UploadedFile, *, allowed: set[str] | None = None
) -> CheckedFile:
    """Accept PDF, JPEG or PNG up to the size limit; images are re-encoded and downscaled.

    Re-encoding proves the image decodes and drops its metadata (GPS position).
    """
    allowed = allowed or set(SIGNATURES.values())
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            "Ukuran berkas %(size).1f MB melebihi batas %(limit)d MB. Perkecil foto atau "
            "pindai dengan resolusi lebih rendah.",
            params={"size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="too_large",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError("Ukuran berkas melebihi batas.", code="too_large")
    content_type = sniff(content[:16])
    if content_type not in allowed:
        kinds = sorted({t.split("/")[1].upper() for t in allowed})
        names = " atau ".join(
            [", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds
        )
        raise ValidationError(
            "Jenis berkas tidak diterima: isinya bukan %(names)s. Mengganti nama berkas (misalnya "
            ".docx menjadi .pdf) tidak mengubah isinya; simpan atau pindai ulang "
            "sebagai PDF atau foto.",
            params={"names": names},
            code="bad_type",
        )
    if content_type in IMAGE_TYPES:
        content, content_type = _reencode_image(content)
    return CheckedFile(
        content=content,
        content_type=content_type,
        original_name=(upload.name or "berkas")[-200:],
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _reencode_image(content: bytes) -> tuple[bytes, str]:
    """Decode only an image whose header declares a sane size; keep its pixels only.

    The size is read from the header before any pixel is decoded: Pillow's own
    bomb check only raises above twice its limit, and an 8900 x 8900 PNG of 250 KB
    decodes to ~300 MB. A new image is built from the pixels alone, so no comment
    (JPEG COM), text chunk, EXIF or ICC block of the upload reaches the stored file.
    """
    try:
        with warnings.catch_warnings():
            # The limit is checked just below, on the header, before decoding.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(width, height)
            # JPEG decodes straight at a smaller scale (1/2, 1/4, 1/8) when asked.
            image.draft("RGB", (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if image.size[0] * image.size[1] > MAX_DECODED_PIXELS:
                raise _too_many_pixels(width, height)
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            out = io.BytesIO()
            pixels.save(out, format="JPEG", quality=85, optimize=True)
    except Image.DecompressionBombError as exc:  # above twice Pillow's own limit
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "Gambar rusak atau tidak dapat dibaca. Foto ulang dokumen lalu unggah kembali.",
            code="corrupt",
        ) from exc
    return out.getvalue(), "image/jpeg"


def _too_many_pixels(width: int = 0, height: int = 0) -> ValidationError:
    size = f" ({width} x {height} piksel)" if width else ""
    return ValidationError(
        "Gambar terlalu besar%(size)s. Foto ulang dokumen dengan resolusi kamera "
        "biasa lalu unggah kembali.",
        params={"size": size},
        code="too_many_pixels",
    )
