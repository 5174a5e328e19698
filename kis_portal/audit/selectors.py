import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from .models import AksesData, AuditEvent


def history_for(
    obj: models.Model, *, labels: dict[str, str] | None = None
) -> list[AuditEvent]:
    """The events of one record, oldest first (a timeline), without mere views.

    `labels` maps status codes to the words shown (e.g. a model's Status choices).
    """
    events = list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .exclude(action=AuditEvent.Action.VIEW_PERSONAL)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    labels = labels or {}
    for event in events:
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def audit_events(
    *, q: str = "", action: str = "", events: QuerySet[AuditEvent] | None = None
) -> QuerySet[AuditEvent]:
    """Audit events (of `events`, a user's scope; default all), filtered."""
    events = AuditEvent.objects.all() if events is None else events
    qs = events.select_related("actor", "content_type")
    if action:
        qs = qs.filter(action=action)
    if q:
        qs = qs.filter(
            models.Q(object_repr__icontains=q)
            | models.Q(actor__username__icontains=q)
            | models.Q(reason__icontains=q)
        )
    return qs


def akses_list(
    *,
    pengguna: str = "",
    nik: str = "",
    dari: datetime.date | None = None,
    sampai: datetime.date | None = None,
    tindakan: str = "",
    records: QuerySet[AksesData] | None = None,
) -> QuerySet[AksesData]:
    """Access records (of `records`, a user's scope; default all), newest first,
    filtered as the admin asks."""
    records = AksesData.objects.all() if records is None else records
    qs = records.select_related("actor")
    if pengguna:
        qs = qs.filter(actor__username__icontains=pengguna)
    if nik:
        qs = qs.filter(niks__contains=f" {nik} ")
    if dari:
        qs = qs.filter(created_at__gte=_start_of(dari))
    if sampai:
        qs = qs.filter(created_at__lt=_start_of(sampai + datetime.timedelta(days=1)))
    if tindakan:
        qs = qs.filter(tindakan=tindakan)
    return qs


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the portal's time zone (WITA)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
