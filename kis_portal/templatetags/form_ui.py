"""Form helpers every page may load: `{% error_summary form formset %}`.

Registered in settings (TEMPLATES "libraries"): kis_portal itself is not an app.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


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


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets, member_label: str = "Anggota") -> dict:
    """Every error of the page in one box at its top, each linking to its field."""
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
    return {"entries": entries}
