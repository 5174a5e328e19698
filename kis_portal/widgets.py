"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")  # noqa: S308  # nosec B308 B703 - a constant, no user input


class LongSelect(forms.Select):
    """A <select> of flat choices written in Python, not one template per option.

    Django renders every <option> through a template (~50 us each): the 148
    desa of a regency cost more than the rest of a list page. Same markup.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        values = self.format_value(value)
        chosen = False

        def options():
            nonlocal chosen
            for key, label in self.choices:
                text = str(key)
                selected = not chosen and text in values
                chosen = chosen or selected
                yield text, SELECTED if selected else "", label

        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '<option value="{}"{}>{}</option>', options()),
        )
