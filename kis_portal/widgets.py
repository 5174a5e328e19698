"""Form widgets shared by the apps, and a quick writer for simple widgets."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _escape(value) -> str:
    # html.escape is what django.utils.html.escape does, without its lazy wrapper.
    return escape(value) if type(value) is str else conditional_escape(value)


def select_html(widget: forms.Select, name: str, value, attrs=None) -> SafeString:
    """A single <select> of flat choices, written in Python (same markup)."""
    values = widget.format_value(value)
    chosen = False
    options = []
    for key, label in widget.choices:
        text = str(key)
        selected = not chosen and text in values
        chosen = chosen or selected
        options.append(
            f'<option value="{escape(text)}"'
            f"{' selected' if selected else ''}>{_escape(label)}</option>"
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        name,
        flatatt(widget.build_attrs(widget.attrs, attrs)),
        mark_safe("".join(options)),  # noqa: S308  # nosec B308 B703 - escaped above
    )


def input_html(widget: forms.widgets.Input, name: str, value, attrs=None) -> SafeString:
    """An <input> as Django's input.html writes it, without a template."""
    context = widget.get_context(name, value, attrs)["widget"]
    shown = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        "" if shown is None else format_html(' value="{}"', str(shown)),
        flatatt(context["attrs"]),
    )


def quick_html(widget: forms.Widget, name: str, value, attrs=None) -> SafeString | None:
    """The widget's HTML written in Python, or None when it needs its template.

    Django renders a widget through templates, one per <option>: ~50 us each, so a
    filter form of selects cost a list page more than its rows. Simple inputs and
    single selects of flat choices are written here with the same markup.
    """
    if isinstance(widget, forms.Select) and type(widget).render in QUICK_SELECTS:
        if widget.allow_multiple_selected:
            return None
        # Iterated, not list()ed: a model choice iterator would COUNT first.
        widget.choices = [choice for choice in widget.choices]
        if any(isinstance(label, list | tuple) for _, label in widget.choices):
            return None  # option groups
        return select_html(widget, name, value, attrs)
    if type(widget) in (
        forms.TextInput,
        forms.NumberInput,
        forms.DateInput,
        forms.EmailInput,
        forms.SearchInput,
    ):
        return input_html(widget, name, value, attrs)
    return None


class LongSelect(forms.Select):
    """A <select> of flat choices written in Python, not one template per option.

    Django renders every <option> through a template (~50 us each): the 148
    desa of a regency cost more than the rest of a list page. Same markup.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return select_html(self, name, value, attrs)


QUICK_SELECTS = (forms.Select.render, LongSelect.render)
