"""Uploads held between preview and confirmation: owner, expiry, sweep, purge."""

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from kis_portal.staging.models import StagedFile
from kis_portal.staging.services import (
    staged_create,
    staged_delete,
    staged_get,
    staged_open,
    staged_read,
    staged_sweep,
)
from tests.clock import frozen

pytestmark = pytest.mark.django_db

CONTENT = b"NIK;NAMA\n5108061203850001;I MADE\n"


def files(settings, folder: str = "staging") -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(root.iterdir()) if root.exists() else []


def later(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def test_the_owner_gets_the_file_back_with_the_token(rekap, settings):
    token = staged_create(content=CONTENT, purpose="uji", name="hasil.csv", by=rekap)

    staged = staged_get(token, purpose="uji", by=rekap)
    assert staged.name == "hasil.csv" and staged.size == len(CONTENT)
    assert staged_read(token, purpose="uji", by=rekap) == CONTENT
    with staged_open(token, purpose="uji", by=rekap) as handle:
        assert handle.read() == CONTENT
    # A random name; neither the uploader's name nor the token is stored.
    (path,) = files(settings)
    assert re.fullmatch(r"[0-9a-f]{32}", path.name) and token not in path.name
    row = StagedFile.objects.values().get()
    assert token not in str(row.values())


def test_nobody_else_and_no_other_purpose_gets_it(rekap, admin_user):
    token = staged_create(content=CONTENT, purpose="uji", by=rekap)

    assert staged_read(token, purpose="uji", by=admin_user) is None
    assert staged_read(token, purpose="lain", by=rekap) is None
    assert staged_read(token.upper(), purpose="uji", by=rekap) is None
    assert staged_read("../" + token[3:], purpose="uji", by=rekap) is None
    assert staged_read("", purpose="uji", by=rekap) is None
    staged_delete(token, by=admin_user)  # not theirs to delete
    assert staged_read(token, purpose="uji", by=rekap) == CONTENT


def test_an_upload_is_streamed_to_storage(rekap):
    upload = SimpleUploadedFile("dtks.csv", CONTENT * 1000)
    token = staged_create(content=upload, purpose="uji", name=upload.name, by=rekap)
    assert staged_read(token, purpose="uji", by=rekap) == CONTENT * 1000


def test_deleting_removes_the_file_and_the_row(rekap, settings):
    token = staged_create(content=CONTENT, purpose="uji", by=rekap)
    staged_delete(token, by=rekap)
    assert files(settings) == [] and not StagedFile.objects.exists()
    staged_delete(token, by=rekap)  # twice is harmless


def test_an_expired_upload_is_not_given_and_the_next_staging_sweeps_it(
    rekap, operator_a, settings
):
    settings.KIS_STAGING_JAM = 2
    old = staged_create(content=CONTENT, purpose="uji", by=rekap)

    with frozen(later(1.9)):
        assert staged_read(old, purpose="uji", by=rekap) == CONTENT
        assert staged_sweep() == 0
    with frozen(later(2.1)):
        assert staged_read(old, purpose="uji", by=rekap) is None
        assert len(files(settings)) == 1  # still on disk until a sweep
        new = staged_create(content=b"lain", purpose="uji", by=operator_a)

    assert len(files(settings)) == 1
    assert list(StagedFile.objects.values_list("owner", flat=True)) == [operator_a.pk]
    assert staged_read(new, purpose="uji", by=operator_a) == b"lain"


def test_purge_staging_deletes_expired_uploads_and_stray_files(rekap, settings):
    settings.KIS_STAGING_JAM = 4
    staged_create(content=CONTENT, purpose="uji", by=rekap)
    media = Path(settings.MEDIA_ROOT)
    # A file whose row was lost, and leftovers of the folders used before staging.
    stray = [media / "staging" / ("0" * 32), media / "hasil" / "abc.bin"]
    stray += [media / "bulk" / "def.xlsx", media / "rekon" / "x.csv"]
    # Their age is the process clock's (tests/clock.py moves it, and CI runs the
    # suite under faketime): stamp them with it rather than the filesystem's.
    now = timezone.now().timestamp()
    for path in stray:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(CONTENT)
        os.utime(path, (now, now))
    kept = media / "rekap" / "2026-11" / "hasil-bpjs.xlsx"  # an official record
    kept.parent.mkdir(parents=True)
    kept.write_bytes(CONTENT)

    out = io.StringIO()
    call_command("purge_staging", stdout=out)
    assert "0 dihapus; berkas tanpa catatan: 0 dihapus" in out.getvalue()
    assert all(path.exists() for path in stray)  # too young to be sure

    with frozen(later(4.1)):
        out = io.StringIO()
        call_command("purge_staging", stdout=out)

    assert "lebih dari 4 jam: 1 dihapus; berkas tanpa catatan: 4 dihapus" in (
        out.getvalue()
    )
    assert not any(path.exists() for path in stray)
    assert files(settings) == [] and not StagedFile.objects.exists()
    assert kept.exists()
