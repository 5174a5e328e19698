"""More member rows without JavaScript: the form comes back with what was typed.

"Tambah baris anggota" submits the whole form; nothing is saved or checked, the
page is drawn again, unbound (no error marks), with every typed value as initial
data and more empty rows.
"""

from django import forms

MAX_MEMBERS = 20


def rows_to_add(data) -> int:
    """How many rows the "Tambah baris anggota" button asked for; 0 if not pressed."""
    try:
        return max(0, min(int(data.get("tambah_baris", 0)), MAX_MEMBERS))
    except ValueError:
        return 0


def refill(form: forms.BaseForm, data) -> None:
    """Show the values `data` holds for `form`'s fields as its initial values."""
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            form.initial[name] = key in data
        elif key not in data:
            continue
        elif isinstance(
            field.widget, forms.SelectMultiple | forms.CheckboxSelectMultiple
        ):
            form.initial[name] = data.getlist(key)
        else:
            form.initial[name] = data.get(key)


def posted_total(data, prefix: str) -> int:
    try:
        return int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return 0


def refill_formset(formset, data) -> None:
    """Rows as typed, then the empty rows asked for (unbound, `extra` set first)."""
    wanted = min(posted_total(data, formset.prefix) + rows_to_add(data), MAX_MEMBERS)
    formset.extra = max(wanted - formset.initial_form_count(), 0)
    for form in formset.forms:
        refill(form, data)
