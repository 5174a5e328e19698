"""Form helpers every page may load: `{% error_summary form formset %}`.

Registered in settings (TEMPLATES "libraries"): kis_portal itself is not an app.
"""

from django import template

from kis_portal.form_errors import error_entries

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets, member_label: str = "Anggota") -> dict:
    """Every error of the page in one box at its top, each linking to its field."""
    return {"entries": error_entries(*forms_and_formsets, member_label=member_label)}
