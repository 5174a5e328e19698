"""Export some rows and everything that hangs off them (to recover one household).

The rows that deleting them would take along, found the way the admin's delete
page finds them, plus the rows that protect them, serialised for `loaddata`,
parents first. The files they name (FileFields) are listed beside, for rsync.
"""

import os
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS, models


def related_rows(queryset: models.QuerySet) -> list[models.Model]:
    """The rows and all rows depending on them, parents before children."""
    collector = NestedObjects(using=queryset.db or DEFAULT_DB_ALIAS)
    collector.collect(queryset)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for model, instances in collector.data.items():
        by_model.setdefault(model, []).extend(instances)
    for row in collector.protected:
        by_model.setdefault(type(row), []).append(row)
    rows: list[models.Model] = []
    for model in _parents_first(list(by_model)):
        unique = {row.pk: row for row in by_model[model]}
        rows.extend(unique[pk] for pk in sorted(unique))
    return rows


def _parents_first(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models ordered so that one a foreign key points at comes before it."""
    parents = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model in found
            and field.related_model is not model
        }
        for model in found
    }
    ordered: list[type[models.Model]] = []
    while len(ordered) < len(found):
        ready = [m for m in found if m not in ordered and parents[m] <= set(ordered)]
        if not ready:  # a cycle: loaddata defers the constraint checks anyway
            ready = [m for m in found if m not in ordered]
        ordered.extend(sorted(ready, key=lambda m: m._meta.label))
    return ordered


def file_names(rows: Iterable[models.Model]) -> list[str]:
    names = set()
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(row, field.attname)
                if value:
                    names.add(str(value))
    return sorted(names)


def export_rows(*, label: str, filters: dict[str, str], output: Path) -> dict:
    """Write OUTPUT (JSON for loaddata) and OUTPUT.berkas (file names); counts per model."""
    model = apps.get_model(label)
    rows = related_rows(model._default_manager.filter(**filters))
    counts: dict[str, int] = {}
    for row in rows:
        key = row._meta.label
        counts[key] = counts.get(key, 0) + 1
    previous = os.umask(0o077)  # personal data
    try:
        with output.open("w") as stream:
            serializers.serialize("json", rows, stream=stream, indent=1)
        Path(f"{output}.berkas").write_text("".join(f"{n}\n" for n in file_names(rows)))
    finally:
        os.umask(previous)
    return counts
