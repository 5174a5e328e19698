"""Audit findings 2 and 7 (issue 21): an image's size is judged from its header before
a pixel is decoded, and only its pixels are kept when it is re-encoded."""

import functools
import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from kis_portal.uploads import check_upload

ROOT = Path(__file__).resolve().parents[2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


@functools.cache
def crafted_png(width: int = 8900, height: int = 8900) -> bytes:
    """An RGB PNG of width x height black pixels: ~300 MB decoded, ~250 KB on disk.

    Written row by row through a streaming compressor, so building it costs no memory.
    """
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 3)  # filter byte "none", then the pixels
    idat = b"".join(compressor.compress(row) for _ in range(height))
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


# Run in a fresh interpreter: ru_maxrss is the process's peak, which the rest of the
# suite would already have raised. Pillow allocates pixels outside tracemalloc's view.
MEASURE = """
import resource, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from kis_portal.uploads import check_upload
content = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    check_upload(SimpleUploadedFile("foto.png", content))
    outcome = "accepted"
except ValidationError as exc:
    outcome = exc.code
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(outcome, (after - before) // 1024)
"""


def test_a_crafted_8900_pixel_png_is_refused_without_using_memory(tmp_path):
    content = crafted_png()
    assert len(content) < 400_000  # small on disk, as the audit's 252 KB file
    path = tmp_path / "bom.png"
    path.write_bytes(content)

    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    outcome, grown_mb = result.stdout.split()
    assert outcome == "too_many_pixels"
    assert int(grown_mb) < 50


def test_the_refusal_tells_the_citizen_what_to_do():
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("foto.png", crafted_png()))

    assert refused.value.messages == [
        "Gambar terlalu besar (8900 x 8900 piksel). Foto ulang dokumen dengan "
        "resolusi kamera biasa lalu unggah kembali."
    ]


def test_a_large_png_under_the_header_limit_is_still_refused_before_decoding():
    # 5000 x 5000 is under the header limit for a JPEG (decoded at a reduced scale)
    # but a PNG decodes at full scale: 25 megapixels is refused too.
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("foto.png", crafted_png(5000, 5000)))
    assert refused.value.code == "too_many_pixels"


def test_a_48_megapixel_phone_photo_is_accepted_and_scaled_down():
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (90, 100, 110)).save(buffer, format="JPEG")

    checked = check_upload(SimpleUploadedFile("foto.jpg", buffer.getvalue()))

    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (2000, 1500)


def test_a_jpeg_comment_does_not_survive_re_encoding():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(
        buffer, format="JPEG", comment=b"GPS -8.1,115.1 <script>alert(1)</script>"
    )
    with Image.open(io.BytesIO(buffer.getvalue())) as before:
        assert before.info["comment"].startswith(b"GPS")

    checked = check_upload(SimpleUploadedFile("foto.jpg", buffer.getvalue()))

    assert b"GPS" not in checked.content
    assert b"<script>" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as after:
        assert "comment" not in after.info


def test_png_text_chunks_and_icc_profile_do_not_survive():
    info = PngInfo()
    info.add_text("Comment", "Lokasi: Jl. Melati 7 <script>x()</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(
        buffer, format="PNG", pnginfo=info, icc_profile=b"ICCPROFILE-RAHASIA" * 10
    )

    checked = check_upload(SimpleUploadedFile("foto.png", buffer.getvalue()))

    assert b"Melati" not in checked.content
    assert b"RAHASIA" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as after:
        assert set(after.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
