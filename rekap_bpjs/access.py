"""Every batch, batch item and batch file reaches a view through these: by role first.

Batches belong to the whole regency, not to a desa: the rekap staff work on them,
the head of office reads them; everyone else finds none (404). A deactivated
participant's task (Nonaktif) belongs to its desa: the desa's operators see
their own, the rekap staff and the head of office every desa's.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role, operator_desa_id

from .models import Batch, BatchFile, BatchItem, Nonaktif

# Who builds, locks, exports a batch and imports BPJS's result.
STAFF = (Role.REKAP, Role.ADMIN)
# Who reads batches (the head of office only reads).
READERS = (*STAFF, Role.KADIS)
# Files carrying full NIKs and KKs (what BPJS gets and sends back).
FULL_NIK_FILES = (BatchFile.Kind.EKSPOR, BatchFile.Kind.HASIL)


def is_staff(user) -> bool:
    return has_role(user, *STAFF)


def batch_for_user(user) -> QuerySet[Batch]:
    if not has_role(user, *READERS):
        return Batch.objects.none()
    return Batch.objects.all()


def get_batch_for_user(user, periode: str) -> Batch:
    return get_object_or_404(batch_for_user(user), periode=periode)


def batch_item_for_user(user) -> QuerySet[BatchItem]:
    if not has_role(user, *READERS):
        return BatchItem.objects.none()
    return BatchItem.objects.all()


def get_batch_item_for_user(user, periode: str, pk: int) -> BatchItem:
    """One member of the batch `periode` (404 for an item of another batch)."""
    return get_object_or_404(batch_item_for_user(user), pk=pk, batch__periode=periode)


def can_download(user, batch_file: BatchFile) -> bool:
    """Full NIKs and KKs are the rekap staff's work only."""
    return is_staff(user) or batch_file.kind not in FULL_NIK_FILES


def batch_file_for_user(user) -> QuerySet[BatchFile]:
    if not has_role(user, *READERS):
        return BatchFile.objects.none()
    return BatchFile.objects.select_related("batch")


def get_batch_file_for_user(user, periode: str, pk: int) -> BatchFile:
    """A file of the batch `periode`; 403 for a reader when it holds full NIKs."""
    batch_file = get_object_or_404(
        batch_file_for_user(user), pk=pk, batch__periode=periode
    )
    if not can_download(user, batch_file):
        raise PermissionDenied
    return batch_file


def nonaktif_for_user(user) -> QuerySet[Nonaktif]:
    desa_id = operator_desa_id(user)
    if desa_id is not None:
        return Nonaktif.objects.filter(desa_id=desa_id)
    if has_role(user, *READERS):
        return Nonaktif.objects.all()
    return Nonaktif.objects.none()


def get_nonaktif_for_user(user, pk: int) -> Nonaktif:
    """One task; another desa's is a 404."""
    return get_object_or_404(nonaktif_for_user(user), pk=pk)
