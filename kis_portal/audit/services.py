"""One mechanism for history and audit, used by every app."""

from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from kis_portal.roles import primary_role

from .models import AksesData, AuditEvent

# Sent by `change_status` inside the caller's transaction, after the history row
# is written: kwargs instance, from_status, to_status, by, reason. Receivers that
# talk to the outside world must defer it with transaction.on_commit.
status_changed = Signal()
# Sent once by `change_status_bulk` for every row it moved, inside the caller's
# transaction: kwargs instances, from_statuses (same order), to_status, by,
# reason, reasons ({pk: reason} when rows have their own). Receivers of
# status_changed that must also see bulk moves (the notifications) connect here.
statuses_changed = Signal()


class InvalidTransition(ValidationError):
    pass


def audit_record(
    *,
    action: str,
    by=None,
    target: models.Model | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event; `by` is None for the system."""
    return AuditEvent.objects.create(
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target)
        if target is not None
        else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


@transaction.atomic
def change_status(
    obj: models.Model,
    *,
    to: str,
    by,
    allowed: Mapping[str, set[str] | frozenset[str]],
    reason: str = "",
    field: str = "status",
    update_fields: tuple[str, ...] = (),
    data: dict | None = None,
) -> AuditEvent:
    """Move `obj` to status `to` if the table allows it, and write the history row.

    Callers lock the row first (select_for_update) so two concurrent changes
    cannot both start from the same status.
    """
    current = getattr(obj, field)
    if to not in allowed.get(current, set()):
        raise InvalidTransition(
            f"Perubahan status dari '{current}' ke '{to}' tidak diizinkan.",
            code="invalid_transition",
        )
    setattr(obj, field, to)
    fields = {field, *update_fields}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.add("updated_at")  # auto_now is only written when named
    obj.save(update_fields=sorted(fields))
    event = audit_record(
        action=AuditEvent.Action.STATUS,
        by=by,
        target=obj,
        from_status=current,
        to_status=to,
        reason=reason,
        data=data,
    )
    status_changed.send(
        sender=type(obj),
        instance=obj,
        from_status=current,
        to_status=to,
        by=by,
        reason=reason,
    )
    return event


# Why a role looks at a person's data, when the view does not say more precisely.
PURPOSE_BY_ROLE = {
    "operator_desa": "pendataan usulan desa",
    "petugas_loket": "pelayanan loket",
    "verifikator": "verifikasi",
    "petugas_lapangan": "cek lapangan",
    "kepala_dinas": "persetujuan dan pengawasan",
    "staf_rekap": "rekap BPJS",
    "petugas_distribusi": "distribusi kartu",
    "admin": "administrasi",
}


def _joined(values: Iterable) -> str:
    """' a b c ': space at both ends so ' a ' matches one whole value."""
    seen = dict.fromkeys(str(v) for v in values if v not in (None, ""))
    return f" {' '.join(seen)} " if seen else ""


def record_access(
    *,
    by,
    tindakan: str,
    halaman: str,
    tujuan: str = "",
    subjek_tipe: str = "",
    ids: Iterable = (),
    niks: Iterable[str] = (),
    jumlah: int | None = None,
    keterangan: str = "",
) -> AksesData:
    """Append one access record (one INSERT): who saw/exported/printed whose data, why.

    `ids` are the primary keys of the `subjek_tipe` records shown (for a list: the
    page's rows); `niks` the people's NIKs where the view has them at hand. The
    purpose defaults to the one of the user's role.
    """

    user = by if getattr(by, "is_authenticated", False) else None
    role = primary_role(user) if user else None
    id_text, nik_text = _joined(ids), _joined(niks)
    if jumlah is None:
        jumlah = max(len(id_text.split()), len(nik_text.split()))
    return AksesData.objects.create(
        actor=user,
        peran=role or "",
        tindakan=tindakan,
        halaman=halaman[:100],
        tujuan=(tujuan or PURPOSE_BY_ROLE.get(role or "", "layanan publik"))[:100],
        subjek_tipe=subjek_tipe,
        subjek_ids=id_text,
        niks=nik_text,
        jumlah=jumlah,
        keterangan=keterangan[:250],
    )


BULK_SIZE = 1000


# No savepoint of its own: it runs inside the caller's transaction, which holds the
# row locks, and a failure there rolls the caller back anyway.
@transaction.atomic(savepoint=False)
def change_status_bulk(
    objs: list[models.Model],
    *,
    to: str,
    by,
    allowed: Mapping[str, set[str] | frozenset[str]],
    reason: str = "",
    reasons: Mapping[object, str] | None = None,
    field: str = "status",
    values: Mapping[str, object] | None = None,
    data: dict | None = None,
) -> list[AuditEvent]:
    """`change_status` for many rows of one model: one UPDATE, one INSERT of history.

    For bulk decisions (hundreds of usulan or cards at once): the same checks,
    history rows and signal (`statuses_changed`, once) in a constant number of
    queries (per thousand rows). `reasons` ({pk: reason}) gives rows their own
    reason (a BPJS result file), else `reason` is everyone's. `values` are
    further fields set to the same value on every row. Callers lock the rows
    first (select_for_update), as for change_status.
    """
    if not objs:
        return []
    model = type(objs[0])
    froms = [getattr(obj, field) for obj in objs]
    for current in froms:
        if to not in allowed.get(current, set()):
            raise InvalidTransition(
                f"Perubahan status dari '{current}' ke '{to}' tidak diizinkan.",
                code="invalid_transition",
            )
    updates = {field: to, **(values or {})}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        updates["updated_at"] = timezone.now()  # update() skips auto_now
    pks = [obj.pk for obj in objs]
    for start in range(0, len(pks), BULK_SIZE):  # SQLite's variable limit
        model._default_manager.filter(pk__in=pks[start : start + BULK_SIZE]).update(
            **updates
        )
    for obj in objs:
        for name, value in updates.items():
            setattr(obj, name, value)
    content_type = ContentType.objects.get_for_model(model)
    actor = by if getattr(by, "is_authenticated", False) else None
    events = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                action=AuditEvent.Action.STATUS,
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                from_status=current,
                to_status=to,
                reason=reasons.get(obj.pk, reason) if reasons else reason,
                data=data or {},
            )
            for obj, current in zip(objs, froms, strict=True)
        ],
        batch_size=BULK_SIZE,
    )
    statuses_changed.send(
        sender=model,
        instances=objs,
        from_statuses=froms,
        to_status=to,
        by=by,
        reason=reason,
        reasons=reasons or {},
    )
    return events
