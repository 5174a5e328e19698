"""Template filters for personal numbers: `{{ m.nik|samar_nik:user }}`."""

from django import template

from kis_portal import privacy

register = template.Library()


@register.filter
def samar_nik(value: str, user) -> str:
    """A NIK or No. KK, full for the roles that need it, masked for the rest."""
    return privacy.number_for(user, value, privacy.NIK)


@register.filter
def samar_telepon(value: str, user) -> str:
    """A phone number, full for the roles that need it, masked for the rest."""
    return privacy.number_for(user, value, privacy.TELEPON)
