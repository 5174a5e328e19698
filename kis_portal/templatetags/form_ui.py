"""Form helpers every page may load: `{% error_summary form formset %}`.

Registered in settings (TEMPLATES "libraries"): kis_portal itself is not an app.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from kis_portal.form_errors import error_entries
from kis_portal.widgets import quick_html

register = template.Library()

REQUIRED_MARK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308  # nosec B308 B703 - a constant


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets, member_label: str = "Anggota") -> dict:
    """Every error of the page in one box at its top, each linking to its field."""
    return {"entries": error_entries(*forms_and_formsets, member_label=member_label)}


@register.filter
def quick_field(field: BoundField) -> SafeString:
    """A field as `|as_crispy_field` writes it (Bootstrap 5), without its templates.

    crispy renders a field through a dozen nested templates and Django its widget
    through more (one per <option>): ~1 ms a field, the most of a list page's
    time. Text, number and date inputs and single selects are written here with
    the same markup; any other field goes through crispy as before.
    """
    widget = field.field.widget
    if field.is_hidden or field.field.localize or field.use_fieldset:
        return as_crispy_field(field)
    errors = field.errors
    is_select = isinstance(widget, forms.Select)
    # crispy's classes: the widget's own, its class name, then Bootstrap's.
    css = widget.attrs.get("class", "")
    class_name = type(widget).__name__.lower()
    if not css:
        css = class_name
    elif class_name not in css:
        css = f"{css} {class_name}"
    for extra in ("form-select" if is_select else "form-control", "is-invalid"):
        if (extra != "is-invalid" or errors) and extra not in css.split():
            css = f"{css} {extra}"
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    previous = widget.attrs.get("class")
    widget.attrs["class"] = css
    html = quick_html(widget, field.html_name, field.value(), attrs)
    if html is None:
        if previous is None:
            del widget.attrs["class"]
        else:
            widget.attrs["class"] = previous
        return as_crispy_field(field)
    required = field.field.required
    label = (
        format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            REQUIRED_MARK if required else "",
        )
        if field.label
        else ""
    )
    feedback = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, e) for n, e in enumerate(errors, 1)),
            ),
        )
        if errors
        else ""
    )
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308  # nosec B308 B703 - crispy shows it |safe too
        )
        if field.help_text
        else ""
    )
    css_classes = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        f" {css_classes}" if css_classes else "",
        label,
        html,
        feedback,
        help_text,
    )
