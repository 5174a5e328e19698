"""Every error of a page's forms as a flat list: the error summary and autosave."""

from django import forms
from django.forms.formsets import BaseFormSet


def _anchor(bound: forms.BoundField) -> str:
    # A radio group has no id of its own (Django drops it for screen readers):
    # link to its first choice.
    return bound.id_for_label or f"{bound.auto_id}_0"


def _form_entries(form: forms.BaseForm, prefix: str = "") -> list[dict]:
    entries = [
        {"anchor": "", "text": f"{prefix}{message}"}
        for message in form.non_field_errors()
    ]
    for name, messages in form.errors.items():
        if name not in form.fields:
            continue
        bound = form[name]
        if bound.is_hidden:
            entries.extend({"anchor": "", "text": f"{prefix}{m}"} for m in messages)
            continue
        label = form.fields[name].label or name
        entries.extend(
            {"anchor": _anchor(bound), "text": f"{prefix}{label}: {m}"}
            for m in messages
        )
    return entries


def error_entries(*forms_and_formsets, member_label: str = "Anggota") -> list[dict]:
    """[{anchor, text}] in page order; a member's errors name its row."""
    entries: list[dict] = []
    for item in forms_and_formsets:
        if item is None or not item.is_bound:
            continue
        if isinstance(item, BaseFormSet):
            entries.extend(
                {"anchor": "", "text": str(m)} for m in item.non_form_errors()
            )
            for index, sub in enumerate(item.forms, start=1):
                entries.extend(_form_entries(sub, prefix=f"{member_label} {index} · "))
        else:
            entries.extend(_form_entries(item))
    return entries
