from django import template

from kis_portal.privacy import mask_identifier

register = template.Library()


@register.filter
def mask(value: str) -> str:
    """5108061234560001 -> 5108********0001."""
    return mask_identifier(value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "")
