from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kis_portal.privacy import mask_identifier

register = template.Library()


@register.filter
def mask(value: str) -> str:
    """5108061234560001 -> 5108********0001."""
    return mask_identifier(value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "")


BADGE_CLASS = {
    "draft": "text-bg-secondary",
    "dikembalikan": "text-bg-warning",
    "ditolak": "text-bg-danger",
}


@register.filter
def status_badge(status: str, label: str) -> SafeString:
    """An usulan's status as a badge: grey draft, yellow returned, red refused."""
    return format_html(
        '<span class="badge {}">{}</span>',
        BADGE_CLASS.get(status, "text-bg-success"),
        label,
    )
