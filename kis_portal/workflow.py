"""One status mechanism for every model with a status.

Each app declares one `Workflow` per model in its `workflow.py`: the status field,
the transition table, and what entering a status does (`on_enter`), written once.
Services change a status only through `Workflow.move` (one object) or
`Workflow.move_bulk` (many, set-based). Both check the table, run the entering
action, write the row(s), and, for a business workflow, write one history row
(`AuditEvent`) per object and send `status_changed` / `statuses_changed`.
docs/status-tables.md lists every table.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from kis_portal.audit.models import AuditEvent
from kis_portal.bulk import insert_rows

# Sent by `Workflow.move` inside the caller's transaction, after the history row
# is written: kwargs instance, from_status, to_status, by, reason. Receivers that
# talk to the outside world must defer it with transaction.on_commit.
status_changed = Signal()
# Sent once by `Workflow.move_bulk` for every row it moved, inside the caller's
# transaction: kwargs instances, from_statuses (same order), to_status, by,
# reason, reasons ({pk: reason} when rows have their own). Receivers of
# status_changed that must also see bulk moves (the notifications) connect here.
statuses_changed = Signal()

# Rows per UPDATE and per INSERT of history (SQLite's variable limit).
BULK_SIZE = 1000


class InvalidTransition(ValidationError):
    pass


@dataclass
class Entering:
    """One move of one or more rows into `to`, as an `on_enter` action sees it."""

    objs: list[models.Model]
    from_statuses: list[str]
    to: str
    by: object
    reason: str
    now: datetime.datetime
    reasons: Mapping[object, str] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)

    @property
    def pks(self) -> list:
        return [obj.pk for obj in self.objs]

    def pks_from(self, *statuses: str) -> list:
        """The rows that came from one of `statuses`."""
        return [
            obj.pk
            for obj, old in zip(self.objs, self.from_statuses, strict=True)
            if old in statuses
        ]

    def reason_for(self, obj: models.Model) -> str:
        return self.reasons.get(obj.pk, self.reason)

    def set(self, **values: object) -> None:
        """Fields written together with the status, in the same UPDATE."""
        self.values.update(values)


OnEnter = Callable[[Entering], None]


class Workflow:
    """The statuses of one model: the table, the entering actions, the history.

    `on_enter` maps a status to what entering it does. The action runs once the
    move is known to be allowed, inside the caller's transaction and before the
    rows are written: it may add fields to write with the status
    (`entering.set(...)`) and write related tables (set-based: it gets every row
    of the move, at most BULK_SIZE at a time, on the single and the bulk path
    alike). `history=False` is for technical queues: no history row and no
    signal (the workflow's docstring says why).
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        transitions: Mapping[str, Iterable[str]],
        on_enter: Mapping[str, OnEnter] | None = None,
        field: str = "status",
        history: bool = True,
    ) -> None:
        statuses = {value for value, _ in model._meta.get_field(field).choices}
        table = {status: frozenset(targets) for status, targets in transitions.items()}
        named = set(table).union(*table.values(), on_enter or {})
        if set(table) != statuses or not named <= statuses:
            # A typo in a table would otherwise surface as a refused move in use.
            raise ValueError(
                f"{model.__name__}: the table needs one row per status and only "
                f"known statuses (missing {sorted(statuses - set(table))}, "
                f"unknown {sorted(named - statuses)})"
            )
        self.model = model
        self.field = field
        self.transitions: dict[str, frozenset[str]] = table
        self.on_enter: dict[str, OnEnter] = dict(on_enter or {})
        self.history = history
        self._has_updated_at = any(
            f.name == "updated_at" for f in model._meta.concrete_fields
        )

    def __repr__(self) -> str:
        return f"<Workflow {self.model.__name__}.{self.field}>"

    # --- The table ---------------------------------------------------------------

    def allowed_from(self, status: str) -> frozenset[str]:
        return self.transitions.get(status, frozenset())

    def may_move(self, current: str, to: str) -> bool:
        return to in self.allowed_from(current)

    def sources(self, to: str) -> frozenset[str]:
        """The statuses from which `to` may be entered."""
        return frozenset(s for s, targets in self.transitions.items() if to in targets)

    @property
    def final_statuses(self) -> frozenset[str]:
        """The statuses an object never leaves."""
        return frozenset(s for s, targets in self.transitions.items() if not targets)

    def check(self, current: str, to: str) -> None:
        if not self.may_move(current, to):
            raise InvalidTransition(
                f"Perubahan status dari '{current}' ke '{to}' tidak diizinkan.",
                code="invalid_transition",
            )

    # --- Moving --------------------------------------------------------------------

    def move(
        self,
        obj: models.Model,
        *,
        to: str,
        by,
        reason: str = "",
        update_fields: Iterable[str] = (),
        data: dict | None = None,
    ) -> AuditEvent | None:
        """Move `obj` to `to` if the table allows it; returns its history row.

        What entering `to` does, the row and the history row are written
        together (no savepoint of its own: a refusal is raised before any write).

        `update_fields` are further fields the caller set on `obj` to be saved
        with the status. Callers lock the row first (select_for_update) so two
        concurrent changes cannot both start from the same status.
        """
        current = getattr(obj, self.field)
        self.check(current, to)  # before any write: a refusal leaves no trace
        entering = Entering(
            objs=[obj],
            from_statuses=[current],
            to=to,
            by=by,
            reason=reason,
            now=timezone.now(),
        )
        with transaction.atomic(savepoint=False):
            self._write_one(obj, entering, update_fields)
            if not self.history:
                return None
            event = self._history_row(obj, current, to, by, reason, data)
            event.save()
        status_changed.send(
            sender=self.model,
            instance=obj,
            from_status=current,
            to_status=to,
            by=by,
            reason=reason,
        )
        return event

    def _write_one(
        self, obj: models.Model, entering: Entering, update_fields: Iterable[str]
    ) -> None:
        self._enter(entering)
        for name, value in entering.values.items():
            setattr(obj, name, value)
        setattr(obj, self.field, entering.to)
        fields = {self.field, *update_fields, *entering.values}
        if self._has_updated_at:
            fields.add("updated_at")  # auto_now is only written when named
        obj.save(update_fields=sorted(fields))

    def move_bulk(
        self,
        objs: list[models.Model],
        *,
        to: str,
        by,
        reason: str = "",
        reasons: Mapping[object, str] | None = None,
        values: Mapping[str, object] | None = None,
        data: dict | None = None,
    ) -> list[int]:
        """`move` for many rows of the model: per BULK_SIZE rows one UPDATE and
        one run of the entering action; the history rows in one insert (COPY on
        PostgreSQL beyond BULK_SIZE rows); the signal once. Returns the history
        rows' ids.

        `reasons` ({pk: reason}) gives rows their own reason (a BPJS result file),
        else `reason` is everyone's. `values` are further fields set to the same
        value on every row. Callers lock the rows first, as for `move`.
        """
        if not objs:
            return []
        froms = [getattr(obj, self.field) for obj in objs]
        for current in froms:
            self.check(current, to)
        now = timezone.now()
        events: list[dict] = []
        # What every history row of this move shares, worked out once.
        common = self._history_values(objs[0], "", to, by, "", data)
        with transaction.atomic(savepoint=False):
            for start in range(0, len(objs), BULK_SIZE):
                chunk = objs[start : start + BULK_SIZE]
                chunk_froms = froms[start : start + BULK_SIZE]
                entering = Entering(
                    objs=chunk,
                    from_statuses=chunk_froms,
                    to=to,
                    by=by,
                    reason=reason,
                    now=now,
                    reasons=reasons or {},
                )
                self._enter(entering)
                updates = {self.field: to, **(values or {}), **entering.values}
                if self._has_updated_at:
                    updates["updated_at"] = now  # update() skips auto_now
                self.model._default_manager.filter(
                    pk__in=[obj.pk for obj in chunk]
                ).update(**updates)
                for obj in chunk:
                    for name, value in updates.items():
                        setattr(obj, name, value)
                if self.history:
                    events += [
                        {
                            **common,
                            "object_id": str(obj.pk),
                            "object_repr": str(obj)[:200],
                            "from_status": current,
                            "reason": entering.reason_for(obj),
                        }
                        for obj, current in zip(chunk, chunk_froms, strict=True)
                    ]
            # The history rows of every chunk in one go (COPY on PostgreSQL).
            history = insert_rows(AuditEvent, events)
        if self.history:
            statuses_changed.send(
                sender=self.model,
                instances=objs,
                from_statuses=froms,
                to_status=to,
                by=by,
                reason=reason,
                reasons=reasons or {},
            )
        return history

    def move_where(self, queryset: models.QuerySet, *, to: str, **values) -> int:
        """Move every row of `queryset` whose status may enter `to`, in one
        conditional UPDATE; returns how many moved.

        A claim: of two workers, only one moves a row. Only for workflows
        without history and without an entering action for `to`, since no row
        is read.
        """
        if self.history or to in self.on_enter:
            raise ValueError(
                f"{self!r}: move_where cannot write history or run on_enter"
            )
        if self._has_updated_at:
            values.setdefault("updated_at", timezone.now())
        return queryset.filter(**{f"{self.field}__in": self.sources(to)}).update(
            **{self.field: to}, **values
        )

    def _enter(self, entering: Entering) -> None:
        action = self.on_enter.get(entering.to)
        if action is not None:
            action(entering)

    def _history_row(
        self, obj, current: str, to: str, by, reason: str, data: dict | None
    ) -> AuditEvent:
        return AuditEvent(**self._history_values(obj, current, to, by, reason, data))

    def _history_values(
        self, obj, current: str, to: str, by, reason: str, data: dict | None
    ) -> dict:
        return {
            "actor_id": by.pk if getattr(by, "is_authenticated", False) else None,
            "action": AuditEvent.Action.STATUS,
            "content_type_id": ContentType.objects.get_for_model(self.model).pk,
            "object_id": str(obj.pk),
            "object_repr": str(obj)[:200],
            "from_status": current,
            "to_status": to,
            "reason": reason,
            "data": data or {},
        }


def all_workflows() -> list[Workflow]:
    """The workflows declared in the installed apps' `workflow` modules."""
    found = []
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, "workflow"):
            module = import_module(f"{app.name}.workflow")
            found += [v for v in vars(module).values() if isinstance(v, Workflow)]
    return found
