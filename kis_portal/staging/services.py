"""Holding an upload between its preview and its confirmation, or until its job runs.

The file is stored under a random name with its owner, its purpose and an
expiry (`KIS_STAGING_JAM` hours). Only a token is handed out (kept in the
session or in the job's parameters) and only the token's hash is stored: the
file is found again by its owner with the token, before it expires, and by no
one else. Whoever consumes it deletes it. `staged_sweep` deletes the expired
ones on every new staging; `manage.py purge_staging` (cron) does the same and
also removes files no row knows of, so no uploaded file with NIKs stays behind.
"""

import datetime
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import STAGING_DIR, StagedFile

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[0-9a-f]{32}")
# Where uploads waited before this module existed; their leftovers are removed too.
LEGACY_DIRS = ("bulk", "hasil", "rekon", "dtks")


def staging_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.KIS_STAGING_JAM)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staged_create(*, content: bytes | File, purpose: str, name: str = "", by) -> str:
    """Store an upload for `by`; the token (the only thing to keep) to fetch it again."""
    staged_sweep()
    token = secrets.token_hex(16)
    upload = ContentFile(content) if isinstance(content, bytes) else content
    staged = StagedFile(
        token_hash=_hash(token),
        owner=by,
        purpose=purpose,
        name=(name or "")[-200:],
        size=upload.size or 0,
        expires_at=timezone.now() + staging_lifetime(),
    )
    staged.file.save("upload", upload, save=False)
    try:
        staged.full_clean()
        staged.save()
    except BaseException:
        staged.file.delete(save=False)
        raise
    logger.info(
        "user=%s staged upload=%s purpose=%s bytes=%s",
        getattr(by, "pk", None),
        staged.pk,
        purpose,
        staged.size,
    )
    return token


def staged_get(token: str, *, purpose: str, by) -> StagedFile | None:
    """`by`'s unexpired upload for `token` and `purpose`, or None."""
    if not TOKEN_RE.fullmatch(token or "") or getattr(by, "pk", None) is None:
        return None
    return StagedFile.objects.filter(
        token_hash=_hash(token),
        purpose=purpose,
        owner=by,
        expires_at__gt=timezone.now(),
    ).first()


def staged_open(token: str, *, purpose: str, by) -> IO[bytes] | None:
    """The upload opened for reading (close it, e.g. with `with`), or None."""
    staged = staged_get(token, purpose=purpose, by=by)
    if staged is None:
        return None
    try:
        return default_storage.open(staged.file.name, "rb")
    except FileNotFoundError:
        return None


def staged_read(token: str, *, purpose: str, by) -> bytes | None:
    """The upload's bytes, or None when it is not `by`'s, expired or gone."""
    staged = staged_get(token, purpose=purpose, by=by)
    return staged.read() if staged else None


def staged_delete(token: str, *, by) -> None:
    """Delete `by`'s upload for `token` (confirmed, replaced or read by its job)."""
    if not TOKEN_RE.fullmatch(token or "") or getattr(by, "pk", None) is None:
        return
    for staged in StagedFile.objects.filter(token_hash=_hash(token), owner=by):
        _remove(staged)


def staged_sweep() -> int:
    """Delete every expired upload, file and row; how many."""
    expired = list(StagedFile.objects.filter(expires_at__lte=timezone.now()))
    for staged in expired:
        _remove(staged)
    if expired:
        logger.info("staging sweep deleted=%s", len(expired))
    return len(expired)


@dataclass(frozen=True)
class Purged:
    expired: int  # rows past their expiry, with their files
    stray: int  # files older than the lifetime that no row knows of


def staged_purge() -> Purged:
    """The sweep, plus stray files: a row lost with its transaction, older folders."""
    expired = staged_sweep()
    known = set(StagedFile.objects.values_list("file", flat=True))
    cutoff = timezone.now() - staging_lifetime()
    stray = 0
    for folder in (STAGING_DIR, *LEGACY_DIRS):
        for path in _files(folder):
            if path in known:
                continue
            try:
                if default_storage.get_modified_time(path) >= cutoff:
                    continue  # perhaps a row being written right now
                default_storage.delete(path)
            except FileNotFoundError:
                continue
            stray += 1
    logger.info("staging purge expired=%s stray=%s", expired, stray)
    return Purged(expired=expired, stray=stray)


def _files(folder: str) -> list[str]:
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def _remove(staged: StagedFile) -> None:
    staged.file.delete(save=False)  # a file already gone is no error
    staged.delete()
